"""The session: speaking or exporting a routine, driven with a fake engine, output, clock and
history instead of the command line."""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fakes import FakeClock, RecordingOutput, RecordingSpeaker
from tests.speech_fakes import FakeEngine
from voicecoach.config import Config
from voicecoach.outcome import FINISHED, INTERRUPTED
from voicecoach.plan import Plan, PlanOptions, build_plan
from voicecoach.player import Progress
from voicecoach.routine import parse_routine
from voicecoach.session import RunSession, Settings, export_routine, resolve_options
from voicecoach.speech.clip import Clip, read_wav

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
ROUTINE = parse_routine(TINY, "tiny.yaml", default_name="tiny")


@dataclass
class RecordingView:
    """Captions said into a recording speaker; every progress update kept."""

    clock: FakeClock
    plans: list[Plan] = field(default_factory=list)
    updates: list[Progress] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.captions = RecordingSpeaker(self.clock)

    def begin(self, plan: Plan) -> RecordingSpeaker:
        self.plans.append(plan)
        return self.captions

    def update(self, progress: Progress) -> None:
        self.updates.append(progress)


@dataclass
class RecordingHistory:
    """Stands in for the history's recorder."""

    plan: Plan
    progress_calls: list[tuple[float, int]] = field(default_factory=list)
    finished: list[tuple[str, float, int]] = field(default_factory=list)

    def progress(self, seconds_done: float, stretches_completed: int) -> None:
        self.progress_calls.append((seconds_done, stretches_completed))

    def finish(self, outcome: str, seconds_done: float, stretches_completed: int) -> None:
        self.finished.append((outcome, seconds_done, stretches_completed))


def settings(**flags: object) -> Settings:
    return resolve_options(Config(), **flags)  # type: ignore[arg-type]


def test_a_spoken_run_plays_every_clip_on_the_timeline_made_from_them() -> None:
    clock = FakeClock()
    engine = FakeEngine(seconds_per_word=0.5)
    output = RecordingOutput(clock)
    view = RecordingView(clock)
    histories: list[RecordingHistory] = []

    def record(plan: Plan) -> RecordingHistory:
        histories.append(RecordingHistory(plan))
        return histories[-1]

    with RunSession(
        ROUTINE, settings(), clock=clock, engine=engine, output=output, record=record
    ) as session:
        report = session.play(view)
    assert output.closed

    plan = build_plan(ROUTINE, PlanOptions(), FakeEngine(seconds_per_word=0.5).spoken)
    assert report.outcome == FINISHED and report.plan == plan
    assert [round(clip.seconds, 3) for _, clip in output.played] == [e.seconds for e in plan.says]
    assert [at for at, _ in output.played] == pytest.approx([e.at for e in plan.says], abs=1e-6)
    assert view.captions.texts == [e.text for e in plan.says]
    (history,) = histories
    assert history.finished == [(FINISHED, plan.total_ms / 1000, 1)]
    assert history.progress_calls and history.progress_calls[-1][1] == 1
    assert view.updates[-1].position_ms == plan.total_ms


def test_the_first_line_starts_before_the_rest_is_rendered() -> None:
    clock = FakeClock()
    engine = FakeEngine()
    output = RecordingOutput(clock)
    rendered_when_played: list[int] = []
    plays = output.play

    def play(clip: object) -> None:
        rendered_when_played.append(len(engine.rendered))
        plays(clip)

    output.play = play  # type: ignore[method-assign]
    with RunSession(ROUTINE, settings(), clock=clock, engine=engine, output=output,
                    record=RecordingHistory) as session:
        session.play(RecordingView(clock))
    assert rendered_when_played[0] == 1
    assert rendered_when_played[1] == len(set(engine.rendered)) > 1


