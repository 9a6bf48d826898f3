"""The command vocabulary: what can be said, and that the coach never says it itself."""

from __future__ import annotations

import itertools

import pytest

from voicecoach import catalog, content
from voicecoach.listen.vocabulary import (
    COMMANDS,
    PHRASES,
    WAKE_WORD,
    Phrase,
    contains_phrase,
    keyword_list,
    phrases_said,
    spoken_lines,
    vocabulary,
)
from voicecoach.plan import PlanOptions, build_plan

SHIPPED = [e for e in catalog.entries() if e.builtin]


def test_every_command_has_a_phrase_and_every_phrase_starts_with_the_wake_word():
    assert {p.command for p in PHRASES} == set(COMMANDS)
    assert all(p.text.split()[: len(WAKE_WORD.split())] == WAKE_WORD.split() for p in PHRASES)
    assert len({p.text for p in PHRASES}) == len(PHRASES)


def test_every_word_is_in_the_recognisers_dictionary():
    pocketsphinx = pytest.importorskip("pocketsphinx")
    decoder = pocketsphinx.Decoder(loglevel="FATAL", lm=None)
    for phrase in PHRASES:
        for word in phrase.text.split():
            assert decoder.lookup_word(word), word


def test_the_keyword_list_has_one_phrase_and_threshold_a_line():
    phrases = [Phrase("coach pause", "pause", 1e-20), Phrase("coach go", "resume", 1e-5)]
    assert keyword_list(phrases) == "coach pause /1e-20/\ncoach go /1e-05/\n"


def test_without_a_wake_word_the_phrases_are_the_bare_words():
    bare = vocabulary(None)
    assert {p.command for p in bare} == set(COMMANDS)
    assert all(" " not in p.text or p.text.split()[0] != WAKE_WORD for p in bare)


def test_a_phrase_is_found_by_whole_words_in_order():
    assert contains_phrase("Coach, pause now.", "coach pause")
    assert not contains_phrase("Coaches pause.", "coach pause")
    assert not contains_phrase("Pause, coach.", "coach pause")


def test_a_line_that_says_a_command_is_caught():
    said = phrases_said(["Rest.", "Tell your coach: pause!"], PHRASES)
    assert ("Tell your coach: pause!", f"{WAKE_WORD} pause") in said


@pytest.mark.parametrize(
    ("insoles", "rate", "hold"), itertools.product([True, False], [80, 160, 300], [None, 45.0])
)
def test_no_shipped_line_says_a_command_or_the_wake_word(insoles: bool, rate: int, hold):
    options = PlanOptions(insoles=insoles, rate=rate, hold=hold)
    for entry in SHIPPED:
        plan = build_plan(catalog.load(entry.name), options)
        lines = list(spoken_lines(plan))
        assert lines
        assert phrases_said(lines) == [], entry.name


def test_no_fixed_text_says_a_command_or_the_wake_word():
    fixed = [v for k, v in vars(content).items() if k.isupper() and isinstance(v, str)]
    assert phrases_said(fixed) == []
