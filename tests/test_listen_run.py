"""Spoken commands drive the player: recorded clips played into a fake microphone, fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from typer.testing import CliRunner

from tests.fakes import RecordingSpeaker
from tests.listen_fakes import FakeMicrophone, ListeningClock, room, said
from voicecoach import clock as clocks
from voicecoach.cli import app
from voicecoach.listen.controls import GatingSpeaker, VoiceControls
from voicecoach.listen.gate import Gate
from voicecoach.listen.spotter import KeywordSpotter
from voicecoach.listen.vocabulary import SAMPLE_RATE, WAKE_WORD
from voicecoach.plan import Plan, build_plan
from voicecoach.player import PlayReport, play
from voicecoach.routine import parse_routine

EXACT = 1e-6
ROUTINE = """\
title: Two stretches
style: static
transition: 5
rest: 10
stretches:
  - name: Butterfly
    targets: [adductors]
    hold: 40
    instructions: Sit with the soles of your feet together.
  - name: Child's pose
    targets: [lower back]
    hold: 40
    instructions: Kneel and fold forward, arms long.
"""


def plan() -> Plan:
    return build_plan(parse_routine(ROUTINE, "two.yaml"))


def command(words: str) -> object:
    """A person saying `okay coach, <words>`, as eSpeak NG's American voice."""
    return said(f"{WAKE_WORD.capitalize()}, {words}.", "en-us")


def seconds(clip) -> float:  # noqa: ANN001
    return len(clip) / SAMPLE_RATE


def hold_of(p: Plan, stretch: int) -> tuple[float, float]:
    """Start and end (seconds) of the silent hold of a stretch."""
    start = next(e for e in p.says if e.role == "start" and e.stretch == stretch)
    release = next(e for e in p.says if e.role == "release" and e.stretch == stretch)
    return start.end_ms / 1000, release.start_ms / 1000


def perform(
    p: Plan, parts: list[tuple[float, object]]
) -> tuple[PlayReport, RecordingSpeaker, ListeningClock, VoiceControls]:
    """Play `p` with the room's microphone hearing `parts`; every line gates it for its length."""
    microphone = FakeMicrophone(room(p.total_ms / 1000 + 200.0, parts))
    clock = ListeningClock(microphone)
    controls = VoiceControls(KeywordSpotter(), Gate(), clock)
    controls.listen(microphone)
    speaker = RecordingSpeaker(clock)
    lengths = {e.text: e.duration_ms / 1000 for e in p.says}
    gated = GatingSpeaker(speaker, controls.gate, clock, lambda text: lengths[text])
    report = play(p, gated, clock, controls=controls)
    return report, speaker, clock, controls


def test_pause_pauses_and_resume_resumes_on_the_shifted_schedule():
    p = plan()
    begin, end = hold_of(p, 0)
    pause, resume = command("pause"), command("resume")
    said_pause, said_resume = begin + 5.0, begin + 25.0
    report, speaker, _, controls = perform(p, [(said_pause, pause), (said_resume, resume)])

    assert [d.command for d in controls.heard] == ["pause", "resume"]
    paused = speaker.stops[0]
    assert 0 < paused - (said_pause + seconds(pause)) < 0.8
    shift = report.paused_seconds
    resumed = paused + shift
    assert 0 < resumed - (said_resume + seconds(resume)) < 0.8
    assert speaker.texts == [e.text for e in p.says]  # nothing skipped, nothing doubled
    for (at, _), event in zip(speaker.said, p.says, strict=True):
        planned = event.start_ms / 1000
        assert at == pytest.approx(planned + (shift if planned > paused else 0.0), abs=EXACT)
    assert report.finished


def test_move_on_skips_to_the_next_stretch_and_previous_goes_back():
    p = plan()
    begin, _ = hold_of(p, 0)
    move_on, previous = command("move on"), command("previous")
    second = p.stretch_start(1)
    parts = [(begin + 5.0, move_on)]
    report, speaker, _, controls = perform(p, parts)
    assert [d.command for d in controls.heard] == ["next"]
    k = speaker.texts.index(p.events[second].text)
    # Acted on within 0.8 s of the end of the clip (or just before it: its last sound fades).
    assert -0.3 < speaker.said[k][0] - (begin + 5.0 + seconds(move_on)) < 0.8
    assert report.finished and report.stretches_completed == 1

    # Well into the second stretch (its hold), "previous" starts it again, as the key does.
    begin2, _ = hold_of(p, 1)
    report, speaker, _, controls = perform(p, [(begin2 + 2.0, previous)])
    assert [d.command for d in controls.heard] == ["back"]
    second_name = p.events[second].text
    assert speaker.texts.count(second_name) == 2
    k = len(speaker.texts) - 1 - speaker.texts[::-1].index(second_name)
    assert -0.3 < speaker.said[k][0] - (begin2 + 2.0 + seconds(previous)) < 0.8
    assert report.finished


