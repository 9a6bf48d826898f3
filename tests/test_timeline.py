"""The shared timeline: lines on their planned frames, random access, volume and chimes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.audio_check import read_pcm, tone
from tests.routines import TINY
from tests.speech_fakes import FakeEngine
from voicecoach import catalog
from voicecoach.errors import EngineError
from voicecoach.export import export_wav
from voicecoach.plan import Event, Plan, build_plan
from voicecoach.playback.chime import CHIME_SECONDS, chime
from voicecoach.playback.timeline import Timeline, holds, sample_at
from voicecoach.routine import parse_routine
from voicecoach.speech import SAMPLE_RATE, Clip, ClipCache
from voicecoach.speech.clip import samples



def _timed(routine_text: str = TINY) -> tuple[Plan, ClipCache]:
    cache = ClipCache(FakeEngine(), enabled=False)
    routine = parse_routine(routine_text, "tiny.yaml")
    return build_plan(routine, speech_seconds=cache.seconds), cache


@pytest.fixture(scope="module")
def busy() -> tuple[Plan, ClipCache, bytes]:
    cache = ClipCache(FakeEngine(), enabled=False)
    plan = build_plan(catalog.load("busy-day"), speech_seconds=cache.seconds)
    return plan, cache, Timeline(plan, cache).render(0, sample_at(plan.total_ms, SAMPLE_RATE))


def test_every_line_starts_on_its_planned_frame_and_every_pause_is_silent(
    busy: tuple[Plan, ClipCache, bytes],
) -> None:
    plan, cache, audio = busy
    values = samples(audio)
    assert len(values) == sample_at(plan.total_ms, SAMPLE_RATE)
    for event in plan.events:
        start, end = sample_at(event.start_ms, SAMPLE_RATE), sample_at(event.end_ms, SAMPLE_RATE)
        if event.kind == "pause":
            assert not any(values[start:end]), event
            continue
        clip = samples(cache.clip(event.text).frames)
        heard = values[start : start + len(clip)]
        assert heard == clip[: end - start], event  # the whole clip, from its first sample


def test_the_lines_report_where_each_line_sits(busy: tuple[Plan, ClipCache, bytes]) -> None:
    plan, cache, _ = busy
    timeline = Timeline(plan, cache)
    lines = timeline.lines()
    assert [line.event for line in lines] == plan.says
    for line in lines:
        assert line.sample == round(line.event.start_ms * SAMPLE_RATE / 1000)
        assert line.frames == min(cache.clip(line.event.text).nframes,
                                  sample_at(line.event.end_ms, SAMPLE_RATE) - line.sample)
        assert line.to_json()["at"] == pytest.approx(line.sample / SAMPLE_RATE, abs=1e-6)
    assert [(i, line.sample) for i, line in zip(
        (i for i, e in enumerate(plan.events) if e.kind == "say"), lines, strict=True
    )] == timeline.line_starts()


@settings(max_examples=60, deadline=None)
@given(start=st.integers(-5_000, 5_000_000), count=st.integers(0, 30_000))
def test_any_span_renders_the_same_as_the_whole(
    busy: tuple[Plan, ClipCache, bytes], start: int, count: int
) -> None:
    plan, cache, audio = busy
    timeline = Timeline(plan, cache)
    expected = bytearray(count * 2)
    lo, hi = max(0, start), min(len(audio) // 2, start + count)
    if lo < hi:
        expected[(lo - start) * 2 : (hi - start) * 2] = audio[lo * 2 : hi * 2]
    assert timeline.render(start, count) == bytes(expected)


def test_chunks_from_any_frame_join_into_the_rest_of_the_timeline(
    busy: tuple[Plan, ClipCache, bytes],
) -> None:
    plan, cache, audio = busy
    timeline = Timeline(plan, cache)
    assert b"".join(timeline.chunks()) == audio
    assert b"".join(timeline.chunks(123_457, size=1000)) == audio[123_457 * 2 :]


def test_export_and_the_timeline_are_the_same_audio(
    tmp_path: Path, busy: tuple[Plan, ClipCache, bytes]
) -> None:
    plan, cache, audio = busy
    export_wav(plan, cache, tmp_path / "busy.wav")
    frames, rate = read_pcm(tmp_path / "busy.wav")
    assert rate == SAMPLE_RATE and frames == audio


def test_a_line_longer_than_its_slot_is_cut_where_the_next_event_begins_and_faded() -> None:
    long = Clip(tone(2.0, amplitude=10_000), SAMPLE_RATE)

    class Long:
        sample_rate = SAMPLE_RATE

        def clip(self, text: str) -> Clip:
            return long

    plan = Plan("p", "P", (
        Event("say", 0, 1000, "intro", "One."), Event("say", 1000, 500, "intro", "Two."),
    ), ())
    values = samples(Timeline(plan, Long()).render(0, sample_at(1500, SAMPLE_RATE)))
    first = values[: SAMPLE_RATE]
    assert first[:1000] == samples(long.frames)[:1000]
    assert first[-1] == 0 and max(map(abs, first[-20:])) < 2_000  # faded, not clicked off
    assert values[SAMPLE_RATE : SAMPLE_RATE + 1000] == samples(long.frames)[:1000]


def test_volume_is_applied_in_the_mix(busy: tuple[Plan, ClipCache, bytes]) -> None:
    plan, cache, audio = busy
    quiet = Timeline(plan, cache, volume=0.3).render(0, len(audio) // 2)
    assert list(samples(quiet)) == [int(v * 0.3) for v in samples(audio)]
    with pytest.raises(ValueError):
        Timeline(plan, cache, volume=1.5)


def test_holds_run_from_the_start_cue_to_the_release() -> None:
    plan, _ = _timed()
    found = holds(plan)
    assert [end - start for start, end in found] == [30_000, 30_000, 20_000]
    starts = {e.start_ms: e for e in plan.events if e.kind == "say"}
    for start, end in found:
        assert starts[start].role == "start" and starts[end].role == "release"


def test_a_chime_sounds_under_the_voice_at_each_hold_start_and_end() -> None:
    plan, cache = _timed()
    total = sample_at(plan.total_ms, SAMPLE_RATE)
    plain = samples(Timeline(plan, cache).render(0, total))
    chimed = Timeline(plan, cache, chime=True, volume=0.5)
    assert len(chimed.chimes) == 2 * len(holds(plan))
    mixed = samples(chimed.render(0, total))
    marks = [(sample_at(ms, SAMPLE_RATE), end) for hold in holds(plan)
             for ms, end in zip(hold, (False, True), strict=True)]
    assert sorted(marks) == list(chimed.chimes)
    length = round(CHIME_SECONDS * SAMPLE_RATE)
    covered = set()
    for at, end in marks:
        sound = chime(SAMPLE_RATE, end=end)
        for k in range(0, length, 37):
            voice = int(plain[at + k] * 0.5)
            assert mixed[at + k] == max(-32768, min(32767, voice + int(sound[k] * 0.5)))
        covered.update(range(at, at + length))
    outside = [k for k in range(0, total, 53) if k not in covered]
    assert all(mixed[k] == int(plain[k] * 0.5) for k in outside)
    assert max(abs(v) for v in chime(SAMPLE_RATE)) < 0.2 * 32767  # soft: under the voice


def test_chunks_with_chimes_render_the_same_from_anywhere() -> None:
    plan, cache = _timed()
    timeline = Timeline(plan, cache, chime=True)
    whole = b"".join(timeline.chunks())
    at = timeline.chimes[1][0] - 100
    assert b"".join(timeline.chunks(at, size=441)) == whole[at * 2 :]


def test_no_chime_without_holds_or_when_not_asked() -> None:
    reps = TINY.split("  - name: Butterfly")[0].replace("hold: 30", "reps: 3")
    plan, cache = _timed(reps)
    assert holds(plan) == [] and Timeline(plan, cache, chime=True).chimes == ()
    plan, cache = _timed()
    assert Timeline(plan, cache).chimes == ()


def test_a_clip_at_another_rate_is_refused() -> None:
    plan, cache = _timed()

    class Odd:
        sample_rate = SAMPLE_RATE

        def clip(self, text: str) -> Clip:
            return Clip(bytes(200), 16_000)

    with pytest.raises(EngineError, match="16000 Hz"):
        Timeline(plan, Odd()).render(0, 1000)


def test_only_a_few_clips_are_held_unless_asked_to_keep_them(
    busy: tuple[Plan, ClipCache, bytes],
) -> None:
    plan, cache, _ = busy
    flat = Timeline(plan, cache)
    flat.preload()
    kept = Timeline(plan, cache, keep_clips=True)
    kept.preload()
    assert len(flat._bodies) < len(kept._bodies) == len(plan.says)
