"""Session history: every run recorded in a small SQLite file, with streaks and a calendar.

Each write is its own short transaction in WAL mode, so a crash or Ctrl-C loses nothing already
recorded and never leaves a damaged file, and two processes can record at the same time. Times
are stored in UTC together with the local UTC offset of the moment, so days and streaks are the
user's own local calendar days, wherever they were.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from voicecoach import paths
from voicecoach.errors import HistoryError

if TYPE_CHECKING:
    import sqlite3

FILE_NAME = "history.sqlite3"
APPLICATION_ID = 0x56434831  # "VCH1" in the file header: how we know the file is ours
SCHEMA_VERSION = 1
PROGRESS_EVERY_S = 15.0  # a Recorder writes progress at least this often, and at each stretch
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another process's write to finish
OUTCOMES = ("finished", "quit", "interrupted")
Outcome = Literal["finished", "quit", "interrupted"]
Clock = Callable[[], datetime]

# One tuple of statements per schema version; version N is reached by running entry N-1.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine TEXT NOT NULL,
            title TEXT NOT NULL,
            started_at TEXT NOT NULL,
            utc_offset INTEGER NOT NULL,
            total_stretches INTEGER NOT NULL,
            stretches_completed INTEGER NOT NULL DEFAULT 0,
            seconds_done REAL NOT NULL DEFAULT 0,
            outcome TEXT CHECK (outcome IN ('finished', 'quit', 'interrupted')),
            updated_at TEXT NOT NULL,
            ended_at TEXT
        )
        """,
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
    ),
)
# started_at, updated_at, ended_at: UTC, ISO 8601 to the second. utc_offset: minutes east of UTC
# where the session started. outcome NULL: no end recorded (still running, or the process died).


def history_path() -> Path:
    """Where the history lives: `history.sqlite3` in the user's data folder."""
    return paths.data_dir() / FILE_NAME


def local_now() -> datetime:
    """The current time with the local UTC offset."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Session:
    """One recorded run of a routine."""

    id: int
    routine: str
    title: str
    started_at: datetime  # in the UTC offset where it took place
    total_stretches: int
    stretches_completed: int
    seconds_done: float
    outcome: str | None  # None: no end recorded
    ended_at: datetime | None

    @property
    def day(self) -> date:
        """The local calendar day the session started on."""
        return self.started_at.date()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "routine": self.routine,
            "title": self.title,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "outcome": self.outcome,
            "seconds_done": self.seconds_done,
            "stretches_completed": self.stretches_completed,
            "total_stretches": self.total_stretches,
        }


@dataclass(frozen=True)
class RoutineTotal:
    """Everything done with one routine."""

    routine: str
    title: str
    sessions: int
    finished: int
    seconds: float
    last_day: date

    def to_json(self) -> dict[str, Any]:
        return {
            "routine": self.routine,
            "title": self.title,
            "sessions": self.sessions,
            "finished": self.finished,
            "seconds": self.seconds,
            "last_day": self.last_day.isoformat(),
        }


@dataclass(frozen=True)
class Day:
    """The sessions of one local calendar day."""

    day: date
    sessions: int
    seconds: float


@dataclass(frozen=True)
class Streak:
    """Consecutive local days with at least one session."""

    current: int  # ends today, or yesterday (today is not over yet)
    longest: int
    last_day: date | None
    today_done: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "longest": self.longest,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "today_done": self.today_done,
        }


def streak_of(days: Iterable[date], today: date) -> Streak:
    """The streak for sessions on `days`, seen on `today` (a streak stands until today is over)."""
    done = set(days)
    longest = 0
    for day in done:
        if day - timedelta(days=1) not in done:
            length = 1
            while day + timedelta(days=length) in done:
                length += 1
            longest = max(longest, length)
    end = today if today in done else today - timedelta(days=1)
    current = 0
    while end - timedelta(days=current) in done:
        current += 1
    past = [d for d in done if d <= today]
    return Streak(current, longest, max(past) if past else None, today in done)


def _to_utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset()
    return round(offset.total_seconds() / 60) if offset is not None else 0


def _from_utc_text(text: str, offset_minutes: int) -> datetime:
    zone = timezone(timedelta(minutes=offset_minutes))
    return datetime.fromisoformat(text).astimezone(zone)


def _aware(moment: datetime) -> datetime:
    """A naive time is taken as local time."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def _check_counts(seconds_done: float, stretches_completed: int) -> None:
    if not seconds_done >= 0:
        raise ValueError(f"seconds_done must be 0 or more, not {seconds_done!r}")
    if stretches_completed < 0:
        raise ValueError(f"stretches_completed must be 0 or more, not {stretches_completed!r}")


