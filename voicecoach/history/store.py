"""The history store: every run recorded in a small SQLite file, and the queries on it.

Each write is its own short transaction in WAL mode, so a crash or Ctrl-C loses nothing already
recorded and never leaves a damaged file, and two processes can record at the same time. Times
are stored in UTC together with the local UTC offset of the moment, so days and streaks are the
user's own local calendar days, wherever they were.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from voicecoach import paths
from voicecoach.errors import HistoryBusy, HistoryError
from voicecoach.history.migrations import MIGRATIONS, SCHEMA_VERSION
from voicecoach.history.overview import Overview
from voicecoach.history.records import (
    SESSION_COLUMNS,
    Day,
    RoutineTotal,
    Session,
    Streak,
    aware,
    from_utc_text,
    offset_minutes,
    session_from_row,
    stored_seconds,
    streak_of,
    to_utc_text,
)
from voicecoach.outcome import Outcome
from voicecoach.text import printable

if TYPE_CHECKING:
    import sqlite3

FILE_NAME = "history.sqlite3"
APPLICATION_ID = 0x56434831  # "VCH1" in the file header: how we know the file is ours
PROGRESS_EVERY_S = 15.0  # a Recorder writes progress at least this often, and at each stretch
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another process's write to finish
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
Clock = Callable[[], datetime]

def history_path() -> Path:
    """Where the history lives: `history.sqlite3` in the user's data folder."""
    return paths.data_dir() / FILE_NAME


def local_now() -> datetime:
    """The current time with the local UTC offset."""
    return datetime.now().astimezone()


def _check_counts(seconds_done: float, stretches_completed: int) -> None:
    if not seconds_done >= 0:
        raise ValueError(f"seconds_done must be 0 or more, not {seconds_done!r}")
    if stretches_completed < 0:
        raise ValueError(f"stretches_completed must be 0 or more, not {stretches_completed!r}")


# seconds_done where it is a number of seconds, else 0 (a hand-edited file may hold anything).
_SANE_SECONDS = (
    "CASE WHEN typeof(seconds_done) IN ('integer', 'real') AND seconds_done >= 0 "
    "AND seconds_done < 1e300 THEN seconds_done ELSE 0 END"
)


