"""Export to MP3, M4A and Ogg Opus: the plan's chapters, tags, length and line onsets survive."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.decoded import FRAME_SAMPLES, decode, lag_ms, onsets
from tests.speech_fakes import FakeEngine
from voicecoach import catalog, content
from voicecoach.cli import app
from voicecoach.export import INTRODUCTION, THE_END, export_audio, plan_chapters
from voicecoach.plan import Plan, build_plan
from voicecoach.speech import ClipCache


@pytest.fixture(scope="module")
def busy_day() -> tuple[Plan, ClipCache]:
    cache = ClipCache(FakeEngine(), enabled=False)
    return build_plan(catalog.load("busy-day"), speech_seconds=cache.seconds), cache


def test_chapters_are_the_introduction_each_stretch_and_the_end(
    busy_day: tuple[Plan, ClipCache],
) -> None:
    plan, _ = busy_day
    chapters = plan_chapters(plan)
    names = list(plan.stretch_names)
    assert [title for _, title in chapters] == [INTRODUCTION, *names, THE_END]
    assert chapters[0][0] == 0
    for index, (start, _) in enumerate(chapters[1:-1]):
        first = next(e for e in plan.says if e.stretch == index)
        assert first.role == "name" and start == first.at
    complete = next(e for e in plan.says if e.role == "complete")
    assert chapters[-1][0] == complete.at
    assert [s for s, _ in chapters] == sorted(s for s, _ in chapters)


@pytest.mark.parametrize("name", ["busy-day.mp3", "busy-day.m4a", "busy-day.opus"])
def test_a_routine_exported_compressed_reads_back_as_planned(
    tmp_path: Path, busy_day: tuple[Plan, ClipCache], name: str
) -> None:
    plan, cache = busy_day
    result = export_audio(plan, cache, tmp_path / name)
    got = decode(tmp_path / name)
    frame = FRAME_SAMPLES[result.format] / got.rate
    assert abs(got.seconds - plan.total_ms / 1000) <= frame
    planned = plan_chapters(plan)
    assert len(got.chapters) == len(planned)
    for (start, _, title), (planned_start, planned_title) in zip(got.chapters, planned):
        assert title == planned_title
        assert abs(start - planned_start) <= frame
    assert got.chapters[-1][1] == pytest.approx(plan.total_ms / 1000, abs=frame)  # Ogg: none
    assert got.tags["title"] == plan.title
    assert got.tags["artist"] == "voicecoach" and got.tags["album"]
    assert got.tags["comment"].startswith(content.DISCLAIMER)
    # Every line of sound starts where the plan put it (fake clips are tones: sharp onsets).
    found = onsets(got.audio, got.rate, after_silence=0.2)
    starts = [c.at for c in result.cues]
    assert len(found) > 20
    for onset in found:
        assert min(abs(onset - s) for s in starts) <= frame, onset


@pytest.fixture(scope="module")
def real_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """busy-day exported by the command line with the real engine: WAV, MP3 and M4A."""
    folder = tmp_path_factory.mktemp("busy")
    reports = {}
    for ext in ("wav", "mp3", "m4a"):
        out = folder / f"busy-day.{ext}"
        result = CliRunner().invoke(app, ["export", "busy-day", "-o", str(out), "--json"])
        assert result.exit_code == 0, result.output
        reports[ext] = json.loads(result.output)
    return reports


@pytest.mark.parametrize("ext", ["mp3", "m4a"])
def test_busy_day_decodes_with_every_line_where_export_json_says(
    real_exports: dict[str, dict], ext: str
) -> None:
    report = real_exports[ext]
    assert report["format"] == ext
    assert [c["at"] for c in report["cues"]] == [c["at"] for c in real_exports["wav"]["cues"]]
    got = decode(Path(report["file"]))
    reference = decode(Path(real_exports["wav"]["file"]))
    assert got.rate == reference.rate == report["sample_rate"]
    frame = FRAME_SAMPLES[ext] / got.rate
    assert abs(got.seconds - report["planned_seconds"]) <= frame
    # Each line, matched against the exact PCM around its onset, sits at the same sample.
    lags = [lag_ms(got.audio, reference.audio, round(c["at"] * got.rate), got.rate)
            for c in report["cues"]]
    assert len(lags) > 50
    assert max(abs(lag) for lag in lags) <= 1000 / got.rate, lags  # within a sample
    # And every line is heard from its onset: sound within its first 0.3 s.
    for cue in report["cues"]:
        at = round(cue["at"] * got.rate)
        assert np.abs(got.audio[at : at + int(0.3 * got.rate)]).max() > 0.02, cue["text"]


@pytest.mark.parametrize("name", ["t.wav", "t.mp3", "t.m4a", "t.opus"])
def test_the_export_key_is_read_back_from_every_format(
    tmp_path: Path, busy_day: tuple[Plan, ClipCache], name: str
) -> None:
    from voicecoach.export_all import key_note, stored_key

    _, cache = busy_day
    short = build_plan(catalog.load("post-run-hips"), speech_seconds=cache.seconds)
    path = tmp_path / name
    assert stored_key(path) is None  # no file yet
    export_audio(short, cache, path, note=key_note("0123456789abcdef"))
    assert stored_key(path) == "0123456789abcdef"
    assert decode(path).tags["comment"].startswith(content.DISCLAIMER)
    path.write_bytes(b"not audio")
    assert stored_key(path) is None
