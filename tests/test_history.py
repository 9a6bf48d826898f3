"""The session history: recording runs, surviving crashes, streaks in local days, refusing files
that are not ours."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from voicecoach import history
from voicecoach.errors import ExitCode, HistoryError, VoicecoachError
from voicecoach.cli.calendar import calendar_lines
from voicecoach.history import (
    Day,
    calendar_weeks,
    history_path,
    open_history,
    record_session,
    streak_of,
)

REPO = Path(__file__).resolve().parent.parent
UTC = timezone.utc
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")


class FakeClock:
    """A settable `now()`; time only moves when the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


def at(zone: ZoneInfo | timezone, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


# --- recording ------------------------------------------------------------------------------


def test_the_file_lives_in_the_data_folder(voicecoach_home: Path) -> None:
    assert history_path() == voicecoach_home / "data" / "history.sqlite3"
    with open_history():
        pass
    assert history_path().is_file()


@pytest.mark.parametrize("outcome", ["finished", "quit", "interrupted"])
def test_a_run_is_recorded_with_how_it_ended(outcome: str) -> None:
    clock = FakeClock(at(LOS_ANGELES, 2024, 5, 3, 7, 15, 0))
    with open_history(now=clock) as store:
        session_id = store.start("busy-day", "Busy Day", 5)
        clock.advance(60)
        store.progress(session_id, 60.0, 1)
        clock.advance(200)
        store.finish(session_id, outcome, 260.5, 3)
    with open_history() as store:
        (session,) = store.recent()
    assert session.id == session_id
    assert (session.routine, session.title, session.outcome) == ("busy-day", "Busy Day", outcome)
    assert (session.seconds_done, session.stretches_completed, session.total_stretches) == (
        260.5,
        3,
        5,
    )
    assert session.started_at == at(LOS_ANGELES, 2024, 5, 3, 7, 15, 0)
    assert session.started_at.utcoffset() == timedelta(
        hours=-7
    )  # kept in the offset it happened in
    assert session.ended_at == at(LOS_ANGELES, 2024, 5, 3, 7, 19, 20)


def test_times_are_stored_in_utc_with_the_local_offset() -> None:
    with open_history() as store:
        store.start("busy-day", "Busy Day", 5, at(TOKYO, 2024, 1, 1, 0, 30, 0))
    with sqlite3.connect(history_path()) as conn:
        row = conn.execute("SELECT started_at, utc_offset FROM sessions").fetchone()
    assert row == ("2023-12-31T15:30:00+00:00", 540)


def test_progress_without_an_end_is_kept_as_no_end_recorded() -> None:
    with open_history() as store:
        session_id = store.start("busy-day", "Busy Day", 5, at(UTC, 2024, 5, 3, 7, 0, 0))
        store.progress(session_id, 95.0, 2)
    with open_history() as store:
        session = store.session(session_id)
    assert (session.outcome, session.seconds_done, session.stretches_completed) == (None, 95.0, 2)
    assert session.ended_at is None


def test_the_first_recorded_end_stands() -> None:
    with open_history() as store:
        session_id = store.start("busy-day", "Busy Day", 5, at(UTC, 2024, 5, 3, 7, 0, 0))
        store.finish(session_id, "interrupted", 30.0, 0)
        store.finish(session_id, "finished", 600.0, 5)
        store.progress(session_id, 700.0, 5)
        session = store.session(session_id)
    assert (session.outcome, session.seconds_done, session.stretches_completed) == (
        "interrupted",
        30.0,
        0,
    )


def test_wrong_calls_are_refused_and_change_nothing() -> None:
    with open_history() as store:
        session_id = store.start("busy-day", "Busy Day", 5, at(UTC, 2024, 5, 3, 7, 0, 0))
        with pytest.raises(ValueError, match="outcome must be one of"):
            store.finish(session_id, "done", 10.0, 1)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="seconds_done"):
            store.progress(session_id, -1.0, 1)
        with pytest.raises(ValueError, match="no session 99"):
            store.finish(99, "quit", 1.0, 0)
        session = store.session(session_id)
    assert (session.outcome, session.seconds_done) == (None, 0.0)


