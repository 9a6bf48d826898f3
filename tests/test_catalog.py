"""Finding routines by name (shipped or the user's) or by path."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecoach import catalog, paths
from voicecoach.errors import RoutineError

ROOT = Path(__file__).resolve().parent.parent
TINY = (Path(__file__).resolve().parent / "fixtures" / "tiny.yaml").read_text()


@pytest.fixture
def builtin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty folder standing in for the shipped routines."""
    folder = tmp_path / "builtin"
    folder.mkdir()
    monkeypatch.setattr(paths, "builtin_routines_dir", lambda: folder)
    return folder


@pytest.fixture
def mine(voicecoach_home: Path) -> Path:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    return folder


def test_from_a_checkout_the_shipped_routines_are_the_top_level_folder():
    assert paths.builtin_routines_dir() == ROOT / "routines"


def test_the_users_routines_live_under_voicecoach_home(voicecoach_home: Path):
    assert paths.user_routines_dir() == voicecoach_home / "routines"


def test_entries_list_shipped_routines_first_then_the_users_each_sorted(builtin: Path, mine: Path):
    for name in ("b.yaml", "a.yml"):
        (builtin / name).write_text(TINY)
    (mine / "c.yaml").write_text(TINY)
    (mine / "0.yaml").write_text(TINY)
    assert [(e.name, e.builtin) for e in catalog.entries()] == [
        ("a", True), ("b", True), ("0", False), ("c", False)
    ]
    assert catalog.entries()[0].path == builtin / "a.yml"


def test_entries_skip_other_files_and_folders(builtin: Path):
    (builtin / "notes.txt").write_text("x")
    (builtin / "README.md").write_text("x")
    (builtin / "folder.yaml").mkdir()
    (builtin / "real.yaml").write_text(TINY)
    assert [e.name for e in catalog.entries()] == ["real"]


def test_entries_without_a_user_folder_are_just_the_shipped_ones(builtin: Path):
    (builtin / "one.yaml").write_text(TINY)
    assert [e.name for e in catalog.entries()] == ["one"]


def test_a_name_resolves_to_its_file(builtin: Path, mine: Path):
    (builtin / "shipped.yaml").write_text(TINY)
    (mine / "own.yml").write_text(TINY)
    assert catalog.resolve("shipped") == builtin / "shipped.yaml"
    assert catalog.resolve("own") == mine / "own.yml"


@pytest.mark.parametrize("name", ["./tiny.yaml", "sub/tiny.yaml", "other.yaml", "other.yml"])
def test_something_that_looks_like_a_path_is_taken_as_one(name: str, builtin: Path):
    (builtin / "tiny.yaml").write_text(TINY)
    assert catalog.resolve(name) == Path(name)


@pytest.mark.parametrize("name", ["tiny.yaml", "tiny.yml"])
def test_a_name_with_a_suffix_means_the_routine_when_no_such_file_is_here(
    name: str, builtin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (builtin / "tiny.yaml").write_text(TINY)
    monkeypatch.chdir(tmp_path)
    assert catalog.resolve(name) == builtin / "tiny.yaml"
    (tmp_path / name).write_text(TINY)  # a file of that name here wins
    assert catalog.resolve(name) == Path(name)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("busyday", "busy-day"), ("Busy-Day", "busy-day"), ("busy_day", "busy-day"),
     ("post-run-hip", "post-run-hips"), ("busyday.yaml", "busy-day"), ("evning", "evening")],
)
def test_a_mistyped_name_gets_the_closest_names_suggested(
    typed: str, meant: str, builtin: Path, mine: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    for name in ("busy-day", "post-run-hips", "hips-and-lower-back"):
        (builtin / f"{name}.yaml").write_text(TINY)
    (mine / "evening.yaml").write_text(TINY)  # the user's own are suggested too
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RoutineError) as caught:
        catalog.resolve(typed)
    assert str(caught.value) == f"{typed}: no routine of that name; did you mean {meant}?"


def test_a_stretch_in_the_library_is_named_when_no_routine_is_close(
    builtin: Path, monkeypatch: pytest.MonkeyPatch
):
    (builtin / "busy-day.yaml").write_text(TINY)
    monkeypatch.setattr(catalog, "_library_ids", lambda: ["pigeon", "butterfly"])
    with pytest.raises(RoutineError) as caught:
        catalog.resolve("pidgeon")
    assert str(caught.value) == (
        "pidgeon: no routine of that name; pigeon is a stretch in the library "
        "(voicecoach stretches pigeon)"
    )


def test_an_existing_file_is_taken_as_a_path_even_without_a_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builtin: Path
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "myroutine").write_text(TINY)
    assert catalog.resolve("myroutine") == Path("myroutine")
    assert catalog.load("myroutine").title == "Tiny test routine"


def test_an_unknown_name_lists_the_known_ones(builtin: Path, mine: Path):
    (builtin / "b.yaml").write_text(TINY)
    (mine / "a.yaml").write_text(TINY)
    with pytest.raises(RoutineError) as caught:
        catalog.resolve("c")
    assert str(caught.value) == "c: no routine of that name (known: a, b)"


def test_an_unknown_name_with_no_routines_at_all(builtin: Path):
    with pytest.raises(RoutineError) as caught:
        catalog.resolve("c")
    assert str(caught.value) == "c: no routine of that name (known: none)"


def test_two_files_claiming_one_name_are_refused_by_name(builtin: Path, mine: Path):
    (builtin / "hips.yaml").write_text(TINY)
    (mine / "hips.yml").write_text(TINY)
    with pytest.raises(RoutineError) as caught:
        catalog.resolve("hips")
    assert str(caught.value) == (
        f"hips: two routines share this name (built-in {builtin / 'hips.yaml'} and "
        f"yours {mine / 'hips.yml'}); rename yours, or give a path"
    )
    assert catalog.resolve(str(mine / "hips.yml")) == mine / "hips.yml"
    assert list(catalog.clashes(catalog.entries())) == ["hips"]


def test_no_clashes_among_distinct_names(builtin: Path, mine: Path):
    (builtin / "a.yaml").write_text(TINY)
    (mine / "b.yaml").write_text(TINY)
    assert catalog.clashes(catalog.entries()) == {}


def test_load_gives_the_routine_named_after_its_file(builtin: Path):
    (builtin / "evening.yaml").write_text(TINY)
    routine = catalog.load("evening")
    assert (routine.name, routine.title) == ("evening", "Tiny test routine")


def test_load_reports_a_broken_file_by_its_path(builtin: Path):
    (builtin / "broken.yaml").write_text("title: Hips\nstyle: static\nstretches: 3\n")
    with pytest.raises(RoutineError) as caught:
        catalog.load("broken")
    assert str(caught.value) == (
        f"{builtin / 'broken.yaml'}:3:12: stretches: should be a list, not the number 3"
    )


def test_the_shipped_routines_are_found_by_name():
    assert [e.name for e in catalog.entries() if e.builtin] == [
        "before-run", "busy-day", "glute-and-core", "hips-and-lower-back", "no-floor",
        "post-run-hips", "tight-side", "yoga-for-hips",
    ]