def test_nothing_cached_the_first_sentence_plays_while_the_rest_of_the_line_renders() -> None:
    from voicecoach import content
    from voicecoach.speech.cache import first_sentence

    clock = FakeClock()
    engine = FakeEngine(seconds_per_word=0.5)
    output = RecordingOutput(clock)
    heard: list[tuple[list[str], float]] = []  # (rendered so far, seconds) at each play
    plays, follows = output.play, output.play_next

    def play(clip: Clip) -> None:
        heard.append((list(engine.rendered), clip.seconds))
        plays(clip)

    def play_next(clip: Clip) -> None:
        heard.append((list(engine.rendered), clip.seconds))
        follows(clip)

    output.play, output.play_next = play, play_next  # type: ignore[method-assign]
    with RunSession(ROUTINE, settings(), clock=clock, engine=engine, output=output,
                    record=RecordingHistory) as session:
        report = session.play(RecordingView(clock))
    head, rest = first_sentence(content.DISCLAIMER)  # type: ignore[misc]
    assert heard[0] == ([head], engine.length(head))  # only the first sentence was ready
    assert heard[1][0] == [head, rest]  # the rest followed as soon as it was rendered
    # Heard as one: exactly the first line of the timeline, on time.
    assert output.played[0][0] == 0
    assert output.played[0][1].seconds == pytest.approx(report.plan.says[0].seconds, abs=1e-3)


def test_a_text_run_opens_no_engine_and_says_the_estimated_plan() -> None:
    clock = FakeClock()
    view = RecordingView(clock)
    engine = FakeEngine()
    with RunSession(ROUTINE, settings(insoles=False), clock=clock, speech=False, engine=engine,
                    record=RecordingHistory) as session:
        report = session.play(view)
    assert engine.rendered == []
    assert report.plan == build_plan(ROUTINE, PlanOptions(insoles=False))
    assert view.captions.texts == [e.text for e in report.plan.says]


def test_without_an_audio_output_it_warns_once_and_goes_on_as_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no player program
    monkeypatch.setattr("sys.platform", "linux")
    clock = FakeClock()
    warnings: list[str] = []
    view = RecordingView(clock)
    with RunSession(ROUTINE, settings(), clock=clock, engine=FakeEngine(), warn=warnings.append,
                    record=RecordingHistory) as session:
        assert session.voice is None
        report = session.play(view)
    assert warnings == ["No audio device found; printing the cues instead."]
    assert report.finished and view.captions.texts == [e.text for e in report.plan.says]