def test_a_naive_start_time_is_taken_as_local_time() -> None:
    naive = datetime(2024, 5, 3, 7, 0, 0)
    with open_history() as store:
        session = store.session(store.start("busy-day", "Busy Day", 5, naive))
    assert session.started_at == naive.astimezone()


def test_an_interruption_mid_write_rolls_back_only_that_write() -> None:
    with open_history() as store:
        session_id = store.start("busy-day", "Busy Day", 5, at(UTC, 2024, 5, 3, 7, 0, 0))
        store.progress(session_id, 40.0, 1)
        with pytest.raises(KeyboardInterrupt):
            with store._transaction("record the session") as conn:
                conn.execute("UPDATE sessions SET seconds_done = 999")
                raise KeyboardInterrupt
        assert store.session(session_id).seconds_done == 40.0
        store.finish(session_id, "interrupted", 45.0, 1)
        session = store.session(session_id)
    assert (session.outcome, session.seconds_done) == ("interrupted", 45.0)


CRASH_SCRIPT = """
import os, signal, sys
from datetime import datetime, timezone
from voicecoach.history import open_history

store = open_history()
session_id = store.start("busy-day", "Busy Day", 5, datetime(2024, 5, 3, 7, 0, tzinfo=timezone.utc))
store.progress(session_id, 120.0, 2)
with store._transaction("record the session") as conn:
    conn.execute("UPDATE sessions SET seconds_done = 999, stretches_completed = 5")
    conn.execute("INSERT INTO sessions (routine, title, started_at, utc_offset, total_stretches,"
                 " updated_at) VALUES ('x', 'x', 'x', 0, 0, 'x')")
    os.kill(os.getpid(), signal.SIGKILL)  # dies halfway through a write
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_process_killed_mid_session_keeps_what_was_recorded() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT],
        cwd=REPO,
        env=os.environ.copy(),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    with sqlite3.connect(history_path()) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with open_history() as store:
        (session,) = store.recent()
        assert (session.outcome, session.seconds_done, session.stretches_completed) == (
            None,
            120.0,
            2,
        )
        store.finish(session.id, "quit", 130.0, 2)  # and the file still takes writes
        assert store.session(session.id).outcome == "quit"


WRITER_SCRIPT = """
import sys
from datetime import datetime, timedelta, timezone
from voicecoach.history import open_history

name, count = sys.argv[1], int(sys.argv[2])
store = open_history()
print("ready", flush=True)
sys.stdin.readline()  # both writers start together
start = datetime(2024, 1, 1, tzinfo=timezone.utc)
for i in range(count):
    session_id = store.start(name, name, 3, start + timedelta(minutes=i))
    store.progress(session_id, 10.0, 1)
    store.finish(session_id, "finished", 20.0 + i, 3)
