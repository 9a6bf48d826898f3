"""Session history: every run recorded in a small SQLite file, with totals and streaks."""

from __future__ import annotations

from voicecoach.history.overview import Overview, calendar_weeks
from voicecoach.history.recorder import Recorder, record_session
from voicecoach.history.records import Day, RoutineTotal, Session, Streak, streak_of
from voicecoach.history.store import (
    OUTCOMES,
    Clock,
    History,
    history_path,
    local_now,
    open_history,
)
from voicecoach.outcome import Outcome

__all__ = [
    "OUTCOMES",
    "Clock",
    "Day",
    "History",
    "Outcome",
    "Overview",
    "Recorder",
    "RoutineTotal",
    "Session",
    "Streak",
    "calendar_weeks",
    "history_path",
    "local_now",
    "open_history",
    "record_session",
    "streak_of",
]
