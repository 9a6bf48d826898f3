"""`voicecoach compose` on the command line: printed as `show` prints, saved as a routine file,
run and recorded with its options, composed again, and offered in the `run` menu."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import FakeClock
from voicecoach import clock as clocks
from voicecoach.cli import app
from voicecoach.history import history_path, open_history
from voicecoach.history.migrations import MIGRATIONS, SCHEMA_VERSION
from voicecoach.history.store import APPLICATION_ID

HIPS = ["compose", "--minutes", "10", "--focus", "hips", "--when", "after-run", "--seed", "1"]


def invoke(*args: str, input: str | None = None):  # noqa: ANN201
    return CliRunner().invoke(app, list(args), input=input)


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock `run` uses: time jumps, so a whole routine runs at once."""
    clock = FakeClock()
    monkeypatch.setattr(clocks, "MonotonicClock", lambda: clock)
    return clock


def test_save_then_validate_then_plan(voicecoach_home: Path) -> None:
    composed = invoke(*HIPS, "--save", "my-hips")
    assert composed.exit_code == 0, composed.output
    path = voicecoach_home / "routines" / "my-hips.yaml"
    assert composed.stdout.rstrip().endswith(
        f"Saved as {path}: run it with `voicecoach run my-hips`."
    )
    text = path.read_text()
    assert "\n  - use: " in text and "instructions:" not in text  # library references
    assert "# Composed with:\n#   voicecoach compose --minutes 10 --focus hips" in text

    validated = invoke("validate", "my-hips")
    assert validated.exit_code == 0, validated.output
    assert validated.stdout.startswith(f"{path}: ok (")

    planned = invoke("plan", "my-hips")
    assert planned.exit_code == 0, planned.output
    first = planned.stdout.splitlines()[0]
    assert first.startswith("Hips, after a run: ")
    minutes, seconds = first.rsplit("about ", 1)[1].split(":")
    assert abs(int(minutes) * 60 + int(seconds) - 600) <= 60


def test_it_prints_the_routine_as_show_does() -> None:
    composed = invoke(*HIPS, "--save", "my-hips")
    shown = invoke("show", "my-hips")
    assert composed.exit_code == 0 and shown.exit_code == 0, composed.output + shown.output
    printed = composed.stdout.split("\nSaved as ")[0].rstrip("\n")
    assert printed == shown.stdout.rstrip("\n").replace("(my-hips)", "(composed)", 1)


def test_without_run_export_or_save_it_says_how_to_go_on() -> None:
    result = invoke(*HIPS)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "\nSpeak it: voicecoach compose --again --run   "
        "Keep it: voicecoach compose --again --save NAME\n"
    )


def test_the_same_seed_gives_the_same_routine_and_the_default_seed_is_today() -> None:
    first, second = invoke(*HIPS), invoke(*HIPS)
    other = invoke(*HIPS[:-1], "2")
    today = invoke("compose", "--minutes", "10", "--focus", "hips")
    assert first.exit_code == second.exit_code == other.exit_code == today.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout != other.stdout
    assert f"(seed {date.today().isoformat()})" in today.stdout


def test_again_rebuilds_the_last_composed_routine() -> None:
    first = invoke(*HIPS)
    invoke("compose", "--minutes", "5", "--seed", "9")  # the last one now
    again = invoke("compose", "--again")
    assert again.exit_code == 0, again.output
    assert again.stdout == invoke("compose", "--minutes", "5", "--seed", "9").stdout
    assert again.stdout != first.stdout


def test_again_is_fitted_with_the_rate_and_timings_it_was_first_composed_with(
    voicecoach_home: Path,
) -> None:
    # Slow speech leaves less time for stretching: the same request fits otherwise at 90 words
    # a minute than at the usual rate, so --again must not refit it at today's rate.
    slow = ["compose", "--minutes", "10", "--seed", "9", "--rate", "90"]
    assert invoke(*slow, "--save", "slow").exit_code == 0
    assert invoke("compose", "--again", "--save", "again").exit_code == 0
    assert invoke("compose", "--minutes", "10", "--seed", "9", "--save", "usual").exit_code == 0
    folder = voicecoach_home / "routines"

    def body(name: str) -> str:
        return (folder / f"{name}.yaml").read_text().replace(name, "NAME")

    assert body("again") == body("slow")
    assert body("usual") != body("slow")


def test_again_from_a_file_kept_before_its_timings_were_fits_with_todays() -> None:
    from voicecoach.composed import last_path

    last_path().parent.mkdir(parents=True, exist_ok=True)
    last_path().write_text('{"minutes": 5, "focus": [], "seed": "9"}')
    again = invoke("compose", "--again")
    assert again.exit_code == 0, again.output
    assert again.stdout == invoke("compose", "--minutes", "5", "--seed", "9").stdout


