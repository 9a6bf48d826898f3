"""`new`, `validate`, the user routines folder and name clashes, through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voicecoach import authoring, paths
from voicecoach.cli import app
from voicecoach.plan import build_plan
from voicecoach.routine import parse_routine
from voicecoach.schema import FILENAME, schema_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
ROUTINE = """\
title: Busy day
style: static
stretches:
  - name: Butterfly stretch
    targets: [adductors]
    hold: 30
    instructions: Sit with the soles of your feet together.
"""


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A built-in routines folder holding one routine, `busy-day`."""
    folder = tmp_path / "builtin"
    folder.mkdir()
    (folder / "busy-day.yaml").write_text(ROUTINE)
    monkeypatch.setattr(paths, "builtin_routines_dir", lambda: folder)
    return folder


def test_user_routines_folder_follows_voicecoach_home(voicecoach_home: Path) -> None:
    assert paths.user_routines_dir() == voicecoach_home / "routines"


def test_new_then_validate_then_plan(voicecoach_home: Path) -> None:
    created = invoke("new", "my-hips")
    assert created.exit_code == 0, created.output
    path = voicecoach_home / "routines" / "my-hips.yaml"
    assert created.stdout == f"{path}\n"

    checked = invoke("validate", str(path))
    assert checked.exit_code == 0, checked.output
    assert checked.stdout == f"{path}: ok (3 stretches, about 5:46)\n"  # natural voice

    planned = invoke("plan", "my-hips", "--json")
    assert planned.exit_code == 0, planned.output
    script = json.loads(planned.stdout)
    assert script["routine"] == "my-hips"
    said = [e["text"] for e in script["events"] if e["kind"] == "say"]
    assert "Front to back leg swings, left side." in said and "Butterfly stretch." in said
    assert "Kneel on your left knee, on a cushion." in " ".join(said)
    assert "Right side. Kneel on your right knee, on a cushion." in said


def test_new_writes_a_commented_starter_that_loads_and_plans(voicecoach_home: Path) -> None:
    text = authoring.starter_text("after-run-2")
    assert text.startswith(f"# yaml-language-server: $schema=./{FILENAME}\n")
    routine = parse_routine(text, "after-run-2.yaml")
    assert routine.title == "After run 2"
    assert [s.name for s in routine.stretches] == [
        "Front to back leg swings", "Kneeling hip flexor stretch", "Butterfly stretch"
    ]
    assert build_plan(routine).estimated_seconds > 60


def test_new_keeps_the_editor_schema_beside_the_routines(voicecoach_home: Path) -> None:
    schema_file = voicecoach_home / "routines" / FILENAME
    schema_file.parent.mkdir()
    schema_file.write_text("{}")  # an old copy is brought up to date
    assert invoke("new", "mine").exit_code == 0
    assert schema_file.read_text() == schema_text()


def test_new_never_overwrites(voicecoach_home: Path) -> None:
    assert invoke("new", "mine").exit_code == 0
    path = voicecoach_home / "routines" / "mine.yaml"
    path.write_text(ROUTINE)
    again = invoke("new", "mine")
    assert again.exit_code == 2
    assert again.stderr == f"Error: {path} already exists; edit it, or pick another name\n"
    assert path.read_text() == ROUTINE


def test_new_refuses_a_name_a_yml_file_already_has(voicecoach_home: Path) -> None:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / "mine.yml").write_text(ROUTINE)
    result = invoke("new", "mine")
    assert result.exit_code == 2
    assert "mine.yml already exists" in result.stderr
    assert not (folder / "mine.yaml").exists()


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("My Hips", "my-hips"), ("../escape", "escape"), ("Hips!", "hips"), ("a/b", "a-b"),
        ("", "routine"),
    ],
)
def test_new_refuses_a_name_that_is_not_a_slug(
    voicecoach_home: Path, name: str, suggestion: str
) -> None:
    result = invoke("new", name)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {name!r} cannot name a routine: use words of lower-case letters and digits "
        f"joined by single dashes (at most 60 characters), e.g. {suggestion}\n"
    )
    assert not (voicecoach_home / "routines").exists()


def test_new_refuses_a_built_in_routine_name(voicecoach_home: Path, builtin: Path) -> None:
    result = invoke("new", "busy-day")
    assert result.exit_code == 2
    assert "a built-in routine is already called 'busy-day'" in result.stderr


def test_validate_reports_each_problem_as_file_line_column_field_message() -> None:
    path = CORPUS / "bad" / "hold-over-ten-minutes.yaml"
    result = invoke("validate", str(path))
    assert result.exit_code == 2
    assert result.stdout == (
        f"{path}:7:11: stretches[0].hold: must be at most 600 seconds (10 minutes), not 601\n"
    )