store.close()
"""


def test_two_processes_writing_at_once_lose_nothing() -> None:
    count = 50
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER_SCRIPT, name, str(count)],
            cwd=REPO,
            env=os.environ.copy(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    for writer in writers:
        assert writer.stdout.readline() == "ready\n", writer.stderr.read()
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    with open_history() as store:
        totals = {t.routine: t for t in store.totals()}
        assert store.count() == 2 * count
    for name in ("first", "second"):
        assert (totals[name].sessions, totals[name].finished) == (count, count)
        assert totals[name].seconds == sum(20.0 + i for i in range(count))


def test_threads_sharing_one_history_lose_nothing() -> None:
    errors: list[BaseException] = []
    with open_history() as store:

        def write(name: str) -> None:
            try:
                for i in range(25):
                    session_id = store.start(name, name, 2, at(UTC, 2024, 1, 1, 0, i, 0))
                    store.finish(session_id, "quit", float(i), 1)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.count() == 100
        assert sorted(t.sessions for t in store.totals()) == [25, 25, 25, 25]


# --- files that are not ours ---------------------------------------------------------------


def _assert_refused(path: Path, *expected: str) -> None:
    before = path.read_bytes()
    with pytest.raises(HistoryError) as caught:
        open_history(path)
    message = str(caught.value)
    assert str(path) in message
    for text in expected:
        assert text in message
    assert path.read_bytes() == before
    assert isinstance(caught.value, VoicecoachError)


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    _assert_refused(path, "not a voicecoach history file", "left untouched")


def test_a_foreign_sqlite_database_is_refused_and_left_untouched() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    _assert_refused(path, "not a voicecoach history file", "other tables: notes")


def test_a_history_from_a_newer_version_is_refused() -> None:
    path = history_path()
    with open_history():
        pass
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    _assert_refused(path, "newer voicecoach", "version 99")


def test_a_damaged_history_gives_a_clear_error_not_a_traceback() -> None:
    path = history_path()
    with open_history() as store:
        for i in range(30):
            store.start(
                "busy-day", "A title long enough to fill pages " * 3, 5, at(UTC, 2024, 1, 1, 0, i)
            )
    raw = bytearray(path.read_bytes())
    page = 4096
    assert len(raw) > 2 * page
    raw[page : 2 * page] = b"\xff" * page  # the sessions table's root page
    path.write_bytes(bytes(raw))
    with pytest.raises(HistoryError, match="damaged") as caught:
        with open_history(path) as store:
            store.recent()
    assert str(path) in str(caught.value)
    assert path.read_bytes() == bytes(raw)


def test_an_empty_file_becomes_a_new_history() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.touch()
    with open_history(path) as store:
        assert store.count() == 0


def test_a_recorder_never_stops_the_run_when_the_history_is_unusable() -> None:
    path = history_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 100)
    warnings: list[str] = []
    recorder = record_session("busy-day", "Busy Day", 5, warn=warnings.append)
    recorder.progress(10.0, 1)
    recorder.finish("finished", 20.0, 5)
    assert recorder.session_id is None
    assert len(warnings) == 1
    assert warnings[0].startswith("This session is not being recorded: ")
    assert str(path) in warnings[0]


def test_a_recorder_records_a_whole_run() -> None:
    clock = FakeClock(at(UTC, 2024, 5, 3, 7, 0, 0))
    recorder = record_session("busy-day", "Busy Day", 3, now=clock)
    for done in range(1, 3):
        clock.advance(100)
        recorder.progress(100.0 * done, done)
    recorder.finish("interrupted", 250.0, 2)
    with open_history() as store:
        (session,) = store.recent()
    assert (session.outcome, session.seconds_done, session.stretches_completed) == (
        "interrupted",
        250.0,
        2,
    )
    assert session.started_at == at(UTC, 2024, 5, 3, 7, 0, 0)


def test_a_recorder_can_be_told_progress_at_every_tick_and_writes_only_what_matters() -> None:
    recorder = record_session("busy-day", "Busy Day", 3, started_at=at(UTC, 2024, 5, 3, 7, 0))
    assert recorder.flush()  # written from a thread of its own
    assert recorder.session_id is not None

    def stored() -> tuple[float, int]:
        recorder.flush()
        with open_history() as store:
            session = store.session(recorder.session_id)
        return session.seconds_done, session.stretches_completed

    for tenth in range(1, 200):  # 0.1 s to 19.9 s, still in the first stretch
        recorder.progress(tenth / 10, 0)
    assert stored() == (15.0, 0)  # one write, when 15 seconds had passed
    recorder.progress(20.5, 1)
    assert stored() == (20.5, 1)  # a stretch done: written at once
    recorder.progress(21.0, 1)
    assert stored() == (20.5, 1)
    recorder.finish("finished", 40.0, 3)
    assert stored() == (40.0, 3)


def test_history_errors_are_failures_not_bad_input() -> None:
    assert HistoryError.exit_code == ExitCode.FAILURE


# --- streaks -------------------------------------------------------------------------------


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("days", "today", "current", "longest"),
    [
        ([], "2024-03-01", 0, 0),
        (["2024-01-30", "2024-01-31", "2024-02-01"], "2024-02-01", 3, 3),  # month end
        (["2023-12-30", "2023-12-31", "2024-01-01"], "2024-01-01", 3, 3),  # year end
        (["2023-02-28", "2023-03-01"], "2023-03-01", 2, 2),  # no 29 February in 2023
        (["2024-02-28", "2024-03-01"], "2024-03-01", 1, 1),  # 2024 has one: a day missed
        (["2024-02-28", "2024-02-29", "2024-03-01"], "2024-03-01", 3, 3),
        (["2024-04-29", "2024-04-30"], "2024-05-01", 2, 2),  # yesterday: the streak still stands
        (["2024-04-29", "2024-04-30"], "2024-05-02", 0, 2),  # a whole day missed: it is over
        (["2024-04-01", "2024-04-02", "2024-04-03", "2024-04-10"], "2024-04-10", 1, 3),
        (["2024-04-10", "2024-04-11"], "2024-04-09", 0, 2),  # sessions after "today" are ignored
    ],
)
def test_streak_counts_consecutive_days(
    days: list[str], today: str, current: int, longest: int
) -> None:
    streak = streak_of([d(x) for x in days], d(today))
    assert (streak.current, streak.longest) == (current, longest)


def test_streak_knows_whether_today_is_done() -> None:
    assert streak_of([d("2024-05-01")], d("2024-05-01")).today_done is True
    assert streak_of([d("2024-04-30")], d("2024-05-01")).today_done is False
    assert streak_of([d("2024-04-30")], d("2024-05-01")).last_day == d("2024-04-30")


def _history_with(starts: list[datetime], now: datetime) -> history.History:
    store = open_history(now=FakeClock(now))
    for start in starts:
        session_id = store.start("busy-day", "Busy Day", 3, start)
        store.finish(session_id, "finished", 300.0, 3)
    return store


def test_late_evening_sessions_count_on_the_local_day_not_the_utc_day() -> None:
    # 23:30 in Los Angeles is already the next day in UTC; the streak follows the user's days.
    starts = [
        at(LOS_ANGELES, 2024, 1, 30, 23, 30),
        at(LOS_ANGELES, 2024, 1, 31, 23, 30),
        at(LOS_ANGELES, 2024, 2, 1, 23, 30),
    ]
    with _history_with(starts, now=at(LOS_ANGELES, 2024, 2, 1, 23, 45)) as store:
        assert set(store.days()) == {d("2024-01-30"), d("2024-01-31"), d("2024-02-01")}
        assert store.streak().current == 3
        assert store.streak().today_done is True


def test_early_morning_sessions_east_of_utc_count_on_the_local_day() -> None:
    # 00:30 on 1 January in Tokyo is still 31 December in UTC.
    starts = [at(TOKYO, 2023, 12, 31, 0, 30), at(TOKYO, 2024, 1, 1, 0, 30)]
    with _history_with(starts, now=at(TOKYO, 2024, 1, 1, 12, 0)) as store:
        assert set(store.days()) == {d("2023-12-31"), d("2024-01-01")}
        assert store.streak().current == 2


def test_a_trip_across_time_zones_keeps_each_day_as_it_was_lived() -> None:
    # Evening in Tokyo on the 10th, then morning in Los Angeles on the 11th: 26 hours apart in
    # UTC, but two consecutive days for the person stretching.
    starts = [at(TOKYO, 2024, 1, 10, 23, 0), at(LOS_ANGELES, 2024, 1, 11, 8, 0)]
    assert starts[1] - starts[0] == timedelta(hours=26)
    with _history_with(starts, now=at(LOS_ANGELES, 2024, 1, 11, 9, 0)) as store:
        assert [s.day for s in store.recent()] == [d("2024-01-11"), d("2024-01-10")]
        assert store.streak().current == 2


def test_streak_across_a_daylight_saving_change() -> None:
    # Clocks in Los Angeles went forward on 10 March 2024; the offset stored changes with them.
    starts = [at(LOS_ANGELES, 2024, 3, day, 23, 30) for day in (9, 10, 11)]
    with _history_with(starts, now=at(LOS_ANGELES, 2024, 3, 12, 8, 0)) as store:
        offsets = [s.started_at.utcoffset() for s in store.recent()]
        assert offsets == [timedelta(hours=-7), timedelta(hours=-7), timedelta(hours=-8)]
        streak = store.streak()
        assert (streak.current, streak.today_done) == (3, False)


def test_today_comes_from_the_clock_in_the_current_time_zone() -> None:
    # One session at 20:00 in Los Angeles on 1 May; seen from Tokyo it is already 2 May there,
    # then 3 May: the streak stands on the 2nd and is over on the 3rd.
    starts = [at(LOS_ANGELES, 2024, 5, 1, 20, 0)]
    with _history_with(starts, now=at(TOKYO, 2024, 5, 2, 20, 0)) as store:
        assert store.streak().current == 1
    with open_history(now=FakeClock(at(TOKYO, 2024, 5, 3, 9, 0))) as store:
        assert store.streak().current == 0


def test_several_sessions_on_one_day_count_once() -> None:
    starts = [at(UTC, 2024, 5, 1, hour, 0) for hour in (7, 12, 19)]
    with _history_with(starts, now=at(UTC, 2024, 5, 1, 21, 0)) as store:
        assert store.streak().current == 1
        assert store.days()[d("2024-05-01")] == Day(d("2024-05-01"), 3, 900.0)


# --- queries and the calendar --------------------------------------------------------------


def test_recent_is_newest_first_and_totals_are_per_routine() -> None:
    clock = FakeClock(at(UTC, 2024, 5, 10, 12, 0))
    with open_history(now=clock) as store:
        for day, routine, outcome, seconds in [
            (1, "busy-day", "finished", 300.0),
            (2, "yoga-for-hips", "quit", 120.0),
            (3, "busy-day", "interrupted", 60.0),
            (4, "busy-day", "finished", 310.0),
        ]:
            session_id = store.start(routine, routine.title(), 4, at(UTC, 2024, 5, day, 8, 0))
            store.finish(session_id, outcome, seconds, 2)  # type: ignore[arg-type]
        assert [s.started_at.day for s in store.recent(3)] == [4, 3, 2]
        totals = [t.to_json() for t in store.totals()]
    assert totals == [
        {
            "routine": "busy-day",
            "title": "Busy-Day",
            "sessions": 3,
            "finished": 2,
            "seconds": 670.0,
            "last_day": "2024-05-04",
        },
        {
            "routine": "yoga-for-hips",
            "title": "Yoga-For-Hips",
            "sessions": 1,
            "finished": 0,
            "seconds": 120.0,
            "last_day": "2024-05-02",
        },
    ]


def test_calendar_weeks_run_monday_to_sunday_and_end_with_this_week() -> None:
    weeks = calendar_weeks(d("2024-01-03"), 3)  # a Wednesday
    assert [week[0] for week in weeks] == [d("2023-12-18"), d("2023-12-25"), d("2024-01-01")]
    assert all(len(week) == 7 and week[0].weekday() == 0 for week in weeks)


def test_calendar_lines_mark_days_with_sessions() -> None:
    days = {d("2024-01-01"): 1, d("2023-12-27"): 2, d("2023-12-18"): 1}
    lines = calendar_lines(days, d("2024-01-03"), 3, mark="#", blank=".")
    assert lines == [
        "    Dec Jan",
        "Mon # . #",
        "Tue . . .",
        "Wed . # .",
        "Thu . .",
        "Fri . .",
        "Sat . .",
        "Sun . .",
    ]


def test_calendar_month_names_never_overlap() -> None:
    # The first week starts in late March, the second in April: no room for both names.
    lines = calendar_lines({}, d("2024-04-10"), 3, mark="#", blank=".")
    assert lines[0] == "      Apr"


def test_overview_json_has_every_calendar_day_up_to_today() -> None:
    starts = [at(UTC, 2024, 5, 1, 8, 0), at(UTC, 2024, 5, 2, 8, 0)]
    with _history_with(starts, now=at(UTC, 2024, 5, 2, 9, 0)) as store:
        data = store.overview(weeks=2, limit=5).to_json()
    assert data["today"] == "2024-05-02"
    assert data["sessions"] == 2
    assert data["streak"] == {
        "current": 2,
        "longest": 2,
        "last_day": "2024-05-02",
        "today_done": True,
    }
    assert [s["started_at"] for s in data["recent"]] == [
        "2024-05-02T08:00:00+00:00",
        "2024-05-01T08:00:00+00:00",
    ]
    calendar = data["calendar"]
    assert (calendar[0]["date"], calendar[-1]["date"], len(calendar)) == (
        "2024-04-22",
        "2024-05-02",
        11,
    )
    assert [c["sessions"] for c in calendar if c["sessions"]] == [1, 1]


def _lock_exclusively(path: Path) -> Any:
    """Another program's connection holding the history file under an exclusive lock."""
    import sqlite3

    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    return other