_SESSION_COLUMNS = (
    "id, routine, title, started_at, utc_offset, total_stretches, stretches_completed, "
    "seconds_done, outcome, ended_at"
)


def _session(row: tuple[Any, ...]) -> Session:
    id_, routine, title, started, offset, total, completed, seconds, outcome, ended = row
    return Session(
        id=id_,
        routine=routine,
        title=title,
        started_at=_from_utc_text(started, offset),
        total_stretches=total,
        stretches_completed=completed,
        seconds_done=seconds,
        outcome=outcome,
        ended_at=_from_utc_text(ended, offset) if ended else None,
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
                raise HistoryError(
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
            for statements in _MIGRATIONS[version:]:
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
        self, routine: str, title: str, total_stretches: int, started_at: datetime | None = None
    ) -> int:
        """Record that a run began; returns the session's id for `progress` and `finish`."""
        if total_stretches < 0:
            raise ValueError(f"total_stretches must be 0 or more, not {total_stretches!r}")
        started = _aware(started_at) if started_at is not None else _aware(self._now())
        with self._transaction("record the session") as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (routine, title, started_at, utc_offset, total_stretches, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    routine,
                    title,
                    _to_utc_text(started),
                    _offset_minutes(started),
                    total_stretches,
                    _to_utc_text(started),
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
        now = _to_utc_text(_aware(self._now()))
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
        return _aware(self._now()).date()

    def count(self) -> int:
        """How many sessions are recorded."""
        return int(self._query("SELECT count(*) FROM sessions")[0][0])

    def session(self, session_id: int) -> Session:
        rows = self._query(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise ValueError(f"no session {session_id} in {self.path}")
        return _session(rows[0])

    def recent(self, limit: int = 10) -> list[Session]:
        """The latest sessions, newest first."""
        rows = self._query(
            f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY started_at DESC, id DESC LIMIT ?",
            (limit,),
        )
        return [_session(row) for row in rows]

    def totals(self) -> list[RoutineTotal]:
        """Sessions, finished runs and time spent per routine, most used first."""
        rows = self._query(
            "SELECT routine, count(*), sum(outcome = 'finished'), sum(seconds_done), "
            "max(started_at) FROM sessions GROUP BY routine"
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
                    title,
                    int(sessions),
                    int(finished or 0),
                    float(seconds or 0),
                    _from_utc_text(started, offset).date(),
                )
            )
        return sorted(totals, key=lambda t: (-t.sessions, t.routine))

    def days(self) -> dict[date, Day]:
        """Sessions and seconds per local calendar day."""
        days: dict[date, Day] = {}
        for started, offset, seconds in self._query(
            "SELECT started_at, utc_offset, seconds_done FROM sessions"
        ):
            day = _from_utc_text(started, offset).date()
            before = days.get(day, Day(day, 0, 0.0))
            days[day] = Day(day, before.sessions + 1, before.seconds + float(seconds))
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


# --- the overview and its calendar ----------------------------------------------------------


def calendar_weeks(today: date, weeks: int) -> list[list[date]]:
    """The last `weeks` weeks, Monday to Sunday, oldest first; the last one holds `today`."""
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    return [[first + timedelta(days=7 * w + d) for d in range(7)] for w in range(weeks)]


@dataclass(frozen=True)
class Overview:
    """Recent sessions, totals, the streak and the day-by-day calendar."""

    today: date
    weeks: int
    sessions: int
    recent: list[Session]
    totals: list[RoutineTotal]
    streak: Streak
    days: Mapping[date, Day]

    def calendar(self) -> list[Day]:
        """Every day of the calendar's weeks up to today, with its sessions (0 if none)."""
        return [
            self.days.get(day, Day(day, 0, 0.0))
            for week in calendar_weeks(self.today, self.weeks)
            for day in week
            if day <= self.today
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "sessions": self.sessions,
            "streak": self.streak.to_json(),
            "recent": [s.to_json() for s in self.recent],
            "routines": [t.to_json() for t in self.totals],
            "calendar": [
                {"date": d.day.isoformat(), "sessions": d.sessions, "seconds": d.seconds}
                for d in self.calendar()
            ],
        }


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def calendar_lines(
    days: Mapping[date, object], today: date, weeks: int, *, mark: str = "■", blank: str = "·"
) -> list[str]:
    """A grid of the last weeks: one column per week, one row per weekday, `mark` on days with a
    session, `blank` on days without, nothing after today; month names above the columns."""
    columns = calendar_weeks(today, weeks)
    indent = 4
    header = [" "] * (indent + 2 * weeks + 3)
    labels = [
        (indent + 2 * w, MONTHS[col[0].month - 1])
        for w, col in enumerate(columns)
        if w > 0 and col[0].month != columns[w - 1][0].month
    ]
    if not labels or labels[0][0] >= indent + 4:
        labels.insert(0, (indent, MONTHS[columns[0][0].month - 1]))
    free_from = 0
    for at, label in labels:
        if at >= free_from:
            header[at : at + len(label)] = label
            free_from = at + len(label) + 1
    lines = ["".join(header).rstrip()]
    for d, weekday in enumerate(WEEKDAYS):
        cells = []
        for col in columns:
            day = col[d]
            cells.append(" " if day > today else (mark if day in days else blank))
        lines.append(f"{weekday} " + " ".join(cells).rstrip())
    return lines


# --- recording a run without ever stopping it ------------------------------------------------


class Recorder:
    """Records one run. A history that cannot be written costs one warning, never the run.

    `progress` may be called as often as you like (every tick of a display): it writes only when
    another stretch is done or `PROGRESS_EVERY_S` seconds have passed since the last write.
    """

    def __init__(
        self,
        routine: str,
        title: str,
        total_stretches: int,
        *,
        started_at: datetime | None = None,
        path: Path | None = None,
        now: Clock = local_now,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._warn = warn
        self._history: History | None = None
        self.session_id: int | None = None
        self.problem: HistoryError | None = None
        self._written = (0.0, 0)  # seconds done and stretches completed, as last written
        try:
            self._history = open_history(path, now)
            self.session_id = self._history.start(routine, title, total_stretches, started_at)
        except HistoryError as error:
            self._fail(error)

    def _fail(self, error: HistoryError) -> None:
        self.problem = error
        if self._history is not None:
            self._history.close()
        self._history = None
        if self._warn is not None:
            self._warn(f"This session is not being recorded: {error}")

    def progress(self, seconds_done: float, stretches_completed: int) -> None:
        """Record how far the run has got (throttled, see the class)."""
        if self._history is None or self.session_id is None:
            return
        seconds, stretches = self._written
        if stretches_completed == stretches and seconds_done - seconds < PROGRESS_EVERY_S:
            return
        try:
            self._history.progress(self.session_id, seconds_done, stretches_completed)
        except HistoryError as error:
            self._fail(error)
            return
        self._written = (seconds_done, stretches_completed)

    def finish(self, outcome: Outcome, seconds_done: float, stretches_completed: int) -> None:
        """Record how the run ended and close the history."""
        if self._history is None or self.session_id is None:
            return
        try:
            self._history.finish(self.session_id, outcome, seconds_done, stretches_completed)
        except HistoryError as error:
            self._fail(error)
            return
        self._history.close()
        self._history = None


record_session = Recorder  # start recording a run: `progress` as it goes, `finish` once
