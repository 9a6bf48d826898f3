"""The command vocabulary: what can be said, and that the coach never says it itself."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voicecoach import catalog, content
from voicecoach.listen.vocabulary import (
    COMMANDS,
    VOCABULARY,
    WAKE_WORD,
    Phrase,
    Vocabulary,
    bare_vocabulary,
    grammar,
    contains_phrase,
    keyword_list,
    phrases_said,
    spoken_lines,
    vocabulary,
)
from voicecoach.plan import PlanOptions, build_plan

SHIPPED = [e for e in catalog.entries() if e.builtin]
ROOT = Path(__file__).resolve().parent.parent


def test_every_command_has_a_phrase_said_after_the_wake_word():
    assert {p.command for p in VOCABULARY.commands} == set(COMMANDS)
    assert VOCABULARY.wake == WAKE_WORD
    assert VOCABULARY.said == [f"{WAKE_WORD} {p.text}" for p in VOCABULARY.commands]
    assert len(set(VOCABULARY.said)) == len(VOCABULARY.commands)


def test_every_word_is_in_the_recognisers_dictionary():
    import pocketsphinx

    decoder = pocketsphinx.Decoder(loglevel="FATAL", lm=None)
    for phrase in VOCABULARY.said:
        for word in phrase.split():
            assert decoder.lookup_word(word), word


def test_the_keyword_list_has_one_whole_phrase_and_threshold_a_line():
    words = Vocabulary("coach", (Phrase("pause", "pause", 1e-20), Phrase("go", "resume", 1e40)))
    assert keyword_list(words) == "coach pause /1e-20/\ncoach go /1e+40/\n"
    assert "public <command> = ( coach pause | coach go );" in grammar(words)


def test_the_baseline_is_the_plain_words_with_no_wake_word():
    bare = bare_vocabulary()
    assert bare.wake is None
    assert {p.command for p in bare.commands} == set(COMMANDS)
    assert [p.text for p in bare.commands if p.command == "resume"] == ["resume", "go", "continue"]
    assert bare.said == [p.text for p in bare.commands]


def test_a_vocabulary_can_be_built_for_another_wake_word():
    other = vocabulary("hey coach")
    assert other.said == [f"hey coach {p.text}" for p in VOCABULARY.commands]


def test_a_phrase_is_found_by_whole_words_in_order():
    assert contains_phrase("Coach, pause now.", "coach pause")
    assert not contains_phrase("Coaches pause.", "coach pause")
    assert not contains_phrase("Pause, coach.", "coach pause")


def test_a_line_that_says_a_command_is_caught():
    said = phrases_said(["Rest.", "Say okay, coach: pause!"])
    assert ("Say okay, coach: pause!", "okay coach pause") in said
    assert ("Say okay, coach: pause!", WAKE_WORD) in said


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


def test_the_cli_and_the_listen_package_start_without_the_recogniser_or_the_microphone():
    code = (
        "import sys, voicecoach.cli, voicecoach.listen, voicecoach.listen.live; "
        "print(sorted({'pocketsphinx', 'miniaudio', 'numpy'} & set(sys.modules)))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout == "[]\n", result.stderr