def test_a_locked_history_never_delays_the_run_and_the_run_is_recorded_once_it_frees() -> None:
    import time

    path = history_path()
    with open_history(path):
        pass
    other = _lock_exclusively(path)
    began = time.monotonic()
    recorder = record_session("busy-day", "Busy Day", 3)
    for tenth in range(1, 400):
        recorder.progress(tenth / 10, tenth // 150)
    waited = time.monotonic() - began
    other.rollback()
    other.close()
    recorder.finish("finished", 40.0, 3)

    assert waited < 0.5  # never the 10 s a locked file used to cost
    assert recorder.problem is None
    with open_history() as store:
        (session,) = store.recent()
    assert (session.outcome, session.seconds_done, session.stretches_completed) == (
        "finished", 40.0, 3,
    )


def test_a_history_locked_past_the_end_costs_one_warning_after_the_wait() -> None:
    path = history_path()
    with open_history(path):
        pass
    other = _lock_exclusively(path)
    warnings: list[str] = []
    try:
        recorder = record_session("busy-day", "Busy Day", 3, warn=warnings.append, wait_s=0.3)
        recorder.progress(20.0, 1)
        recorder.finish("quit", 25.0, 1)
    finally:
        other.rollback()
        other.close()
    assert len(warnings) == 1
    assert warnings[0].startswith("This session is not being recorded: ")


def test_a_history_from_before_skipped_existed_is_read_and_takes_skipped_runs() -> None:
    import sqlite3

    path = history_path()
    path.parent.mkdir(parents=True)
    old = sqlite3.connect(path, isolation_level=None)
    old.execute(
        "CREATE TABLE sessions (id INTEGER PRIMARY KEY, routine TEXT NOT NULL, "
        "title TEXT NOT NULL, started_at TEXT NOT NULL, utc_offset INTEGER NOT NULL, "
        "total_stretches INTEGER NOT NULL, stretches_completed INTEGER NOT NULL DEFAULT 0, "
        "seconds_done REAL NOT NULL DEFAULT 0, "
        "outcome TEXT CHECK (outcome IN ('finished', 'quit', 'interrupted')), "
        "updated_at TEXT NOT NULL, ended_at TEXT)"
    )
    old.execute("CREATE INDEX sessions_by_start ON sessions (started_at)")
    old.execute(
        "INSERT INTO sessions VALUES (1, 'busy-day', 'Busy Day', '2024-05-03T07:00:00+00:00', "
        "120, 4, 4, 319.7, 'finished', '2024-05-03T07:05:20+00:00', '2024-05-03T07:05:20+00:00')"
    )
    old.execute("PRAGMA application_id = 1447249969")
    old.execute("PRAGMA user_version = 1")
    old.close()

    with open_history(path) as store:
        (kept,) = store.recent()
        added = store.start("busy-day", "Busy Day", 4, at(UTC, 2024, 5, 4, 7, 0))
        store.finish(added, "skipped", 51.0, 1)
        newest, oldest = store.recent()
    assert (oldest.outcome, oldest.seconds_done, oldest.title) == ("finished", 319.7, "Busy Day")
    assert oldest.started_at.utcoffset().total_seconds() == 120 * 60
    assert (newest.outcome, newest.seconds_done, newest.stretches_completed) == ("skipped", 51.0, 1)
