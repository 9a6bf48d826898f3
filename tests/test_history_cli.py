"""`voicecoach history` and the help of the history and config commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voicecoach.cli import app
from voicecoach.errors import ExitCode
from voicecoach.history import history_path, open_history

REPO = Path(__file__).resolve().parent.parent
EMPTY = "No sessions yet. Start one with: voicecoach run\n"


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0)).astimezone()


def record(routine: str, started: datetime, outcome: str | None, seconds: float, done: int) -> None:
    with open_history() as store:
        session_id = store.start(routine, routine.replace("-", " ").title(), 4, started)
        store.progress(session_id, seconds, done)
        if outcome is not None:
            store.finish(session_id, outcome, seconds, done)  # type: ignore[arg-type]


def test_an_empty_history_says_so_plainly_and_creates_nothing() -> None:
    result = CliRunner().invoke(app, ["history"])
    assert result.exit_code == 0
    assert result.stdout == EMPTY
    assert not history_path().exists()


def test_an_empty_history_as_a_real_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "history"],
        cwd=REPO,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == EMPTY
    assert done.stderr == ""


def test_a_history_file_with_no_sessions_is_empty_too() -> None:
    with open_history():
        pass
    result = CliRunner().invoke(app, ["history"])
    assert result.exit_code == 0
    assert result.stdout == EMPTY


def test_an_empty_history_as_json() -> None:
    result = CliRunner().invoke(app, ["history", "--json", "--weeks", "1"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["sessions"], data["recent"], data["routines"]) == (0, [], [])
    assert data["streak"]["current"] == 0
    assert 1 <= len(data["calendar"]) <= 7
    assert all(day["sessions"] == 0 for day in data["calendar"])


def test_history_shows_streak_calendar_recent_sessions_and_totals() -> None:
    today = date.today()
    record("busy-day", noon(today - timedelta(days=3)), "finished", 300.0, 4)
    record("busy-day", noon(today - timedelta(days=2)), "quit", 65.0, 1)
    record("yoga-for-hips", noon(today - timedelta(days=2)) + timedelta(hours=2), None, 30.0, 0)
    result = CliRunner().invoke(app, ["history", "--weeks", "4"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"Streak: none right now; last session {today - timedelta(days=2)} (longest 2 days)"
    )
    grid = lines[lines.index("Last 4 weeks") + 2 :][:7]
    assert [line[:3] for line in grid] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert sum(line.count("■") for line in grid) == 2
    two_days_ago, three_days_ago = today - timedelta(days=2), today - timedelta(days=3)
    recent = lines[lines.index("Recent sessions") + 1 :][:3]
    assert recent == [
        f"  {two_days_ago} 14:00  yoga-for-hips  no end recorded     0:30  0/4 stretches",
        f"  {two_days_ago} 12:00  busy-day       quit                1:05  1/4 stretches",
        f"  {three_days_ago} 12:00  busy-day       finished            5:00  4/4 stretches",
    ]
    totals = lines[lines.index("Per routine") + 1 :]
    assert totals == [
        f"  busy-day         2 sessions    1 finished      6:05  last {two_days_ago}",
        f"  yoga-for-hips    1 session     0 finished      0:30  last {two_days_ago}",
    ]


def test_history_streak_line_today() -> None:
    record("busy-day", datetime.now().astimezone(), "finished", 300.0, 4)
    result = CliRunner().invoke(app, ["history"])
    assert result.exit_code == 0
    # A session recorded a moment ago is today's, or yesterday's just after midnight.
    assert result.stdout.splitlines()[0] in (
        "Streak: 1 day",
        "Streak: 1 day - stretch today to keep it going",
    )


def test_history_json_lists_sessions_for_scripts() -> None:
    record("busy-day", noon(date.today() - timedelta(days=1)), "interrupted", 42.0, 1)
    result = CliRunner().invoke(app, ["history", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["sessions"] == 1
    (session,) = data["recent"]
    assert (session["routine"], session["outcome"], session["seconds_done"]) == (
        "busy-day",
        "interrupted",
        42.0,
    )
    assert data["streak"]["current"] == 1
    assert data["routines"][0]["sessions"] == 1


def test_history_limit_shows_how_many_are_left_out() -> None:
    for days in range(1, 4):
        record("busy-day", noon(date.today() - timedelta(days=days)), "finished", 60.0, 4)
    result = CliRunner().invoke(app, ["history", "--limit", "2"])
    assert result.exit_code == 0
    assert "Recent sessions (2 of 3)" in result.stdout.splitlines()


def test_a_corrupt_history_file_is_an_error_and_stays_as_it_was() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00\x01 not sqlite at all " * 50)
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["history"])
    assert result.exit_code == ExitCode.FAILURE
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}: not a voicecoach history file")
    assert path.read_bytes() == before


@pytest.mark.parametrize("weeks", ["0", "54"])
def test_history_weeks_out_of_range_is_bad_input(weeks: str) -> None:
    result = CliRunner().invoke(app, ["history", "--weeks", weeks])
    assert result.exit_code == ExitCode.BAD_INPUT


@pytest.mark.parametrize(
    "command",
    [
        ["history"],
        ["config"],
        ["config", "path"],
        ["config", "show"],
        ["config", "set"],
        ["config", "unset"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    usage, _, rest = result.stdout.partition("\n\n")
    assert usage.startswith("Usage: ")
    assert len(rest.split("\n\n")[0].strip()) > 20


def test_the_calendar_falls_back_to_ascii_where_the_terminal_needs_it() -> None:
    record("busy-day", noon(date.today() - timedelta(days=1)), "finished", 300.0, 4)
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "history", "--weeks", "2"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    grid = lines[lines.index("Last 2 weeks") + 2 :][:7]
    assert sum(line.count("#") for line in grid) == 1
    assert "    # a day with a session   . none" in lines


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("seconds_done", "'lots'"),
        ("seconds_done", "'-5'"),
        ("seconds_done", "1e999"),
        ("utc_offset", "99999999"),
        ("utc_offset", "'east'"),
        ("title", "'Hips' || char(27) || ']0;PWNED' || char(7) || char(27) || '[2J'"),
    ],
)
def test_a_damaged_row_never_breaks_history(column: str, value: str) -> None:
    import sqlite3

    record("busy-day", noon(date.today()), "finished", 300.0, 4)
    path = history_path()
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE sessions SET {column} = {value}")
    conn.close()
    for args in (["history"], ["history", "--json"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "\x1b" not in result.output and "\x07" not in result.output
