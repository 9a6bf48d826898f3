"""The coach's own words as a language model: sentences, numbers as said, and the ARPA text."""

from __future__ import annotations

import re

from voicecoach.listen.own_words import (
    COMMAND_WEIGHT,
    language_model,
    pronunciations,
    sentences,
)


def test_numbers_are_the_words_said_for_them():
    got = list(sentences(["7 and 30 then 45 or 312"]))
    assert got == [["seven", "and", "thirty", "then", "forty", "five", "or", "three", "hundred",
                    "and", "twelve"]]


def test_lines_become_the_words_of_each_sentence_or_clause():
    got = list(sentences(["Hold for 45 seconds. Then rest, slowly!", "Breathe in; let's go"]))
    assert got == [
        ["hold", "for", "forty", "five", "seconds"], ["then", "rest"], ["slowly"],
        ["breathe", "in"], ["let's", "go"],
    ]


def test_the_model_is_arpa_text_over_known_words_with_commands_counted_heavily():
    text = language_model(["Hold the stretch.", "Hold it, breathe."], ["okay coach pause"],
                          known=lambda w: w != "breathe")
    head, ones, twos = re.split(r"\n\\\d-grams:\n", text.split("\\end\\")[0])
    counts = dict(re.findall(r"ngram (\d)=(\d+)", head))
    unigrams = [row.split() for row in ones.strip().splitlines()]
    bigrams = [row.split() for row in twos.strip().splitlines()]
    assert int(counts["1"]) == len(unigrams) and int(counts["2"]) == len(bigrams)
    words = {row[1] for row in unigrams}
    assert words == {"<s>", "</s>", "hold", "the", "stretch", "it", "okay", "coach", "pause"}
    assert all(float(row[0]) <= 0 for row in unigrams + bigrams)
    p = {(row[1], row[2]): float(row[0]) for row in bigrams}
    # "okay" is only ever followed by "coach", and the command outnumbers the coach's sentences.
    assert p[("okay", "coach")] > p[("hold", "the")]
    assert COMMAND_WEIGHT > 1


def test_the_dictionary_keeps_every_pronunciation_of_the_models_words_only(tmp_path):
    dictionary = tmp_path / "words.dict"
    dictionary.write_text("hold HH OW L D\nhole HH OW L\nto T UW\nto(2) T IH\ntoe T OW\n")
    model = language_model(["Hold to."], [], known=lambda w: True)
    assert pronunciations(model, str(dictionary)) == "hold HH OW L D\nto T UW\nto(2) T IH\n"