def test_validate_checks_every_file_and_sums_up(tmp_path: Path) -> None:
    good = CORPUS / "good" / "minimal.yaml"
    bad = CORPUS / "bad" / "unknown-field-typo.yaml"
    result = invoke("validate", str(good), str(bad), str(tmp_path), str(tmp_path / "gone.yaml"))
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"{good}: ok (1 stretch, about 1:26)",  # timed for the natural voice
        f"{bad}:5:5: stretches[0].instructions: required field is missing",
        f"{bad}:8:5: stretches[0].instruction: unknown field (did you mean `instructions`?)",
        f"{tmp_path}: is a folder, not a routine file",
        f"{tmp_path / 'gone.yaml'}: no such file",
    ]
    assert result.stderr == "4 problems in 3 of 4 files\n"


def test_validate_exits_0_when_every_file_is_valid() -> None:
    files = [str(p) for p in sorted((CORPUS / "good").iterdir())]
    result = invoke("validate", *files)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(files)


def test_validate_json(tmp_path: Path) -> None:
    good = CORPUS / "good" / "minimal.yaml"
    bad = CORPUS / "bad" / "hold-and-reps.yaml"
    result = invoke("validate", "--json", str(good), str(bad))
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "valid": False,
        "files": [
            {"file": str(good), "valid": True, "problems": []},
            {"file": str(bad), "valid": False, "problems": [{
                "line": 5, "column": 5, "field": "stretches[0]",
                "message": "give either `hold` (seconds) or `reps`, exactly one of them",
            }]},
        ],
    }


def test_validate_accepts_the_name_of_one_of_your_routines(voicecoach_home: Path) -> None:
    assert invoke("new", "mine").exit_code == 0
    result = invoke("validate", "mine")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{voicecoach_home / 'routines' / 'mine.yaml'}: ok")


def test_list_marks_your_routines_and_warns_of_a_name_clash(
    voicecoach_home: Path, builtin: Path
) -> None:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / "busy-day.yaml").write_text(ROUTINE)
    (folder / "mine.yaml").write_text(ROUTINE)
    result = invoke("list")
    assert result.exit_code == 0
    assert result.stderr == (
        f"Warning: busy-day: two routines share this name (built-in {builtin / 'busy-day.yaml'} "
        f"and yours {folder / 'busy-day.yaml'}); rename yours, or give a path\n"
    )
    assert [line.split()[0] for line in result.stdout.splitlines() if "(yours)" in line] == [
        "busy-day", "mine"
    ]

    rows = json.loads(invoke("list", "--json").stdout)
    assert [(r["name"], r["builtin"], r["clash"]) for r in rows] == [
        ("busy-day", True, True), ("busy-day", False, True), ("mine", False, False)
    ]


def test_a_clashing_name_is_an_error_not_a_silent_choice(
    voicecoach_home: Path, builtin: Path
) -> None:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / "busy-day.yml").write_text(ROUTINE)
    result = invoke("plan", "busy-day")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: busy-day: two routines share this name (built-in")
    assert invoke("plan", str(folder / "busy-day.yml")).exit_code == 0


def test_a_folder_or_a_missing_path_as_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "somewhere").mkdir()
    folder = invoke("plan", "somewhere")
    assert folder.exit_code == 2
    assert folder.stderr == "Error: somewhere: is a folder, not a routine file\n"
    missing = invoke("show", "./missing.yaml")
    assert missing.exit_code == 2
    assert missing.stderr == "Error: missing.yaml: no such file\n"


def test_hidden_files_in_the_routines_folder_are_ignored(voicecoach_home: Path) -> None:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / ".mine.yaml").write_text("not: a routine")
    rows = json.loads(invoke("list", "--json").stdout)
    assert [r for r in rows if not r["builtin"]] == []


@pytest.mark.parametrize("command", ["new", "validate", "schema"])
def test_commands_have_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 3


def test_the_cli_starts_without_the_heavy_modules() -> None:
    heavy = "{'pydantic', 'yaml', 'jsonschema'}"
    code = f"import sys, voicecoach.cli; print(sorted({heavy} & set(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout == "[]\n", result.stderr


@pytest.mark.parametrize(
    ("name", "instead"),
    [("x--y", "x-y"), ("x-", "x"), ("hips--", "hips"), ("a-b--c-", "a-b-c"), ("a" * 61, "a" * 60)],
)
def test_new_refuses_a_name_the_catalog_would_change_and_names_the_one_it_would_use(
    voicecoach_home: Path, name: str, instead: str
) -> None:
    result = CliRunner().invoke(app, ["new", name])
    assert result.exit_code == 2, result.output
    assert f"e.g. {instead}" in result.output
    assert not (voicecoach_home / "routines").exists()
    made = CliRunner().invoke(app, ["new", instead])  # the name offered is one that works
    assert made.exit_code == 0, made.output
    assert CliRunner().invoke(app, ["validate", instead]).exit_code == 0


def test_every_name_new_accepts_is_found_again_by_that_name() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from voicecoach.errors import UsageError
    from voicecoach.routine import slug

    @given(st.text(alphabet="ab0-", min_size=1, max_size=64))
    def check(name: str) -> None:
        try:
            authoring.check_new_name(name)
        except UsageError:
            return
        assert slug(name) == name

    check()