def test_again_with_nothing_composed_or_with_new_options_is_refused() -> None:
    nothing = invoke("compose", "--again")
    assert nothing.exit_code == 2
    assert nothing.stderr.startswith("Error: nothing composed yet, so nothing to compose again")
    invoke(*HIPS)
    mixed = invoke("compose", "--again", "--minutes", "5")
    assert mixed.exit_code == 2
    assert mixed.stderr.startswith("Error: --again rebuilds the last composed routine as it was")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--minutes", "60", "--focus", "quads", "--place", "chair", "--style", "static"],
         "Error: cannot compose --focus quads --place chair --when anytime --style static: "
         "only 1 stretch fits"),
        (["--minutes", "10", "--focus", "shoulders"], "Error: no focus area 'shoulders'"),
        (["--minutes", "10", "--when", "before-run", "--style", "static"],
         "Error: before a run, only moving (dynamic) stretches make sense"),
        (["--focus", "hips"], "Error: say how long: --minutes N (3 to 60)"),
        (["--minutes", "10", "--text"], "Error: --text goes with --run"),
    ],
)
def test_requests_that_cannot_be_met_say_why(args: list[str], message: str) -> None:
    result = invoke("compose", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output


def test_minutes_out_of_range_is_a_usage_error() -> None:
    result = invoke("compose", "--minutes", "61")
    assert result.exit_code == 2
    assert "61" in result.stderr


def test_focus_areas_repeat_or_take_commas() -> None:
    repeated = invoke("compose", "-m", "12", "--focus", "hamstrings", "--focus", "lower-back",
                      "--seed", "3")
    commas = invoke("compose", "-m", "12", "--focus", "hamstrings,lower back", "--seed", "3")
    assert repeated.exit_code == 0, repeated.output
    assert repeated.stdout == commas.stdout
    assert "12 minutes for hamstrings and lower back" in repeated.stdout


def test_save_never_overwrites_and_never_takes_a_built_in_name(voicecoach_home: Path) -> None:
    assert invoke(*HIPS, "--save", "mine").exit_code == 0
    again = invoke(*HIPS, "--save", "mine")
    assert again.exit_code == 2
    assert "mine.yaml already exists" in again.stderr
    built_in = invoke(*HIPS, "--save", "busy-day")
    assert built_in.exit_code == 2
    assert "a built-in routine is already called 'busy-day'" in built_in.stderr


def test_a_composed_run_is_in_the_history_with_its_options(fake_clock: FakeClock) -> None:
    result = invoke("compose", "--minutes", "4", "--focus", "calves", "--seed", "7", "--run",
                    "--text")
    assert result.exit_code == 0, result.output
    assert "Done: Calves, composed for today" in result.stdout
    with open_history() as store:
        (session,) = store.recent()
    assert session.outcome == "finished"
    assert session.composed is not None
    assert (session.composed["minutes"], session.composed["focus"]) == (4, ["calves"])
    assert session.composed["seed"] == "7"

    shown = invoke("history")
    assert "composed: --minutes 4 --focus calves --when anytime --place floor" in shown.stdout
    data = json.loads(invoke("history", "--json").stdout)
    assert data["recent"][0]["composed"]["focus"] == ["calves"]


def test_the_run_menu_offers_to_compose_one(fake_clock: FakeClock) -> None:
    menu = invoke("run", "--text", input="")
    item = next(line for line in menu.stdout.splitlines() if "Compose one for me" in line)
    number = item.split(".")[0].strip()
    result = invoke("run", "--text", input=f"{number}\n99\n4\nknees\ncalves\n")
    assert result.exit_code == 0, result.output
    assert "Please type a number of minutes from 3 to 60." in result.stdout
    assert "No focus area 'knees'" in result.stdout
    assert "Done: Calves, composed for today" in result.stdout
    with open_history() as store:
        (session,) = store.recent()
    assert session.composed is not None and session.composed["minutes"] == 4
    assert invoke("compose", "--again").stdout.startswith("Calves, composed for today")


def test_export_writes_the_composed_routine(tmp_path: Path) -> None:
    out = tmp_path / "today.wav"
    result = invoke("compose", "--minutes", "3", "--focus", "calves", "--seed", "1",
                    "--export", str(out), "--rate", "300")
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: " in result.stdout
    assert out.stat().st_size > 44


def test_help_has_examples() -> None:
    result = invoke("compose", "--help")
    assert result.exit_code == 0
    _, examples = result.stdout.split("\nExamples:\n")
    lines = [line.strip() for line in examples.splitlines()]
    assert "voicecoach compose --minutes 10 --focus hips --when after-run" in lines
    assert "voicecoach compose --again --export today.wav" in lines


def test_a_history_from_before_compose_is_read_and_kept() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO sessions (routine, title, started_at, utc_offset, total_stretches, "
        "stretches_completed, seconds_done, outcome, updated_at, ended_at) VALUES "
        "('busy-day', 'Busy day', '2026-11-30T08:00:00Z', 60, 3, 3, 300, 'finished', "
        "'2026-11-30T08:05:00Z', '2026-11-30T08:05:00Z')"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    with open_history() as store:
        (old,) = store.recent()
        assert (old.routine, old.outcome, old.composed) == ("busy-day", "finished", None)
        store.start("composed", "Hips", 2, composed={"minutes": 5, "focus": ["hips"]})
        assert store.recent()[0].composed == {"minutes": 5, "focus": ["hips"]}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    conn.close()


@pytest.mark.parametrize("stored", [
    '{"minutes": "ten"}', "[1, 2]", "{not json", '{"focus": 3}',
    '{"minutes": 5, "fitted_with": {"rate": 5000}}',
    '{"minutes": 5, "fitted_with": {"insoles": true, "hold": null, "hold_scale": 1.0, '
    '"rate": "fast", "transition": null, "rest": null, "engine": "natural"}}',
])
def test_again_with_a_damaged_state_file_says_so(stored: str) -> None:
    from voicecoach.composed import last_path

    last_path().parent.mkdir(parents=True, exist_ok=True)
    last_path().write_text(stored)
    result = invoke("compose", "--again")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "compose a new routine" in result.stderr or "cannot be read" in result.stderr
    assert "Traceback" not in result.output


def test_compose_as_a_real_program(voicecoach_home: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, VOICECOACH_HOME=str(voicecoach_home), PYTHONPATH=str(root))
    args = [sys.executable, "-m", "voicecoach", "compose", "-m", "6", "--seed", "1"]
    first = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=60)
    again = subprocess.run(
        [*args[:4], "--again"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert first.stdout.startswith("Stretches for today  (composed)\n")
    assert again.stdout == first.stdout