def test_verbose_says_why_each_way_to_be_heard_was_passed_over(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    clock = FakeClock()
    warnings: list[str] = []
    with RunSession(ROUTINE, settings(), clock=clock, engine=FakeEngine(), warn=warnings.append,
                    record=RecordingHistory, verbose=True) as session:
        assert session.voice is None
    assert warnings == [
        "No audio device found; printing the cues instead.",
        "  stream: left out (VOICECOACH_OUTPUT=players)",
        "  player programs: no audio player program found (looked for pw-play, paplay, aplay)",
    ]


class InterruptedEngine(FakeEngine):
    """Ctrl-C while the second line renders."""

    def render(self, text: str):  # noqa: ANN201
        if self.rendered:
            raise KeyboardInterrupt
        return super().render(text)


def test_ctrl_c_while_the_voice_is_prepared_is_recorded_and_raised() -> None:
    clock = FakeClock()
    output = RecordingOutput(clock)
    histories: list[RecordingHistory] = []

    def record(plan: Plan) -> RecordingHistory:
        histories.append(RecordingHistory(plan))
        return histories[-1]

    with pytest.raises(KeyboardInterrupt):
        with RunSession(ROUTINE, settings(), clock=clock, engine=InterruptedEngine(),
                        output=output, record=record) as session:
            session.play(RecordingView(clock))
    assert histories[0].finished == [(INTERRUPTED, 0.0, 0)]
    assert output.closed


def test_the_engine_named_in_the_settings_is_opened_through_the_registry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dataclasses import replace

    from voicecoach import speech

    monkeypatch.setitem(speech.ENGINES, "fake", "tests.speech_fakes")
    chosen = replace(settings(voice="fr", rate=200), engine="fake")
    plan, result = export_routine(ROUTINE, chosen, tmp_path / "tiny.wav", cache=False)
    assert plan == build_plan(ROUTINE, PlanOptions(rate=200), FakeEngine().spoken)
    assert result.sample_rate == FakeEngine.sample_rate


def test_export_writes_the_plan_timed_from_the_clips(tmp_path: Path) -> None:
    engine = FakeEngine(seconds_per_word=0.25)
    steps: dict[str, list[tuple[int, int]]] = {}

    def step(label: str):  # noqa: ANN202
        steps[label] = []
        return lambda done, total: steps[label].append((done, total))

    target = tmp_path / "tiny.wav"
    plan, result = export_routine(
        ROUTINE, settings(rate=200), target, cache=False, engine=engine, steps=step
    )

    assert plan == build_plan(ROUTINE, PlanOptions(rate=200), engine.spoken)
    assert read_wav(target).seconds == pytest.approx(plan.total_ms / 1000, abs=1e-3)
    assert [cue.event for cue in result.cues] == plan.says
    assert list(steps) == ["Rendering speech", "Writing audio"]
    distinct = len({e.text for e in plan.says})
    assert steps["Rendering speech"][-1] == (distinct, distinct)
    assert steps["Writing audio"][-1] == (plan.total_ms, plan.total_ms)


def _stream_finder(devices: list[object]):  # noqa: ANN202
    from tests.playback_fakes import FakeDevice
    from voicecoach.playback.outputs import find_output

    def find(rate: int, first=None):  # noqa: ANN001, ANN202
        devices.append(FakeDevice(rate))
        return find_output(rate, open_device=lambda r: devices[-1], open_process=None,
                           first=first)

    return find


def test_a_run_through_the_stream_pulls_the_timeline_export_writes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from voicecoach.playback.timeline import Timeline

    monkeypatch.delenv("VOICECOACH_OUTPUT")
    clock = FakeClock()
    devices: list[object] = []
    warnings: list[str] = []
    view = RecordingView(clock)
    chosen = settings(volume=0.5, chime=True)
    with RunSession(ROUTINE, chosen, clock=clock, engine=FakeEngine(seconds_per_word=0.5),
                    record=RecordingHistory, find=_stream_finder(devices), warn=warnings.append,
                    verbose=True) as session:
        report = session.play(view)
    (device,) = devices
    assert device.closed and warnings == ["Playing through fake."]  # type: ignore[attr-defined]
    assert report.finished and view.captions.texts == [e.text for e in report.plan.says]
    plan, result = export_routine(ROUTINE, chosen, tmp_path / "tiny.wav", cache=False,
                                  engine=FakeEngine(seconds_per_word=0.5))
    assert plan == report.plan
    with wave.open(str(result.path), "rb") as written:  # the sound, not the tags after it
        exported = written.readframes(written.getnframes())
    heard = bytes(device.heard)  # type: ignore[attr-defined]
    start = heard.find(exported[: 2 * 2000])
    assert start >= 0 and heard[start : start + len(exported)] == exported
    from voicecoach.playback.voice import HEARD_OUT_SECONDS

    # the device went on past the end long enough for the last line to be heard out
    assert len(heard) - start - len(exported) >= 2 * HEARD_OUT_SECONDS * result.sample_rate - 2
    from voicecoach.session import open_clips

    clips = open_clips(voice=None, rate=chosen.options.rate, volume=1.0, cache=False,
                       engine=FakeEngine(seconds_per_word=0.5))
    timeline = Timeline(plan, clips, volume=0.5, chime=True)
    assert exported == timeline.render(0, timeline.total_frames) and timeline.chimes


def test_with_the_first_line_cached_the_stream_starts_with_it_on_its_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from voicecoach import content
    from voicecoach.session import open_clips

    monkeypatch.delenv("VOICECOACH_OUTPUT")
    engine = FakeEngine(seconds_per_word=0.5)
    chosen = settings()
    first = open_clips(voice=None, rate=chosen.options.rate, volume=1.0, engine=engine).clip(
        content.DISCLAIMER
    )  # rendered once and cached, as after an earlier run
    engine.rendered.clear()
    devices: list[object] = []
    clock = FakeClock()
    with RunSession(ROUTINE, chosen, clock=clock, engine=engine, record=RecordingHistory,
                    find=_stream_finder(devices)) as session:
        (device,) = devices
        device.pump(4000)  # type: ignore[attr-defined]  # before the session plays anything
        assert bytes(device.heard[: 2 * 4000]) == first.frames[: 2 * 4000]  # type: ignore[attr-defined]
        assert engine.rendered == []
        view = RecordingView(clock)
        report = session.play(view)
    assert report.finished and devices == [device]
    from voicecoach.playback.timeline import Timeline

    clips = open_clips(voice=None, rate=chosen.options.rate, volume=1.0, engine=engine)
    whole = Timeline(report.plan, clips, volume=chosen.volume, chime=chosen.chime)
    # The whole routine from the device's first frame on: the first line was not started twice.
    heard = bytes(device.heard)  # type: ignore[attr-defined]
    assert heard[: 2 * whole.total_frames] == whole.render(0, whole.total_frames)
    assert view.captions.texts[0] == content.DISCLAIMER


def test_with_the_first_line_not_cached_the_stream_starts_silent_and_renders_nothing_yet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VOICECOACH_OUTPUT")
    engine = FakeEngine(seconds_per_word=0.5)
    devices: list[object] = []
    with RunSession(ROUTINE, settings(), clock=FakeClock(), engine=engine,
                    record=RecordingHistory, find=_stream_finder(devices)):
        (device,) = devices
        device.pump(4000)  # type: ignore[attr-defined]
        assert not any(device.heard) and engine.rendered == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("rest_seconds", [0.0, 3.0], ids=["rest ready in time", "rest late"])
def test_nothing_cached_the_stream_plays_the_first_sentence_while_the_rest_renders(
    monkeypatch: pytest.MonkeyPatch, rest_seconds: float,
) -> None:
    from voicecoach import content
    from voicecoach.speech.cache import SENTENCE_GAP, first_sentence

    monkeypatch.delenv("VOICECOACH_OUTPUT")
    head, rest = first_sentence(content.DISCLAIMER)  # type: ignore[misc]
    devices: list[object] = []
    seen: list[tuple[bool, str]] = []  # when the rest is rendered: playing, and what

    class SlowRest(FakeEngine):
        def render(self, text: str) -> Clip:
            if text == rest:
                stream = session.voice.stream  # type: ignore[union-attr]
                seen.append((stream.playing, stream.timeline.plan.events[0].text))
                rate = devices[0].sample_rate  # type: ignore[attr-defined]
                devices[0].pump(round(rest_seconds * rate))  # type: ignore[attr-defined]
            return super().render(text)

    engine = SlowRest(seconds_per_word=0.5)
    with RunSession(ROUTINE, settings(), clock=FakeClock(), engine=engine,
                    record=RecordingHistory, find=_stream_finder(devices)) as session:
        report = session.play(RecordingView(FakeClock()))
    assert report.finished and seen == [(True, head)]  # the first sentence was playing
    (device,) = devices
    rate = device.sample_rate  # type: ignore[attr-defined]
    plain = FakeEngine(seconds_per_word=0.5)
    first, rest_frames = plain.render(head).frames, plain.render(rest).frames
    heard = bytes(device.heard)  # type: ignore[attr-defined]
    assert heard.startswith(first) and rest_frames[:2] == b"\0\0" and any(rest_frames[2:4])
    sound = next(i for i in range(len(first), len(heard)) if heard[i])  # the rest's 2nd sample
    gap = (sound // 2 - 1) * 2 - len(first)
    assert heard[len(first) + gap :].startswith(rest_frames)  # the rest whole, after the gap
    # The gap as rendered when the rest was ready in time; held until it was, when late.
    expected = max(SENTENCE_GAP, rest_seconds - engine.length(head))
    assert gap / 2 / rate == pytest.approx(expected, abs=0.02)
