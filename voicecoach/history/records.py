"""History records: a session, totals per routine, a day, a streak; how times are stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from voicecoach.text import printable


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
    composed: dict[str, Any] | None = None  # the options that composed the routine, if any

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
            "composed": self.composed,
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


def to_utc_text(moment: datetime) -> str:
    """UTC, ISO 8601 to the second: how times are stored."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def offset_minutes(moment: datetime) -> int:
    """Minutes east of UTC at `moment`."""
    offset = moment.utcoffset()
    return round(offset.total_seconds() / 60) if offset is not None else 0


def from_utc_text(text: str, offset_minutes: object) -> datetime:
    """A stored UTC time, seen at the UTC offset where it took place (UTC when the stored
    offset is not a real one: the file may have been edited by hand)."""
    minutes = offset_minutes if isinstance(offset_minutes, int) else 0
    zone = timezone(timedelta(minutes=minutes)) if abs(minutes) < 24 * 60 else timezone.utc
    return datetime.fromisoformat(text).astimezone(zone)


def stored_seconds(value: object) -> float:
    """A stored number of seconds, 0 when it is not a sensible one."""
    if isinstance(value, (int, float)) and 0 <= value < float("inf"):
        return float(value)
    return 0.0


def aware(moment: datetime) -> datetime:
    """A naive time is taken as local time."""
    return moment if moment.tzinfo is not None else moment.astimezone()


SESSION_COLUMNS = (
    "id, routine, title, started_at, utc_offset, total_stretches, stretches_completed, "
    "seconds_done, outcome, ended_at, composed"
)


def session_from_row(row: tuple[Any, ...]) -> Session:
    """A Session from a row of SESSION_COLUMNS."""
    id_, routine, title, started, offset, total, completed, seconds, outcome, ended, composed = row
    return Session(
        id=id_,
        routine=routine,
        title=printable(str(title)),
        started_at=from_utc_text(started, offset),
        total_stretches=total,
        stretches_completed=completed,
        seconds_done=stored_seconds(seconds),
        outcome=outcome,
        ended_at=from_utc_text(ended, offset) if ended else None,
        composed=_options(composed),
    )


def _options(text: str | None) -> dict[str, Any] | None:
    """Stored compose options; a value that is not a JSON object reads as none."""
    import json

    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
