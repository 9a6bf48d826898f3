"""Recording a run without ever stopping it: one warning if the history cannot be written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from voicecoach.errors import HistoryError
from voicecoach.history.store import PROGRESS_EVERY_S, Clock, History, local_now, open_history
from voicecoach.outcome import Outcome


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