def test_repeat_that_says_the_last_line_again():
    p = plan()
    begin, _ = hold_of(p, 0)
    start = next(i for i, e in enumerate(p.events) if e.role == "start" and e.stretch == 0)
    report, speaker, _, controls = perform(p, [(begin + 3.0, command("repeat that"))])
    assert [d.command for d in controls.heard] == ["again"]
    texts = speaker.texts
    k = texts.index(p.events[start].text)
    assert texts[k + 1] == p.events[start].text  # said again at once, nothing in between
    assert texts[:k] + texts[k + 1 :] == [e.text for e in p.says]
    assert report.finished


def test_a_command_said_while_a_line_plays_is_ignored():
    p = plan()
    line = next(e for e in p.says if e.role == "instructions" and e.stretch == 0)
    move_on = command("move on")
    # Said over the coach's line (which the gate covers), so never heard; the routine runs on.
    at = line.start_ms / 1000 + 0.1
    assert at + seconds(move_on) < line.end_ms / 1000 + Gate().tail
    report, speaker, _, controls = perform(p, [(at, move_on)])
    assert controls.heard == []
    assert speaker.texts == [e.text for e in p.says]
    assert report.finished and report.stretches_completed == 2


def test_end_session_ends_the_run_and_the_session_is_recorded(
    monkeypatch: pytest.MonkeyPatch, voicecoach_home: Path
):
    from voicecoach.history import open_history

    (voicecoach_home / "routines").mkdir()
    (voicecoach_home / "routines" / "two.yaml").write_text(ROUTINE)
    p = plan()
    begin, _ = hold_of(p, 0)
    microphone = FakeMicrophone(room(p.total_ms / 1000 + 5.0, [(begin + 4.0, command("end session"))]))
    clock = ListeningClock(microphone)
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: clock)
    monkeypatch.setattr("voicecoach.listen.live.MicrophoneStream", lambda device: microphone)

    result = CliRunner().invoke(app, ["run", "two", "--text", "--listen"])

    assert result.exit_code == 0, result.output
    assert f"Heard: {WAKE_WORD}, end session" in result.stdout
    assert "Stopped at stretch 1 of 2: Butterfly." in result.stderr
    assert microphone.closed
    history = open_history()
    (session,) = history.recent()
    history.close()
    assert session.outcome == "quit"
    assert session.seconds_done == pytest.approx(clock.elapsed, abs=0.2)
    assert session.seconds_done < begin + 4.0 + seconds(command("end session")) + 0.8


def test_the_recogniser_knows_every_line_the_coach_will_say(
    monkeypatch: pytest.MonkeyPatch, voicecoach_home: Path
):
    import numpy as np

    from voicecoach.listen import spotter

    (voicecoach_home / "routines").mkdir()
    (voicecoach_home / "routines" / "two.yaml").write_text(ROUTINE)
    p = plan()
    microphone = FakeMicrophone(np.zeros(int((p.total_ms / 1000 + 5.0) * SAMPLE_RATE)))
    clock = ListeningClock(microphone)
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: clock)
    monkeypatch.setattr("voicecoach.listen.live.MicrophoneStream", lambda device: microphone)
    given: list[list[str]] = []
    real = spotter.KeywordSpotter

    def spotter_knowing(words, lines=()):  # noqa: ANN001, ANN202
        given.append(list(lines))
        return real(words, lines)

    monkeypatch.setattr(spotter, "KeywordSpotter", spotter_knowing)

    result = CliRunner().invoke(app, ["run", "two", "--text", "--listen"])

    assert result.exit_code == 0, result.output
    assert given == [[e.text for e in p.says]]


