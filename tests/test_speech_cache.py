"""The clip cache: rendered once, reused from disk, keyed by everything that changes the sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.speech_fakes import FakeEngine
from voicecoach import paths
from voicecoach.speech import ClipCache, clips_dir


def test_a_clip_is_rendered_once_then_read_back_from_disk() -> None:
    synth = FakeEngine()
    first = ClipCache(synth).clip("Hold for thirty seconds.")
    again = ClipCache(synth)  # a new run: nothing in memory
    assert again.clip("Hold for thirty seconds.") == first
    assert synth.rendered == ["Hold for thirty seconds."]
    assert (again.hits, again.misses) == (1, 0)


def test_clips_live_in_the_user_cache_folder() -> None:
    cache = ClipCache(FakeEngine())
    cache.clip("Release.")
    assert clips_dir() == paths.cache_dir() / "clips"
    assert cache.path("Release.").is_file()
    assert cache.path("Release.").is_relative_to(clips_dir())


@pytest.mark.parametrize(
    "change", [{"voice": "fake/fr"}, {"rate": 200}, {"volume": 0.5}, {"identity": "fake 2.0"},
               {"name": "other"}]
)
def test_voice_rate_volume_and_engine_are_part_of_the_key(change: dict) -> None:
    ClipCache(FakeEngine()).clip("Switch sides.")
    other = FakeEngine()
    for name, value in change.items():
        setattr(other, name, value)
    cache = ClipCache(other)
    cache.clip("Switch sides.")
    assert other.rendered == ["Switch sides."]
    assert (cache.hits, cache.misses) == (0, 1)


def test_seconds_is_measured_from_the_clip() -> None:
    synth = FakeEngine(seconds_per_word=0.25)
    cache = ClipCache(synth)
    assert cache.seconds("one two three") == pytest.approx(0.75, abs=1e-4)
    assert ClipCache(synth).seconds("one two three") == pytest.approx(0.75, abs=1e-4)
    assert synth.rendered == ["one two three"]


def test_disabled_cache_neither_reads_nor_writes_the_disk() -> None:
    ClipCache(FakeEngine()).clip("Halfway.")  # on disk now
    synth = FakeEngine()
    cache = ClipCache(synth, enabled=False)
    cache.clip("Halfway.")
    cache.clip("Halfway.")
    cache.seconds("Routine complete.")
    assert synth.rendered == ["Halfway.", "Routine complete."]  # each rendered once, in memory
    assert not cache.path("Routine complete.").exists()


def test_a_damaged_file_is_rendered_again_and_replaced() -> None:
    synth = FakeEngine()
    cache = ClipCache(synth)
    good = cache.clip("Rest.")
    cache.path("Rest.").write_bytes(b"RIFF....garbage")
    assert ClipCache(synth).clip("Rest.") == good
    assert synth.rendered == ["Rest.", "Rest."]
    assert ClipCache(synth).clip("Rest.") == good
    assert len(synth.rendered) == 2


def test_writes_are_atomic_and_leave_no_temporary_files() -> None:
    cache = ClipCache(FakeEngine())
    cache.prepare([f"line {i}" for i in range(5)])
    files = sorted(p.name for p in clips_dir().rglob("*") if p.is_file())
    assert len(files) == 5
    assert all(name.endswith(".clip") and not name.startswith(".") for name in files)


def test_an_unwritable_cache_still_works_from_memory(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    synth = FakeEngine()
    cache = ClipCache(synth, folder=blocked)
    cache.clip("Hold.")
    cache.clip("Hold.")
    assert synth.rendered == ["Hold."]


def test_prepare_renders_each_distinct_line_once_and_reports_progress() -> None:
    synth = FakeEngine()
    seen: list[tuple[int, int]] = []
    ClipCache(synth).prepare(["a", "b", "a", "c"], lambda done, total: seen.append((done, total)))
    assert synth.rendered == ["a", "b", "c"]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_line_rendered_by_sentence_is_its_first_sentence_a_gap_and_the_rest() -> None:
    from voicecoach.speech.cache import SENTENCE_GAP, first_sentence

    line = "First, a note: stretch gently. Stop if it hurts. Breathe."
    assert first_sentence(line) == ("First, a note: stretch gently.", "Stop if it hurts. Breathe.")
    assert first_sentence("One sentence only.") is None
    engine = FakeEngine()
    cache = ClipCache(engine, by_sentence=[line])
    whole = cache.clip(line)
    head = cache.clip("First, a note: stretch gently.")
    rest = cache.clip("Stop if it hurts. Breathe.")
    gap = bytes(2 * round(SENTENCE_GAP * engine.sample_rate))
    assert whole.frames == head.frames + gap + rest.frames
    assert engine.rendered == ["First, a note: stretch gently.", "Stop if it hurts. Breathe."]
    assert ClipCache(FakeEngine()).clip(line).seconds < whole.seconds  # other caches: whole


def _damage(path: Path, how: str, rate: int) -> None:
    data = path.read_bytes()
    header = data[: data.index(b"\n", len("voicecoach clip\n")) + 1]
    sound = data[len(header):]
    if how == "truncated to half":
        path.write_bytes(data[: len(data) // 2])
    elif how == "header only":
        path.write_bytes(header)
    elif how == "ten minutes long":
        path.write_bytes(header + bytes(2 * rate * 600))
    elif how == "32-bit stereo":
        path.write_bytes(header.replace(b'"channels": 1', b'"channels": 2') + sound * 4)
    elif how == "another sample rate":
        path.write_bytes(header.replace(str(rate).encode(), str(rate // 2).encode()) + sound)
    elif how == "same length, other sound":
        path.write_bytes(header + bytes(len(sound)))
    elif how == "not a clip":
        path.write_bytes(b"garbage" * 100)
    elif how == "a folder":
        path.unlink()
        path.mkdir()


@pytest.mark.parametrize(
    "how",
    ["truncated to half", "header only", "ten minutes long", "32-bit stereo",
     "another sample rate", "same length, other sound", "not a clip", "a folder"],
)
def test_a_damaged_clip_is_noticed_and_rendered_again(how: str) -> None:
    text = "Ease off straight away if you feel any sharp pain."
    synth = FakeEngine()
    good = ClipCache(synth).clip(text)
    path = ClipCache(synth).path(text)
    _damage(path, how, synth.sample_rate)

    again = ClipCache(synth)
    assert again.clip(text) == good
    assert again.seconds(text) == good.seconds
    assert synth.rendered == [text, text]  # rendered again
    if how != "a folder":
        third = ClipCache(synth)  # and the damaged file was replaced
        assert third.clip(text) == good
        assert synth.rendered == [text, text]
