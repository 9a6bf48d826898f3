"""The history overview: recent sessions, totals, the streak and the calendar's days (data only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from voicecoach.history.records import Day, RoutineTotal, Session, Streak


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
