"""The command line: list, show, plan, --version, help, and errors without tracebacks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from voicecoach import __version__, content
from voicecoach.cli import app
from voicecoach.cli.commands import split_examples

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = str(FIXTURES / "tiny.yaml")
BAD = str(FIXTURES / "bad-hold.yaml")
SHIPPED = [
    "before-run", "busy-day", "glute-and-core", "hips-and-lower-back", "no-floor",
    "post-run-hips", "tight-side", "yoga-for-hips",
]

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def plan_json(*args: str) -> dict:
    result = invoke("plan", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- list -----------------------------------------------------------------------------------


def test_list_shows_every_shipped_routine_with_minutes_when_and_targets():
    result = invoke("list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 * len(SHIPPED)
    for name, (summary, targets) in zip(SHIPPED, zip(lines[::2], lines[1::2])):
        assert re.fullmatch(
            rf"{name} +\d+:\d\d  (after-run|before-run|anytime) +\S.*", summary
        ), summary
        assert re.fullmatch(r" +targets: [a-z ]+(, [a-z ]+)*", targets), targets
    assert " after-run " in next(line for line in lines if line.startswith("post-run-hips"))


def test_list_json_gives_each_routine_its_minutes_and_targets():
    result = invoke("list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == SHIPPED
    for row in rows:
        assert set(row) >= {"name", "title", "minutes", "seconds", "when", "style", "targets"}
        assert row["builtin"] is True
        assert row["minutes"] == round(row["seconds"] / 60, 1) > 0
        assert row["targets"] and all(isinstance(t, str) for t in row["targets"])
        assert row["when"] in ("after-run", "before-run", "anytime")


def test_list_minutes_agree_with_the_plan():
    rows = {r["name"]: r for r in json.loads(invoke("list", "--json").stdout)}
    for name in SHIPPED:
        assert rows[name]["seconds"] == plan_json(name)["estimated_seconds"]


def test_list_includes_the_users_routines_and_reports_broken_ones(voicecoach_home: Path):
    mine = voicecoach_home / "routines"
    mine.mkdir()
    (mine / "mine.yaml").write_text((FIXTURES / "tiny.yaml").read_text())
    (mine / "broken.yml").write_text("title: [oops\n")
    result = invoke("list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"mine +\d+:\d\d  after-run +Tiny test routine  \(yours\)", lines[-2])
    broken = next(line for line in lines if line.startswith("broken"))
    assert broken.startswith("broken               cannot be loaded: ")
    assert f"{mine / 'broken.yml'}:2:1: not valid routine YAML" in broken
    assert broken.endswith("  (yours)")


def test_list_a_second_time_gives_the_same_answer():
    first = invoke("list", "--json")
    second = invoke("list", "--json")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


def test_list_with_no_routines_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr("voicecoach.paths.builtin_routines_dir", lambda: tmp_path / "none")
    result = invoke("list")
    assert result.exit_code == 0
    assert result.stdout == "No routines found.\n"


# --- show -----------------------------------------------------------------------------------


def test_show_lists_stretches_targets_sides_timings_and_total():
    result = invoke("show", TINY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:10] == [
        "Tiny test routine  (tiny)",
        "Two short stretches.",
        "when: after-run   style: mixed   transition: 5 s   rest: 10 s",
        "",
        " 1. Hip hold — hold 10 s, once",
        "    targets: glutes",
        " 2. Leg swings — 3 reps every 2 s, each side, 3 s to get into position",
        "    targets: hip flexors, glutes",
        "",
        lines[9],
    ]
    seconds = plan_json(TINY)["estimated_seconds"]
    minutes, rest = divmod(round(seconds), 60)
    assert lines[9] == f"Total: about {minutes}:{rest:02d}"
    assert len(lines) == 10


@pytest.mark.parametrize("name", SHIPPED)
def test_show_works_for_every_shipped_routine(name: str):
    result = invoke("show", name)
    assert result.exit_code == 0, result.output
    assert f"  ({name})" in result.stdout.splitlines()[0]
    assert result.stdout.splitlines()[-1].startswith("Total: about ")


# --- plan -----------------------------------------------------------------------------------


def test_plan_json_has_the_documented_shape():
    data = plan_json("post-run-hips")
    assert set(data) >= {"routine", "estimated_seconds", "events"}
    assert data["routine"] == "post-run-hips"
    events = data["events"]
    assert {e["kind"] for e in events} == {"say", "pause"}
    for event in events:
        if event["kind"] == "say":
            assert isinstance(event["text"], str) and event["text"].strip()
        else:
            assert "text" not in event
        assert isinstance(event["seconds"], (int, float)) and event["seconds"] > 0
    for before, after in pairwise(events):
        assert after["at"] == pytest.approx(before["at"] + before["seconds"], abs=1e-9)
    last = events[-1]
    assert data["estimated_seconds"] == pytest.approx(last["at"] + last["seconds"], abs=1e-9)


@pytest.mark.parametrize("name", SHIPPED)
def test_plan_json_first_say_is_the_disclaimer_and_last_the_insoles(name: str):
    says = [e for e in plan_json(name)["events"] if e["kind"] == "say"]
    assert says[0]["text"] == content.DISCLAIMER
    assert says[-1]["text"] == content.INSOLES
    assert says[-2]["text"] == content.COMPLETE


@pytest.mark.parametrize("name", SHIPPED)
def test_plan_no_insoles_removes_the_mention_and_nothing_else(name: str):
    full = plan_json(name)
    without = plan_json(name, "--no-insoles")
    assert without["events"] == full["events"][:-2]
    assert [e["kind"] for e in full["events"][-2:]] == ["pause", "say"]
    assert full["events"][-1]["text"] == content.INSOLES
    assert all(e.get("text") != content.INSOLES for e in without["events"])
    assert without["routine"] == full["routine"]
    last = without["events"][-1]
    assert without["estimated_seconds"] == pytest.approx(last["at"] + last["seconds"], abs=1e-9)


def test_plan_hold_sets_every_hold():
    events = plan_json(TINY, "--hold", "20")["events"]
    starts = [e for e in events if e["role"] == "start" and e["stretch"] == 0]
    assert [e["text"] for e in starts] == ["Hold for 20 seconds."]
    release = next(e for e in events if e["role"] == "release" and e["stretch"] == 0)
    assert release["at"] - starts[0]["at"] == pytest.approx(20)


def test_plan_rate_changes_the_speech_but_not_the_holds():
    slow = plan_json(TINY, "--rate", "100")
    fast = plan_json(TINY, "--rate", "250")
    assert slow["estimated_seconds"] > fast["estimated_seconds"]
    for data in (slow, fast):
        events = data["events"]
        start = next(e for e in events if e["role"] == "start")
        release = next(e for e in events if e["role"] == "release")
        assert release["at"] - start["at"] == pytest.approx(10)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--hold", "3"], "--hold"), (["--hold", "601"], "--hold"), (["--rate", "20"], "--rate"),
     (["--hold", "soon"], "--hold")],
)
def test_plan_refuses_out_of_range_options(args: list[str], message: str):
    result = invoke("plan", TINY, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("show_all", [True, False])
def test_plan_text_prints_every_event_with_its_time_then_the_end(show_all: bool):
    data = plan_json(TINY)
    result = invoke("plan", TINY, *(["--all"] if show_all else []))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    says = [e for e in data["events"] if e["kind"] == "say"]
    minutes, rest = divmod(round(data["estimated_seconds"]), 60)
    total = f"{minutes}:{rest:02d}"
    assert lines[0] == f"Tiny test routine: {len(says)} cues, about {total}"
    shown = [e for e in data["events"] if show_all or e["role"] != "gap"]
    assert any(e["role"] == "gap" for e in data["events"])
    assert len(lines) == len(shown) + 2
    for line, event in zip(lines[1:-1], shown):
        if event["kind"] == "say":
            assert line == f"{clock(event['at']):>8}  say    {event['text']}"
        else:
            pause = f"{event['seconds']:.1f} s ({event['role']})"  # one precision: tenths
            assert line == f"{clock(event['at']):>8}  pause  {pause}"
    assert lines[-1] == f"{clock(data['estimated_seconds']):>8}  end"


def clock(seconds: float) -> str:
    minutes, tenths = divmod(round(seconds * 10), 600)
    return f"{minutes}:{tenths / 10:04.1f}"


@pytest.mark.parametrize("name", SHIPPED)
def test_plan_text_times_never_show_60_seconds(name: str):
    result = invoke("plan", name)
    assert result.exit_code == 0
    times = re.findall(r"^ *(\d+):(\d\d\.\d)  ", result.stdout, flags=re.MULTILINE)
    assert times
    assert all(float(sec) < 60 for _, sec in times)
    as_seconds = [int(m) * 60 + float(s) for m, s in times]
    assert as_seconds == sorted(as_seconds)


# --- version, help, errors ------------------------------------------------------------------


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"voicecoach {__version__}\n"


def test_no_arguments_shows_help():
    result = invoke()
    assert "Usage: voicecoach" in result.output
    assert "list" in result.output and "plan" in result.output


def _commands() -> dict[str, object]:
    return typer.main.get_command(app).commands  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_and_option_has_help(name: str):
    command = _commands()[name]
    assert command.help, f"{name} has no help text"
    for param in command.params:
        assert getattr(param, "help", None), f"{name} {param.name} has no help text"
    result = invoke(name, "--help")
    assert result.exit_code == 0
    # --help wraps lines to the terminal's width: compare the words. Examples come last.
    text, examples = split_examples(command.help)
    assert " ".join(text.split()) in " ".join(result.stdout.split())
    assert result.stdout.endswith("".join(f"  {line}\n" for line in examples))


def test_the_expected_commands_exist():
    assert {"list", "show", "plan"} <= set(_commands())


@pytest.mark.parametrize("command", ["show", "plan"])
def test_an_unknown_routine_is_an_error_with_exit_2(command: str):
    result = invoke(command, "no-such-routine")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: no-such-routine: no routine of that name "
        f"(known: {', '.join(SHIPPED)})\n"
    )


@pytest.mark.parametrize("command", ["show", "plan"])
def test_a_bad_routine_file_is_an_error_with_every_problem_located(command: str):
    result = invoke(command, BAD)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {BAD}:7:11: stretches[0].hold: must be at least 5 seconds, not -30\n"
        f"Error: {BAD}:8:5: stretches[0].colour: unknown field; the fields are: "
        "name, targets, sides, position, equipment, instructions, easier, safety, hold, reps, "
        "tempo, alternating, cues, transition\n"
    )
    assert "Traceback" not in result.output


def test_a_missing_file_is_an_error_with_exit_2(tmp_path: Path):
    path = tmp_path / "gone.yaml"
    result = invoke("plan", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}: no such file\n"


def test_two_routines_of_one_name_are_an_error(voicecoach_home: Path):
    mine = voicecoach_home / "routines"
    mine.mkdir()
    (mine / "busy-day.yaml").write_text((FIXTURES / "tiny.yaml").read_text())
    result = invoke("plan", "busy-day")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: busy-day: two routines share this name (")


# --- As a real program ----------------------------------------------------------------------


def run_module(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VOICECOACH_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "voicecoach", *args],
        capture_output=True, text=True, env=env, cwd=home, timeout=60, check=False,
    )


def test_python_m_voicecoach_plans_a_routine(voicecoach_home: Path):
    done = run_module("plan", "busy-day", "--json", home=voicecoach_home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    says = [e["text"] for e in data["events"] if e["kind"] == "say"]
    assert data["routine"] == "busy-day"
    assert says[0] == content.DISCLAIMER and says[-1] == content.INSOLES
    assert done.stderr == ""


def test_python_m_voicecoach_reports_a_bad_file_without_a_traceback(voicecoach_home: Path):
    done = run_module("plan", BAD, home=voicecoach_home)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[0] == (
        f"Error: {BAD}:7:11: stretches[0].hold: must be at least 5 seconds, not -30"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["plan", "run", "export"])
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--hold", "nan", "must be a finite number"), ("--hold", "NaN", "must be a finite number"),
     ("--volume", "nan", "must be a finite number"),
     ("--hold", "inf", "--hold takes a number from 5 to 600, not inf"),
     ("--hold", "-inf", "--hold takes a number from 5 to 600, not -inf")],
)
def test_a_number_that_is_not_finite_is_refused_as_bad_input(
    tmp_path: Path, command: str, option: str, value: str, message: str
) -> None:
    extra = ["-o", str(tmp_path / "x.wav")] if command == "export" else []
    if command == "plan" and option == "--volume":
        pytest.skip("plan has no --volume")
    result = CliRunner().invoke(app, [command, "busy-day", option, value, *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
