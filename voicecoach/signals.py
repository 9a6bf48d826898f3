"""SIGTERM and SIGHUP turned into an exception, so long work cleans up as it does for Ctrl-C."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

CAUGHT = ("SIGTERM", "SIGHUP")  # SIGHUP does not exist on Windows


class Terminated(KeyboardInterrupt):
    """The process was asked to stop by a signal; every `except KeyboardInterrupt` cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """What a shell expects of a process ended by this signal: 128 + its number."""
        return 128 + self.signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise Terminated (in the main thread only: elsewhere
    Python cannot install handlers, and nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = [getattr(signal, name) for name in CAUGHT if hasattr(signal, name)]
    previous = {signum: signal.signal(signum, _raise) for signum in caught}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
