"""`list` summaries: right figures, cached between runs, never stale."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from voicecoach import listing, paths

TINY = (Path(__file__).resolve().parent / "fixtures" / "tiny.yaml").read_text()


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A folder of shipped routines holding one small routine."""
    folder = tmp_path / "builtin"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY)
    monkeypatch.setattr(paths, "builtin_routines_dir", lambda: folder)
    return folder


@pytest.fixture
def summarized(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the routines actually loaded (not read from the cache)."""
    calls: list[str] = []
    real = listing.summarize

    def counting(entry):  # type: ignore[no-untyped-def]
        calls.append(entry.name)
        return real(entry)

    monkeypatch.setattr(listing, "summarize", counting)
    return calls


def test_a_summary_has_the_routines_figures(folder: Path):
    (row,) = listing.summaries()
    assert row["name"] == "tiny"
    assert row["title"] == "Tiny test routine"
    assert (row["when"], row["style"]) == ("after-run", "mixed")
    assert row["targets"] == ["glutes", "hip flexors"]
    assert row["minutes"] == round(row["seconds"] / 60, 1)
    assert row["builtin"] is True


def test_a_second_listing_comes_from_the_cache(folder: Path, summarized: list[str]):
    first = listing.summaries()
    second = listing.summaries()
    assert first == second
    assert summarized == ["tiny"]


def test_a_changed_routine_is_summarized_again(folder: Path, summarized: list[str]):
    listing.summaries()
    (folder / "tiny.yaml").write_text(TINY.replace("Tiny test routine", "Renamed routine"))
    (row,) = listing.summaries()
    assert row["title"] == "Renamed routine"
    assert summarized == ["tiny", "tiny"]


def test_a_corrupt_cache_is_ignored_and_replaced(folder: Path, voicecoach_home: Path):
    cache = paths.cache_dir() / "listing.json"
    cache.parent.mkdir(parents=True)
    cache.write_text("{not json")
    (row,) = listing.summaries()
    assert row["title"] == "Tiny test routine"
    assert json.loads(cache.read_text())["files"]


def test_a_cache_that_cannot_be_written_only_costs_speed(folder: Path, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    (row,) = listing.summaries(cache_file=blocker / "listing.json")
    assert row["title"] == "Tiny test routine"


def test_editing_the_listing_code_invalidates_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    package = Path(listing.__file__).parent
    copy = tmp_path / "voicecoach"
    copy.mkdir()
    # The code a summary's figures come from: the loader, the plan, the texts, the summary.
    sources = listing._SOURCES
    assert {"routine/model.py", "plan/build.py", "content.py", "listing.py"} <= set(sources)
    for name in sources:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(package / name, copy / name)
    monkeypatch.setattr(listing, "__file__", str(copy / "listing.py"))
    for name in sources:
        before = listing._code_stamp()
        stat = (copy / name).stat()
        os.utime(copy / name, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert listing._code_stamp() != before, name
