"""Export: the plan as one WAV file, checked from the audio itself."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.audio_check import FRAME_SECONDS, loud_frames, read_pcm
from tests.speech_fakes import FakeEngine
from voicecoach import catalog
from voicecoach.errors import EngineError, UsageError
from voicecoach.export import export_wav, sample_at
from voicecoach.plan import Event, Plan, build_plan
from voicecoach.speech import SAMPLE_RATE, Clip, ClipCache, open_engine
from voicecoach.speech.clip import samples


def _frames_between(loud: list[bool], start_s: float, end_s: float) -> list[bool]:
    """The frames lying wholly inside [start_s, end_s)."""
    first = int(-(-start_s // FRAME_SECONDS))
    last = int(end_s // FRAME_SECONDS)
    return loud[first:last]


def _check_against_plan(
    path: Path, plan: Plan, cue_sound_from: float = 0.0, sample_rate: int = SAMPLE_RATE
) -> list[bool]:
    """Length, silence in every pause, sound in every line, sound from 0 s; the loud frames."""
    frames, rate = read_pcm(path)
    assert rate == sample_rate
    assert abs(len(frames) / 2 / rate - plan.total_ms / 1000) < 0.05
    values = samples(frames)
    loud = loud_frames(frames, rate)
    assert loud.index(True) * FRAME_SECONDS <= 0.04, "the disclaimer starts at 0 s"
    for event in plan.events:
        start, end = sample_at(event.start_ms, rate), sample_at(event.end_ms, rate)
        if event.kind == "pause":
            assert max(values[start:end]) == min(values[start:end]) == 0, event
            assert not any(_frames_between(loud, event.at, event.at + event.seconds))
        else:
            window = _frames_between(loud, event.at, event.at + event.seconds)
            assert sum(window) >= cue_sound_from * len(window) and any(window), event
    return loud


@pytest.fixture
def busy_day() -> object:
    return catalog.load("busy-day")


def test_a_shipped_routine_exports_with_every_line_and_pause_in_place(
    tmp_path: Path, busy_day: object
) -> None:
    cache = ClipCache(FakeEngine())
    plan = build_plan(busy_day, speech_seconds=cache.seconds)
    result = export_wav(plan, cache, tmp_path / "busy-day.wav")
    _check_against_plan(tmp_path / "busy-day.wav", plan, cue_sound_from=0.9)
    assert result.frames == sample_at(plan.total_ms, SAMPLE_RATE)
    onsets = [sample_at(e.start_ms, SAMPLE_RATE) for e in plan.says]
    assert [c.sample for c in result.cues] == onsets
    assert [c.event.text for c in result.cues] == [e.text for e in plan.says]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy-day.wav"]


@pytest.mark.parametrize(("engine", "sample_rate"), [("natural", 24_000), ("espeak", 22_050)])
def test_a_real_engine_exports_a_shipped_routine_at_its_own_rate(
    tmp_path: Path, busy_day: object, engine: str, sample_rate: int
) -> None:
    cache = ClipCache(open_engine(engine, rate=180))
    plan = build_plan(busy_day, speech_seconds=cache.seconds)
    export_wav(plan, cache, tmp_path / "busy-day.wav")
    loud = _check_against_plan(tmp_path / "busy-day.wav", plan, sample_rate=sample_rate)
    # Segments of sound found from energy alone start where the plan's lines start.
    onsets = [i * FRAME_SECONDS for i, on in enumerate(loud)
              if on and not any(loud[max(0, i - 20) : i])]  # after >= 0.4 s of silence
    assert len(onsets) > 20
    for onset in onsets:  # never early; a soft start (the "th" of "three") is found a bit late
        at_a_start = any(-0.02 <= onset - e.at < 0.1 for e in plan.says)
        # The natural voice pauses as long as the gap between lines after "First, a note:".
        within_a_line = any(e.at + 0.1 <= onset < e.at + e.seconds for e in plan.says)
        assert at_a_start or within_a_line, onset


def test_progress_runs_from_the_start_to_the_end_of_the_timeline(
    tmp_path: Path, busy_day: object
) -> None:
    cache = ClipCache(FakeEngine())
    plan = build_plan(busy_day, speech_seconds=cache.seconds)
    seen: list[tuple[int, int]] = []
    export_wav(plan, cache, tmp_path / "out.wav", lambda done, total: seen.append((done, total)))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (plan.total_ms, plan.total_ms)


class InterruptingClips:
    """A clip source that is Ctrl-C'd after a few lines."""

    sample_rate = SAMPLE_RATE

    def __init__(self, after: int) -> None:
        self.cache = ClipCache(FakeEngine())
        self.left = after

    def clip(self, text: str) -> Clip:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return self.cache.clip(text)