def test_listen_without_the_recogniser_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, voicecoach_home: Path
):
    import builtins

    real_import = builtins.__import__

    def no_pocketsphinx(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if name == "pocketsphinx":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pocketsphinx)
    result = CliRunner().invoke(app, ["run", "busy-day", "--text", "--listen"])
    assert result.exit_code == 1
    assert "pip install 'voicecoach[listen]'" in result.stderr
    assert result.stdout == ""


def test_listen_test_shows_the_level_and_the_commands_heard(monkeypatch: pytest.MonkeyPatch):
    clip = command("pause")
    microphone = FakeMicrophone(room(8.0, [(1.0, clip)]))
    clock = ListeningClock(microphone)
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: clock)
    monkeypatch.setattr("voicecoach.listen.live.MicrophoneStream", lambda device: microphone)

    result = CliRunner().invoke(app, ["listen-test", "--seconds", "5"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Listening for 5 s")
    assert f"Heard: {WAKE_WORD}, pause  ->  pause" in lines
    assert sum(line.startswith("  level ") for line in lines) == 4
    assert lines[-1].startswith("Loudest: ") and lines[-1].endswith("commands heard: 1.")
    assert microphone.closed


def test_listen_test_warns_when_the_microphone_hears_nothing(monkeypatch: pytest.MonkeyPatch):
    import numpy as np

    microphone = FakeMicrophone(np.zeros(SAMPLE_RATE * 5))
    clock = ListeningClock(microphone)
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: clock)
    monkeypatch.setattr("voicecoach.listen.live.MicrophoneStream", lambda device: microphone)

    result = CliRunner().invoke(app, ["listen-test", "--seconds", "2"])

    assert result.exit_code == 0, result.output
    assert "commands heard: 0." in result.stdout
    assert "heard almost nothing" in result.stdout


def test_listen_test_lists_the_microphones(monkeypatch: pytest.MonkeyPatch):
    from voicecoach.listen.microphone import Microphone

    found = [Microphone(1, "Built-in Audio"), Microphone(2, "USB headset")]
    monkeypatch.setattr("voicecoach.listen.microphone.microphones", lambda: found)
    result = CliRunner().invoke(app, ["listen-test", "--list"])
    assert result.exit_code == 0
    assert result.stdout == "1: Built-in Audio\n2: USB headset\n"


def test_an_unknown_microphone_is_named_with_the_ones_there_are(monkeypatch: pytest.MonkeyPatch):
    from voicecoach.listen.microphone import Microphone

    found = [Microphone(1, "Built-in Audio"), Microphone(2, "USB headset")]
    monkeypatch.setattr("voicecoach.listen.microphone.microphones", lambda: found)
    result = CliRunner().invoke(app, ["run", "busy-day", "--text", "--listen",
                                      "--listen-device", "webcam"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: 'webcam' matches no microphone (microphones here: 1: Built-in Audio, "
        "2: USB headset)\n"
    )


def test_each_command_heard_is_answered_with_a_short_sound_the_microphone_then_ignores():
    from tests.fakes import FakeClock, RecordingOutput
    from voicecoach.cli.run import Acknowledge
    from voicecoach.listen.spotter import Detection

    clock = FakeClock()
    shown: list[str] = []
    acknowledge = Acknowledge(clock)
    acknowledge.write = shown.append
    acknowledge.output = RecordingOutput(clock)
    controls = VoiceControls(KeywordSpotter(), Gate(tail=0.5), clock)
    acknowledge.controls = controls

    acknowledge(Detection("pause", "pause", 1.0, 2.0, 80.0, 2.1))

    assert shown == [f"Heard: {WAKE_WORD}, pause"]
    ((at, sound),) = acknowledge.output.played
    assert at == 0.0 and 0.05 < sound.seconds < 0.3
    now = clock.now()
    assert not controls.gate.is_open(now, now + sound.seconds + 0.4)  # its own tail included
    assert controls.gate.is_open(now + sound.seconds + 0.5, now + sound.seconds + 1.0)


def test_a_gate_made_from_a_whole_plan_is_closed_over_every_line_of_it():
    p = plan()
    assert p.total_ms > 90_000  # longer than the minute of spans a live gate keeps
    gate = Gate.from_plan(p, tail=0.5)
    for event in p.says:
        start, end = event.start_ms / 1000, event.end_ms / 1000
        assert not gate.is_open(start, start + 0.01), event.text
        assert not gate.is_open(end + 0.4, end + 0.45), event.text
