"""`voicecoach run` and `voicecoach voices` through the command line, with a fake clock."""

from __future__ import annotations

import itertools
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import FakeClock, RecordingOutput, RecordingSpeaker
from voicecoach import clock as clocks
from voicecoach import session
from voicecoach.cli import app
from voicecoach.errors import EngineError
from voicecoach.plan import PlanOptions, build_plan
from voicecoach.speech import NoAudioOutput
from voicecoach.timefmt import duration

STAMPED = re.compile(r"^\[\d+:\d\d\] ")

TINY = """\
title: Tiny test
style: static
transition: 0
rest: 0
stretches:
  - name: Butterfly
    targets: [adductors]
    hold: 5
    instructions: Sit with the soles of your feet together.
"""


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock `run` uses: time jumps, so a whole routine runs at once."""
    clock = FakeClock()
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: clock)
    return clock


def invoke(*args: str, input: str | None = None):  # noqa: ANN201
    return CliRunner().invoke(app, list(args), input=input)


# --- --text -----------------------------------------------------------------------------------


def test_text_prints_every_cue_stamped_with_its_time(fake_clock: FakeClock) -> None:
    result = invoke("run", "busy-day", "--text")

    assert result.exit_code == 0, result.output
    from voicecoach import catalog

    plan = build_plan(catalog.load("busy-day"))
    lines = result.stdout.splitlines()
    assert lines[0] == f"Busy day hip reset: {duration(plan.estimated_seconds)}, 3 stretches."
    assert re.fullmatch(r"Busy day hip reset: \d+:\d\d, 3 stretches\.", lines[0])
    cues = lines[1:-1]
    assert [STAMPED.sub("", line) for line in cues] == [e.text for e in plan.says]
    for line, event in zip(cues, plan.says, strict=True):
        minutes, seconds = divmod(int(event.at), 60)
        assert line.startswith(f"[{minutes}:{seconds:02d}] ")
    assert lines[-1].startswith("Done: Busy day hip reset, 3 of 3 stretches in ")
    assert fake_clock.elapsed == pytest.approx(plan.total_ms / 1000)
    assert result.stderr == ""


def test_options_reach_the_plan(fake_clock: FakeClock, tiny: Path) -> None:
    result = invoke("run", "tiny", "--text", "--no-insoles", "--hold", "12", "--rate", "200")

    assert result.exit_code == 0, result.output
    assert "[0:" in result.stdout and "Hold for 12 seconds." in result.stdout
    assert "Enertor" not in result.stdout


def test_ctrl_c_exits_130_naming_the_stretch(monkeypatch: pytest.MonkeyPatch) -> None:
    from voicecoach import catalog

    plan = build_plan(catalog.load("busy-day"))
    hold = next(e for e in plan.says if e.role == "start" and e.stretch == 2)
    clock = FakeClock(interrupt_at=hold.at + 2)
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: clock)

    result = invoke("run", "busy-day", "--text")

    assert result.exit_code == 130
    assert result.stderr == (
        f"Stopped at stretch 3 of 3: {plan.stretch_names[2]} (left side).\n"
    )
    assert "Traceback" not in result.output
    assert result.stdout.splitlines()[-1].endswith(hold.text)


def test_ctrl_c_before_the_routine_starts_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted() -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("voicecoach.cli.run._choose", interrupted)

    result = invoke("run", "--text")

    assert result.exit_code == 130
    assert result.stderr.strip() == "Stopped before the routine began."


def test_an_unknown_routine_is_bad_input() -> None:
    result = invoke("run", "no-such-routine", "--text")

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no-such-routine: no routine of that name (known: ")


def test_every_run_is_kept_in_the_history(fake_clock: FakeClock, tiny: Path) -> None:
    from voicecoach.history import open_history

    result = invoke("run", "tiny", "--text")

    assert result.exit_code == 0, result.output
    history = open_history()
    (session,) = history.recent()
    history.close()
    assert (session.routine, session.title, session.outcome) == ("tiny", "Tiny test", "finished")
    assert (session.stretches_completed, session.total_stretches) == (1, 1)
    assert session.seconds_done == pytest.approx(fake_clock.elapsed, abs=0.001)


def test_a_stopped_run_is_kept_as_interrupted_with_how_far_it_got(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicecoach import catalog
    from voicecoach.history import open_history

    plan = build_plan(catalog.load("busy-day"))
    second = next(e for e in plan.says if e.role == "name" and e.stretch == 2)
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: FakeClock(interrupt_at=second.at + 1))

    result = invoke("run", "busy-day", "--text")

    assert result.exit_code == 130
    history = open_history()
    (session,) = history.recent()
    history.close()
    assert (session.outcome, session.stretches_completed) == ("interrupted", 2)
    assert session.seconds_done == pytest.approx(second.at + 1, abs=0.001)


def test_the_config_file_sets_defaults_and_flags_win(
    fake_clock: FakeClock, tiny: Path, voicecoach_home: Path
) -> None:
    (voicecoach_home / "config.yaml").write_text("insoles: false\nhold_scale: 2\n")

    from_config = invoke("run", "tiny", "--text")
    flags = invoke("run", "tiny", "--text", "--insoles", "--hold", "7")

    assert from_config.exit_code == 0, from_config.output
    assert "Hold for 10 seconds." in from_config.stdout
    assert "Enertor" not in from_config.stdout
    assert flags.exit_code == 0, flags.output
    assert "Hold for 7 seconds." in flags.stdout
    assert "Enertor" in flags.stdout


# --- the menu ---------------------------------------------------------------------------------


def test_menu_lists_routines_and_runs_the_one_picked(fake_clock: FakeClock, tiny: Path) -> None:
    result = invoke("run", "--text", input="9\n")

    assert result.exit_code == 0, result.output
    menu, _, rest = result.stdout.partition("Number or name (1-10): ")
    lines = menu.splitlines()
    assert lines[0] == "Choose a routine:"
    # the name to type next time, then the title
    assert lines[1].startswith("  1. before-run           Before-run warm-up             7:")
    assert re.search(r" \d+:\d\d  before-run$", lines[1])
    assert re.search(r" \d+:\d\d  anytime$", lines[2])
    assert re.search(r" \d+:\d\d  after-run$", lines[6])
    assert lines[9] == (
        "  9. tiny                 Tiny test                      0:54  anytime  (yours)"
    )
    assert lines[10] == " 10. Compose one for me (you choose the minutes and focus)"
    assert len(lines) == 11
    assert rest.splitlines()[0] == "Tiny test: 0:54, 1 stretch."
    assert "Sit with the soles of your feet together." in rest


def test_menu_asks_again_after_a_bad_answer(fake_clock: FakeClock, tiny: Path) -> None:
    result = invoke("run", "--text", input="seven\n\n0\n11\n9\n")

    assert result.exit_code == 0, result.output
    assert result.stdout.count("Please type a number from 1 to 10 or a name.") == 4
    assert result.stdout.count("Number or name (1-10): ") == 5
    assert "Tiny test: 0:54, 1 stretch." in result.stdout


@pytest.mark.parametrize("answer", ["tiny", "Tiny test", "TINY"])
def test_menu_takes_a_name_or_a_title(fake_clock: FakeClock, tiny: Path, answer: str) -> None:
    result = invoke("run", "--text", input=f"{answer}\n")

    assert result.exit_code == 0, result.output
    assert "Please type" not in result.stdout
    assert "Tiny test: 0:54, 1 stretch." in result.stdout


def test_menu_suggests_a_name_close_to_the_answer(fake_clock: FakeClock, tiny: Path) -> None:
    result = invoke("run", "--text", input="busyday\nbusy-day\n")

    assert result.exit_code == 0, result.output
    assert "Please type a number from 1 to 10 or a name (did you mean busy-day?)." in result.stdout
    assert "Busy day hip reset: " in result.stdout


def test_menu_at_end_of_input_is_a_clear_error(fake_clock: FakeClock) -> None:
    result = invoke("run", "--text", input="")

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no routine chosen: type its number or name at the menu, "
        "or name it (e.g. voicecoach run before-run)\n"
    )


def test_menu_with_no_routines_at_all(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("voicecoach.paths.builtin_routines_dir", lambda: tmp_path / "none")

    result = invoke("run", "--text", input="1\n")

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no routines to choose from")


# --- the voice --------------------------------------------------------------------------------


def test_voice_speaks_every_line_on_the_plan_timed_from_it(
    monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock, tiny: Path
) -> None:
    voice = RecordingSpeaker(fake_clock)
    asked = {}

    class FakeVoice:
        speaker = voice

        def begin(self, draft, clock):  # noqa: ANN001, ANN202
            start = clock.now()
            voice.say(draft.events[0].text)
            return start

        def timed(self, routine, options, draft):  # noqa: ANN001, ANN202
            asked.update(insoles=options.insoles)
            return build_plan(routine, options, speech_seconds=lambda text: 2.0)

    @contextmanager
    def voiced(**kwargs):  # noqa: ANN003, ANN202
        asked.update(kwargs)
        yield FakeVoice()
        asked["closed"] = True

    monkeypatch.setattr(session, "voiced", voiced)

    result = invoke(
        "run", "tiny", "--voice", "en-us", "--volume", "0.5", "--rate", "180", "--no-cache"
    )

    assert result.exit_code == 0, result.output
    assert asked["voice"] == "en-us" and asked["volume"] == 0.5 and asked["cache"] is False
    assert asked["rate"] == 180 and asked["insoles"] is True and asked["closed"] is True
    assert voice.texts[0].startswith("First, a note")
    assert all(b - a >= 2.0 for (a, _), (b, _) in itertools.pairwise(voice.said))
    printed = [STAMPED.sub("", line) for line in result.stdout.splitlines() if STAMPED.match(line)]
    assert printed == voice.texts  # captions too
    assert result.stderr == ""


def test_the_first_line_plays_before_the_rest_of_the_voice_is_rendered(
    monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock, tiny: Path
) -> None:
    from tests.speech_fakes import FakeEngine
    from voicecoach import speech

    synthesizer = FakeEngine(seconds_per_word=0.5)
    output = RecordingOutput(fake_clock)
    rendered_before: list[int] = []
    plays = output.play

    def play(clip: object) -> None:
        rendered_before.append(len(synthesizer.rendered))
        plays(clip)

    output.play = play  # type: ignore[method-assign]
    monkeypatch.setattr(speech, "open_engine", lambda name=None, **kw: synthesizer)
    monkeypatch.setattr(speech, "open_audio_output", lambda: output)

    result = invoke("run", "tiny", "--no-cache")

    assert result.exit_code == 0, result.output
    assert rendered_before[0] == 1  # the disclaimer alone was ready when the voice began
    assert rendered_before[1] == len(set(synthesizer.rendered)) > 1


def test_speaking_plays_each_rendered_clip_on_a_timeline_made_from_them(
    monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock, tiny: Path
) -> None:
    from tests.speech_fakes import FakeEngine
    from voicecoach import speech

    output = RecordingOutput(fake_clock)
    monkeypatch.setattr(
        speech, "open_engine", lambda name=None, **kw: FakeEngine(seconds_per_word=0.5, **kw)
    )
    monkeypatch.setattr(speech, "open_audio_output", lambda: output)

    result = invoke("run", "tiny", "--voice", "fake/en")

    assert result.exit_code == 0, result.output
    from voicecoach.routine import load_routine

    lengths = FakeEngine(seconds_per_word=0.5).spoken
    plan = build_plan(load_routine(tiny), PlanOptions(), lengths)
    assert [round(clip.seconds, 3) for _, clip in output.played] == [e.seconds for e in plan.says]
    assert [at for at, _ in output.played] == pytest.approx([e.at for e in plan.says], abs=1e-6)
    assert output.closed
    assert result.stderr == ""


def test_no_audio_output_falls_back_to_text_with_one_notice(
    monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock, tiny: Path
) -> None:
    def voiced(*args: object, **kwargs: object) -> None:
        raise NoAudioOutput("no audio device (aplay: cannot open audio device)")

    monkeypatch.setattr(session, "voiced", voiced)

    result = invoke("run", "tiny")

    assert result.exit_code == 0, result.output
    assert result.stderr == "No audio device found; printing the cues instead.\n"
    assert result.stdout.splitlines()[1].startswith("[0:00] First, a note")
    assert result.stdout.splitlines()[-1].startswith("Done: Tiny test, 1 of 1 stretch in ")


NO_PLAYER = "No audio device found; printing the cues instead."


def test_with_the_real_engine_and_no_player_it_falls_back_to_text_and_completes(
    monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock, tiny: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # as on this machine, whatever runs the tests

    result = invoke("run", "tiny", "--no-insoles")

    assert result.exit_code == 0, result.output
    assert result.stderr == NO_PLAYER + "\n"
    from voicecoach.routine import load_routine

    plan = build_plan(load_routine(tiny), PlanOptions(insoles=False))
    cues = [STAMPED.sub("", line) for line in result.stdout.splitlines() if STAMPED.match(line)]
    assert cues == [e.text for e in plan.says]
    assert result.stdout.splitlines()[-1].startswith("Done: Tiny test, 1 of 1 stretch in ")


def test_an_engine_that_cannot_start_exits_1_saying_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tiny: Path
) -> None:
    def voiced(*args: object, **kwargs: object) -> None:
        raise EngineError("the speech engine is missing: install the espeakng-loader package")

    monkeypatch.setattr(session, "voiced", voiced)

    result = invoke("run", "tiny")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the speech engine is missing: install the espeakng-loader package\n"
        "To go ahead without speech: voicecoach run --text\n"
    )
    assert result.stdout == ""


def test_an_unknown_voice_is_bad_input(fake_clock: FakeClock, tiny: Path) -> None:
    result = invoke("run", "tiny", "--voice", "xx-nowhere")

    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown voice 'xx-nowhere'")


def test_run_has_help_for_every_option() -> None:
    result = invoke("run", "--help")

    assert result.exit_code == 0
    assert "Usage: voicecoach run [OPTIONS] [NAME]" in result.stdout
    assert "--insoles / --no-insoles" in result.stdout
    keys = "space pauses and resumes, n skips to the next stretch, b goes back, q quits"
    assert keys in " ".join(result.stdout.split())
    options = ["--text", "--no-insoles", "--hold", "--rate", "--voice", "--volume", "--no-cache"]
    for option in options:
        assert option in result.stdout


def _no_device(rate: int) -> None:
    from voicecoach.errors import AudioError

    raise AudioError("no audio device could be opened (tried pulseaudio, alsa, jack): no card")


def test_without_device_or_player_one_line_and_verbose_says_why(
    monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock, tiny: Path, tmp_path: Path
) -> None:
    monkeypatch.delenv("VOICECOACH_OUTPUT")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setattr("voicecoach.playback.device.open_device", _no_device)

    quiet = invoke("run", "tiny", "--no-insoles")
    told = invoke("run", "tiny", "--no-insoles", "--verbose")

    assert quiet.exit_code == told.exit_code == 0, quiet.output
    assert quiet.stderr == "No audio device found; printing the cues instead.\n"
    assert told.stderr.splitlines() == [
        "No audio device found; printing the cues instead.",
        "  stream: no audio device could be opened (tried pulseaudio, alsa, jack): no card",
        "  player programs: no audio player program found (looked for pw-play, paplay, aplay)",
    ]
    assert told.stdout.splitlines()[-1].startswith("Done: Tiny test, 1 of 1 stretch in ")


def test_with_a_device_run_speaks_through_the_stream_and_needs_no_player(
    monkeypatch: pytest.MonkeyPatch, tiny: Path, tmp_path: Path
) -> None:
    from tests.playback_fakes import FakeDevice
    from tests.speech_fakes import FakeEngine
    from voicecoach import speech

    devices: list[FakeDevice] = []
    monkeypatch.delenv("VOICECOACH_OUTPUT")
    monkeypatch.setenv("PATH", str(tmp_path))  # no player program anywhere
    monkeypatch.setattr("voicecoach.playback.device.open_device",
                        lambda rate: devices.append(FakeDevice(rate)) or devices[-1])
    monkeypatch.setattr(speech, "open_engine", lambda name=None, **kw: FakeEngine(**kw))

    result = invoke("run", "tiny", "--verbose", "--chime", "--volume", "0.5")

    assert result.exit_code == 0, result.output
    assert result.stderr == "Playing through fake.\n"
    (device,) = devices
    assert device.closed and any(device.heard)
    assert result.stdout.splitlines()[-1].startswith("Done: Tiny test, 1 of 1 stretch in ")


def test_run_with_a_tighter_side_speaks_its_extra_set(fake_clock: FakeClock) -> None:
    result = invoke("run", "tight-side", "--text", "--tight-side", "right", "--no-insoles")

    assert result.exit_code == 0, result.output
    assert "Standing side bend, right side." in result.stdout
    assert result.stdout.count("One more set on your right side, the tighter one.") == 6
    assert "Done: Evening out a tighter side, 6 of 6 stretches in " in result.stdout