def test_an_interrupted_export_leaves_no_file(tmp_path: Path, busy_day: object) -> None:
    plan = build_plan(busy_day)
    with pytest.raises(KeyboardInterrupt):
        export_wav(plan, InterruptingClips(after=10), tmp_path / "out.wav")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_existing_file_untouched(
    tmp_path: Path, busy_day: object
) -> None:
    target = tmp_path / "out.wav"
    target.write_bytes(b"the good file from yesterday")
    cache = ClipCache(FakeEngine(fail_on="Switch sides"), enabled=False)
    plan = build_plan(busy_day)
    with pytest.raises(EngineError):
        export_wav(plan, cache, target)
    assert target.read_bytes() == b"the good file from yesterday"
    assert list(tmp_path.iterdir()) == [target]


def test_a_finished_export_replaces_the_old_file_and_keeps_its_permissions(
    tmp_path: Path, busy_day: object
) -> None:
    target = tmp_path / "out.wav"
    target.write_bytes(b"old")
    target.chmod(0o640)
    cache = ClipCache(FakeEngine())
    export_wav(build_plan(busy_day, speech_seconds=cache.seconds), cache, target)
    assert target.read_bytes()[:4] == b"RIFF"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_ordinary_permissions(tmp_path: Path, busy_day: object) -> None:
    cache = ClipCache(FakeEngine())
    export_wav(build_plan(busy_day, speech_seconds=cache.seconds), cache, tmp_path / "new.wav")
    assert stat.S_IMODE((tmp_path / "new.wav").stat().st_mode) & 0o044  # readable by others


def _plan(events: list[Event]) -> Plan:
    return Plan(routine="test", title="Test", events=tuple(events), stretch_names=())


def test_a_line_longer_than_its_slot_is_cut_and_faded(tmp_path: Path) -> None:
    cache = ClipCache(FakeEngine(seconds_per_word=1.0))  # "one two" lasts 2 s
    plan = _plan(
        [Event("say", 0, 500, "count", "one two"), Event("say", 500, 300, "count", "three")]
    )
    result = export_wav(plan, cache, tmp_path / "cut.wav")
    frames, rate = read_pcm(tmp_path / "cut.wav")
    assert len(frames) // 2 == sample_at(800, rate)
    assert [c.frames for c in result.cues] == [sample_at(500, rate), sample_at(300, rate)]
    values = samples(frames)
    assert abs(values[sample_at(500, rate) - 1]) < 100  # faded out, no click


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["say", "pause"]), st.integers(1, 2500)), min_size=1,
                max_size=12))
def test_every_line_starts_at_the_exact_sample_of_its_time(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, int]]
) -> None:
    events, t = [], 0
    for i, (kind, ms) in enumerate(steps):
        events.append(Event(kind, t, ms, "test", f"line {i}" if kind == "say" else ""))
        t += ms
    cache = ClipCache(FakeEngine(seconds_per_word=0.37), enabled=False)
    target = tmp_path_factory.mktemp("out") / "out.wav"
    result = export_wav(_plan(events), cache, target)
    assert result.frames == sample_at(t, SAMPLE_RATE)
    assert len(read_pcm(target)[0]) // 2 == result.frames
    assert [c.sample for c in result.cues] == [
        sample_at(e.start_ms, SAMPLE_RATE) for e in events if e.kind == "say"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("out.flac", r"end it in \.wav, \.mp3, \.m4a, \.opus, \.ogg"),
        ("missing/out.wav", "does not exist"),
        ("folder.wav", "is a folder"),
    ],
)
def test_a_bad_target_is_refused_before_anything_is_written(
    tmp_path: Path, name: str, message: str
) -> None:
    (tmp_path / "folder.wav").mkdir()
    with pytest.raises(UsageError, match=message):
        export_wav(
            _plan([Event("pause", 0, 10, "gap")]), ClipCache(FakeEngine()), tmp_path / name
        )