class History:
    """The session history file, open for recording and queries.

    Safe to share between threads; each write is one short transaction.
    """

    def __init__(self, path: Path, now: Clock = local_now) -> None:
        self.path = path
        self._now = now
        self._lock = threading.RLock()
        self._conn = self._open()

    # --- opening -------------------------------------------------------------------------------

    @contextmanager
    def _guard(self, action: str, retry_locked: bool = False) -> Iterator[None]:
        """Turns SQLite's errors into a HistoryError that names the file (a "locked" error is
        let through as it is when the caller will try again)."""
        import sqlite3

        try:
            yield
        except sqlite3.DatabaseError as error:
            message = str(error)
            if retry_locked and isinstance(error, sqlite3.OperationalError) and "locked" in message:
                raise
            if isinstance(error, sqlite3.OperationalError) and "locked" in message:
                raise HistoryBusy(
                    f"{self.path}: cannot {action}: another voicecoach kept it busy; try again"
                ) from None
            if "not a database" in message or "malformed" in message:
                raise HistoryError(
                    f"{self.path}: not a voicecoach history file, or damaged ({message}). "
                    "It was left untouched: move it away to start a new history."
                ) from None
            raise HistoryError(f"{self.path}: cannot {action}: {message}") from None
        except OSError as error:
            raise HistoryError(f"{self.path}: cannot {action}: {error.strerror or error}") from None

    def _open(self) -> sqlite3.Connection:
        import sqlite3
        import time

        # Switching to WAL or creating the tables needs the file to itself for a moment, and
        # SQLite answers "locked" at once rather than waiting when two processes start together.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return self._open_once()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    with self._guard("open the history"):
                        raise
                time.sleep(0.02)

    def _open_once(self) -> sqlite3.Connection:
        import sqlite3

        if self.path.is_dir():
            raise HistoryError(f"{self.path}: is a folder, not a history file")
        with self._guard("open the history"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        try:
            with self._guard("open the history", retry_locked=True):
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                # A read-only look first (one snapshot): a file not ours is never written to.
                conn.execute("BEGIN")
                try:
                    version = self._version(conn)
                finally:
                    conn.execute("ROLLBACK")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                if version < SCHEMA_VERSION:
                    self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _version(self, conn: sqlite3.Connection) -> int:
        """The schema version of a file that is ours (0: a new, empty file); refuses others."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = sorted(
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        )
        if app_id == 0 and version == 0 and not tables:
            return 0
        if app_id != APPLICATION_ID:
            holds = f"it holds other tables: {', '.join(tables)}" if tables else "it is not ours"
            raise HistoryError(
                f"{self.path}: not a voicecoach history file ({holds}). "
                "It was left untouched: move it away to start a new history."
            )
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path}: written by a newer voicecoach (history version {version}, this one "
                f"reads up to {SCHEMA_VERSION}); upgrade voicecoach to use it"
            )
        if version > 0 and "sessions" not in tables:
            raise HistoryError(
                f"{self.path}: damaged voicecoach history (no sessions table). "
                "It was left untouched: move it away to start a new history."
            )
        return version

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._version(conn)  # again, now that no one else can write
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One short write transaction: all of it is recorded, or none of it."""
        conn = self._conn
        with self._lock, self._guard(action):
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def start(
        self, routine: str, title: str, total_stretches: int, started_at: datetime | None = None,
        composed: dict[str, Any] | None = None,
    ) -> int:
        """Record that a run began; returns the session's id for `progress` and `finish`.
        `composed`: the options that composed the routine, if it was composed."""
        if total_stretches < 0:
            raise ValueError(f"total_stretches must be 0 or more, not {total_stretches!r}")
        started = aware(started_at) if started_at is not None else aware(self._now())
        with self._transaction("record the session") as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (routine, title, started_at, utc_offset, total_stretches, "
                "updated_at, composed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    routine,
                    title,
                    to_utc_text(started),
                    offset_minutes(started),
                    total_stretches,
                    to_utc_text(started),
                    json.dumps(composed, sort_keys=True) if composed is not None else None,
                ),
            )
            return int(cursor.lastrowid)

    def progress(self, session_id: int, seconds_done: float, stretches_completed: int) -> None:
        """Record how far a run has got (call it after each stretch)."""
        self._update(session_id, None, seconds_done, stretches_completed)

    def finish(
        self, session_id: int, outcome: Outcome, seconds_done: float, stretches_completed: int
    ) -> None:
        """Record how a run ended. The first recorded end stands; later calls change nothing."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        self._update(session_id, outcome, seconds_done, stretches_completed)

    def _update(
        self, session_id: int, outcome: str | None, seconds_done: float, stretches_completed: int
    ) -> None:
        _check_counts(seconds_done, stretches_completed)
        now = to_utc_text(aware(self._now()))
        with self._transaction("record the session") as conn:
            cursor = conn.execute(
                "UPDATE sessions SET seconds_done = ?, stretches_completed = ?, outcome = ?, "
                "updated_at = ?, ended_at = ? WHERE id = ? AND outcome IS NULL",
                (
                    float(seconds_done),
                    stretches_completed,
                    outcome,
                    now,
                    now if outcome else None,
                    session_id,
                ),
            )
            if cursor.rowcount == 0:
                found = conn.execute(
                    "SELECT 1 FROM sessions WHERE id = ?", (session_id,)
                ).fetchone()
                if found is None:
                    raise ValueError(f"no session {session_id} in {self.path}")

    # --- reading -------------------------------------------------------------------------------

    def _query(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock, self._guard("read the history"):
            return self._conn.execute(sql, parameters).fetchall()

    def today(self) -> date:
        """Today's local date, by the history's clock."""
        return aware(self._now()).date()

    def count(self) -> int:
        """How many sessions are recorded."""
        return int(self._query("SELECT count(*) FROM sessions")[0][0])

    def session(self, session_id: int) -> Session:
        rows = self._query(f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise ValueError(f"no session {session_id} in {self.path}")
        return session_from_row(rows[0])

    def recent(self, limit: int = 10) -> list[Session]:
        """The latest sessions, newest first."""
        rows = self._query(
            f"SELECT {SESSION_COLUMNS} FROM sessions ORDER BY started_at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [session_from_row(row) for row in rows]

    def totals(self) -> list[RoutineTotal]:
        """Sessions, finished runs and time spent per routine, most used first."""
        rows = self._query(
            "SELECT routine, count(*), sum(outcome = 'finished'), "
            f"sum({_SANE_SECONDS}), max(started_at) FROM sessions GROUP BY routine"
        )
        latest = {
            routine: (title, started, offset)
            for routine, title, started, offset in self._query(
                "SELECT routine, title, started_at, utc_offset FROM sessions AS s WHERE id = "
                "(SELECT id FROM sessions WHERE routine = s.routine "
                "ORDER BY started_at DESC, id DESC LIMIT 1)"
            )
        }
        totals = []
        for routine, sessions, finished, seconds, _ in rows:
            title, started, offset = latest[routine]
            totals.append(
                RoutineTotal(
                    routine,
                    printable(str(title)),
                    int(sessions),
                    int(finished or 0),
                    float(seconds or 0),
                    from_utc_text(started, offset).date(),
                )
            )
        return sorted(totals, key=lambda t: (-t.sessions, t.routine))

    def days(self) -> dict[date, Day]:
        """Sessions and seconds per local calendar day."""
        days: dict[date, Day] = {}
        for started, offset, seconds in self._query(
            "SELECT started_at, utc_offset, seconds_done FROM sessions"
        ):
            day = from_utc_text(started, offset).date()
            before = days.get(day, Day(day, 0, 0.0))
            days[day] = Day(day, before.sessions + 1, before.seconds + stored_seconds(seconds))
        return days

    def streak(self, today: date | None = None) -> Streak:
        """The current and longest streak of days with at least one session."""
        return streak_of(self.days(), today if today is not None else self.today())

    def overview(self, weeks: int = 12, limit: int = 10, today: date | None = None) -> Overview:
        """Everything `voicecoach history` shows, in one read."""
        today = today if today is not None else self.today()
        days = self.days()
        return Overview(
            today=today,
            weeks=weeks,
            sessions=self.count(),
            recent=self.recent(limit),
            totals=self.totals(),
            streak=streak_of(days, today),
            days=days,
        )


def open_history(path: Path | None = None, now: Clock = local_now) -> History:
    """Open (creating if needed) the history file; `now` is the clock for timestamps and today."""
    return History(path if path is not None else history_path(), now)
