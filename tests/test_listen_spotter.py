"""The recogniser hears each command phrase spoken by eSpeak NG, and not the coach's own lines."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from tests.listen_fakes import CHUNK, pcm, room, said
from voicecoach.listen.gate import Gate, GatedListener
from voicecoach.listen.spotter import KeywordSpotter
from voicecoach.listen.vocabulary import (
    SAMPLE_RATE,
    THRESHOLDS,
    VOCABULARY,
    WAKE_WORD,
    vocabulary,
)


def spoken(phrase: str) -> str:
    """How a person says it: 'Okay coach, pause.'"""
    rest = phrase[len(WAKE_WORD) + 1 :]
    return f"{WAKE_WORD.capitalize()}, {rest}."


def heard(audio, listener=None, spotter=None) -> list:
    spotter = spotter or KeywordSpotter()
    feed = listener.hear if listener is not None else None
    found = []
    data = pcm(audio)
    for i in range(0, len(data), CHUNK * 2):
        chunk = data[i : i + CHUNK * 2]
        found += feed(chunk, SAMPLE_RATE) if feed else spotter.feed(chunk)
    return found


@pytest.mark.parametrize("phrase", VOCABULARY.commands, ids=lambda p: p.text)
def test_each_phrase_is_heard_as_its_command_soon_after_it_ends(phrase):
    command = phrase.command
    clip = said(spoken(f"{WAKE_WORD} {phrase.text}"), "en-us")
    found = heard(room(1.0 + len(clip) / SAMPLE_RATE + 1.5, [(1.0, clip)]))
    assert [d.command for d in found] == [command]
    ended = 1.0 + len(clip) / SAMPLE_RATE
    assert found[0].reported - ended < 0.8


def test_the_coachs_lines_set_off_nothing():
    # Lines like those that set off bare command words: "Next up", "short pause", "Repeat on
    # the other side", "Great job", and more of the same.
    lines = [
        "Rest. Next up: Pigeon pose.",
        "Take a short break, then repeat on the other side.",
        "Stop if you feel any sharp pain. Come back to the start.",
        "Great job. Go slowly, and breathe out again.",
    ]
    parts, at = [], 0.5
    for line in lines:
        clip = said(line)
        parts.append((at, clip))
        at += len(clip) / SAMPLE_RATE + 0.5
    assert heard(room(at + 1.0, parts)) == []


def test_a_command_said_while_a_line_plays_is_ignored_and_heard_after_the_tail():
    clip = said(spoken(f"{WAKE_WORD} move on"), "en-us")
    length = len(clip) / SAMPLE_RATE
    audio = room(12.0, [(1.0, clip), (8.0, clip)])
    gate = Gate(tail=0.5)
    gate.close(0.5, 1.0 + length)  # the coach's line covers the first command
    found = heard(audio, GatedListener(KeywordSpotter(), gate))
    assert [d.command for d in found] == ["next"]
    assert found[0].start >= 8.0 - 0.2


def test_a_phrase_straddling_the_end_of_the_tail_is_not_pieced_together():
    clip = said(spoken(f"{WAKE_WORD} end session"), "en-us")
    length = len(clip) / SAMPLE_RATE
    gate = Gate(tail=0.0)
    gate.close(0.0, 1.0 + length / 2)  # the gate opens halfway through the command
    audio = room(4.0, [(1.0, clip)])
    assert heard(audio, GatedListener(KeywordSpotter(), gate)) == []


def test_phones_heard_are_compared_with_the_phrase_by_edits_per_phone():
    from voicecoach.listen.verify import phone_distance

    said_phones = ["OW", "K", "EY", "K", "OW", "CH", "P", "AO", "Z"]
    assert phone_distance(said_phones, said_phones) == 0.0
    # One substituted, one dropped, one added: three edits over nine phones.
    heard = ["OW", "G", "EY", "K", "OW", "P", "AO", "Z", "IY"]
    assert phone_distance(said_phones, heard) == pytest.approx(3 / 9)
    assert phone_distance(said_phones, []) == 1.0


def test_a_phrase_spotted_but_failing_its_checks_is_turned_down():
    clip = said(spoken(f"{WAKE_WORD} move on"), "en-us")
    audio = room(1.0 + len(clip) / SAMPLE_RATE + 1.5, [(1.0, clip)])
    # A perfect fit, every phone heard as said, 60 dB above the room: no voice shows that much.
    strict = vocabulary(checks=dict.fromkeys(THRESHOLDS, (0.0, 0.0, 60.0)))
    assert heard(audio, spotter=KeywordSpotter(strict)) == []
    assert [d.command for d in heard(audio)] == ["next"]


@pytest.mark.parametrize(
    ("voice", "phrase", "talk"),
    [
        ("en-us", "continue", "Now reach your arms up high and hold the stretch there."),
        ("en-us", "repeat that", "Now reach your arms up high and hold the stretch there."),
        ("en-gb-x-rp", "repeat that", "Keep breathing slowly, and let your shoulders drop."),
    ],
)
def test_a_command_with_speech_going_on_right_after_it_is_heard_soon(voice, phrase, talk):
    # Someone else (or the coach, ungated) talks on straight after the command: the phrase
    # spotted runs on into that speech, and the wait for it to end must not run on with it.
    clip = said(spoken(f"{WAKE_WORD} {phrase}"), voice, 200)
    clip = clip[: np.flatnonzero(np.abs(clip) > 0.003)[-1] + 1]  # its trailing silence cut
    speech = said(talk)
    ended = 1.0 + len(clip) / SAMPLE_RATE
    audio = room(ended + len(speech) / SAMPLE_RATE + 1.0, [(1.0, clip), (ended - 0.1, speech)])
    found = heard(audio)
    right = [d for d in found if d.phrase.endswith(phrase)]
    assert right, found
    assert right[0].reported - ended < 0.4


OWN_LINES = [
    "Rest. Next up: Pigeon pose.",
    "Take a short break, then repeat on the other side.",
    "Stop if you feel any sharp pain. Come back to the start.",
    "Great job. Go slowly, and breathe out again.",
    "Hold for 45 seconds.",
    "Lie on your right side, with your head resting on your arm.",
    "Kneel on your mat, with your big toes touching.",
    "If kneeling hurts your knee, stand instead.",
]


def test_the_coachs_own_lines_are_not_taken_for_commands_once_the_spotter_knows_them():
    # Spotting so loose, and no checks, that these lines set off several commands; read with
    # the coach's own words, every one of them is what the coach said.
    loose = vocabulary(thresholds=dict.fromkeys(THRESHOLDS, 1.0), checks={})
    parts, at = [], 0.5
    for line in OWN_LINES:
        clip = said(line)
        parts.append((at, clip))
        at += len(clip) / SAMPLE_RATE + 0.5
    audio = room(at + 1.0, parts)
    assert len(heard(audio, spotter=KeywordSpotter(loose))) >= 3
    assert heard(audio, spotter=KeywordSpotter(loose, OWN_LINES)) == []


@pytest.mark.parametrize("phrase", VOCABULARY.commands, ids=lambda p: p.text)
def test_each_phrase_is_still_heard_by_a_spotter_that_knows_the_coachs_lines(phrase):
    clip = said(spoken(f"{WAKE_WORD} {phrase.text}"), "en-us")
    found = heard(room(1.0 + len(clip) / SAMPLE_RATE + 1.5, [(1.0, clip)]),
                  spotter=KeywordSpotter(lines=OWN_LINES))
    assert [d.command for d in found] == [phrase.command]


@pytest.mark.parametrize("voice", ["en-029", "en-gb-scotland"])
def test_a_fast_command_running_on_into_the_coachs_next_line_is_still_heard(voice):
    # Said fast, "repeat that" runs on into the line after it, until the grammar takes "that"
    # for the start of the line: the whole phrase it placed a moment before must stand.
    clip = said(spoken(f"{WAKE_WORD} repeat that"), voice, 200)
    clip = clip[: np.flatnonzero(np.abs(clip) > 0.003)[-1] + 1]  # its trailing silence cut
    line = said("Hold for 45 seconds.")
    ended = 1.0 + len(clip) / SAMPLE_RATE
    audio = room(ended + len(line) / SAMPLE_RATE + 1.0, [(1.0, clip), (ended - 0.1, line)])
    found = heard(audio, spotter=KeywordSpotter(lines=OWN_LINES))
    assert [d.command for d in found] == ["again"]
    assert found[0].reported - ended < 0.8


class Scripted:
    """A stand-in for a PocketSphinx decoder: what it heard is scripted by the seconds fed."""

    def __init__(self, spotter, script) -> None:
        self.spotter, self.script = spotter, script

    def activate_search(self, name): ...
    def start_utt(self): ...
    def end_utt(self): ...
    def process_raw(self, pcm, no_search, full_utt): ...

    def seg(self):
        return [SimpleNamespace(word=w, start_frame=a, end_frame=b, prob=1.0)
                for w, a, b in self.script(self.spotter.seconds_fed)]

    def hyp(self):
        words = [w for w, _, _ in self.script(self.spotter.seconds_fed)]
        return SimpleNamespace(hypstr=" ".join(words)) if words else None


def test_a_phrase_spotted_late_is_still_weighed_after_a_rival_before_it_was_turned_down():
    # "okay coach pause" is spotted first, where "repeat that" is being said: the grammar
    # never finds a whole phrase there, and it is turned down. Spotting reports "repeat that"
    # just after, though it ended before the rival was turned down: it is new, and heard.
    spotter = KeywordSpotter(lines=OWN_LINES)
    spotter._decoder = Scripted(spotter, lambda t: [
        *([("okay coach pause", 50, 90)] if t >= 1.0 else []),
        *([("okay coach repeat that", 50, 140)] if t >= 1.65 else []),
    ])
    spotter._chooser = Scripted(spotter, lambda t: (
        [("okay", 25, 50), ("coach", 51, 80), ("repeat", 81, 100), ("that", 101, 116)]
        if t >= 1.65 else [("okay", 25, 50), ("coach", 51, 80)]))
    reading = [(w, 0, 0) for w in "okay coach repeat that".split()]
    spotter._own = Scripted(spotter, lambda t: reading)
    found = heard(np.zeros(int(2.5 * SAMPLE_RATE)), spotter=spotter)
    assert [d.command for d in found] == ["again"]
    assert found[0].end == pytest.approx(1.41)


@pytest.mark.parametrize(
    ("reading", "taken"),
    [
        ("okay coach pause", ["pause"]),  # the command read as said
        ("hold the coach level", ["pause"]),  # the wake word's name, the command misheard
        ("okay to or numbness", []),  # "okay" alone: the coach's own speech read with it
        ("stop if you feel a pinch", []),
    ],
)
def test_a_phrase_is_taken_only_if_its_reading_holds_a_command_or_the_wake_words_name(
        reading, taken):
    spotter = KeywordSpotter(lines=OWN_LINES)
    spotter._decoder = Scripted(spotter, lambda t: [("okay coach pause", 50, 90)] * (t >= 1.0))
    spotter._chooser = Scripted(spotter, lambda t: [
        ("okay", 25, 50), ("coach", 51, 80), ("pause", 81, 90)])
    words = [(w, 0, 0) for w in reading.split()]
    spotter._own = Scripted(spotter, lambda t: words)
    found = heard(np.zeros(int(2.5 * SAMPLE_RATE)), spotter=spotter)
    assert [d.command for d in found] == taken
