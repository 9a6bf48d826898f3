"""Recording a run without ever stopping it: the history is written from a thread of its own,
so a slow or locked file never delays a cue, and one warning if it cannot be written at all."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from voicecoach.errors import HistoryBusy, HistoryError
from voicecoach.history.store import PROGRESS_EVERY_S, Clock, History, local_now, open_history
from voicecoach.outcome import Outcome

FINISH_WAIT_S = 15.0  # how long the end of a run waits for a busy history file
RETRY_S = 0.2  # how often a busy history file is tried again

_State = tuple[float, int, "Outcome | None"]  # seconds done, stretches completed, outcome


class Recorder:
    """Records one run. A history that cannot be written costs one warning, never the run.

    `progress` and `finish` never wait for the file: the latest state is handed to a writer
    thread, which writes it as soon as the file lets it (another program may hold it locked).
    `progress` may be called at every tick of a display: it is passed on only when another
    stretch is done or `PROGRESS_EVERY_S` seconds have passed. `finish` waits for the last
    write, up to `wait_s` seconds.
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
        composed: dict[str, Any] | None = None,
        wait_s: float = FINISH_WAIT_S,
    ) -> None:
        self._warn = warn
        self._wait_s = wait_s
        self._entry = (routine, title, total_stretches, started_at or now())
        self._composed = composed
        self._path, self._now = path, now
        self.session_id: int | None = None
        self.problem: HistoryError | None = None
        self._latest: _State = (0.0, 0, None)  # the run as last told
        self._posted = (0.0, 0)  # seconds and stretches last passed on for writing
        self._pending: _State | None = None  # passed on, not written yet
        self._final = False
        self._written = threading.Condition()
        self._thread = threading.Thread(target=self._write_all, name="voicecoach-history")
        self._thread.daemon = True  # a run that ends by os._exit leaves no thread behind
        self._thread.start()

    # --- the run's side: never waits -----------------------------------------------------

    def progress(self, seconds_done: float, stretches_completed: int) -> None:
        """Note how far the run has got (throttled, see the class)."""
        self._latest = (seconds_done, stretches_completed, None)
        seconds, stretches = self._posted
        if stretches_completed == stretches and seconds_done - seconds < PROGRESS_EVERY_S:
            return
        self._posted = (seconds_done, stretches_completed)
        self._post((seconds_done, stretches_completed, None))

    def finish(
        self, outcome: Outcome, seconds_done: float | None = None,
        stretches_completed: int | None = None,
    ) -> None:
        """Record how the run ended (by default, as far as it was last told) and wait for the
        write, at most `wait_s` seconds."""
        seconds, stretches, _ = self._latest
        seconds = seconds if seconds_done is None else seconds_done
        stretches = stretches if stretches_completed is None else stretches_completed
        with self._written:
            self._final = True
            self._pending = (seconds, stretches, outcome)
            self._written.notify_all()
        self._thread.join(self._wait_s)
        if self._thread.is_alive() and self.problem is None:
            self.problem = HistoryBusy(
                "the history file stayed locked by another program; this session is not recorded"
            )
        if self.problem is not None and self._warn is not None:
            self._warn(f"This session is not being recorded: {self.problem}")
            self._warn = None  # one warning

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything passed on so far is written (or cannot be); True if it was."""
        end = time.monotonic() + timeout
        with self._written:
            while (self._pending is not None or self.session_id is None) and self.problem is None:
                if not self._thread.is_alive() or not self._written.wait(end - time.monotonic()):
                    break
            return self._pending is None and self.session_id is not None

    def _post(self, state: _State) -> None:
        with self._written:
            if not self._final:
                self._pending = state
                self._written.notify_all()

    # --- the writer thread -----------------------------------------------------------------

    def _write_all(self) -> None:
        history: History | None = None
        try:
            history = self._retry(lambda: open_history(self._path, self._now))
            if history is None:
                return
            routine, title, total, started_at = self._entry
            session = self._retry(lambda: history.start(
                routine, title, total, started_at, composed=self._composed
            ))
            with self._written:
                self.session_id = session  # type: ignore[assignment]
                self._written.notify_all()
            while self.session_id is not None:
                with self._written:
                    while self._pending is None and not self._final:
                        self._written.wait()
                    state = self._pending
                if state is not None and not self._write(history, state):
                    return
                with self._written:
                    if self._pending == state:
                        self._pending = None
                        self._written.notify_all()
                    if self._final and self._pending is None:
                        return
        except HistoryError as error:
            self.problem = error
        finally:
            if history is not None:
                history.close()
            with self._written:
                self._written.notify_all()

    def _write(self, history: History, state: _State) -> bool:
        """Write `state`; False when the file stayed busy until the run had ended."""
        assert self.session_id is not None
        seconds, stretches, outcome = state
        session = self.session_id
        if outcome is None:
            done = self._retry(lambda: history.progress(session, seconds, stretches) or True)
        else:
            done = self._retry(lambda: history.finish(session, outcome, seconds, stretches) or True)
        return done is not None

    def _retry(self, action: Callable[[], object]) -> object:
        """`action()` tried again while the file is busy; None once the run has ended and the
        wait is over, or when a newer state has replaced the one being written."""
        give_up: float | None = None
        while True:
            try:
                return action()
            except HistoryBusy as error:
                with self._written:
                    if self._final and give_up is None:
                        give_up = time.monotonic() + self._wait_s
                if give_up is not None and time.monotonic() > give_up:
                    self.problem = error
                    return None
                time.sleep(RETRY_S)


record_session = Recorder  # start recording a run: `progress` as it goes, `finish` once
