"""Single keys from the terminal while a routine runs: space pauses, n next, b back, q quit.

Only when stdin is a terminal; the terminal is put in cbreak mode (keys arrive at once, no echo,
Ctrl-C still interrupts) and always put back as it was. After Ctrl-Z and `fg` (SIGCONT), cbreak
mode is set again, since the shell puts the terminal back to lines while the program is stopped.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from voicecoach.player import BACK, NEXT, PAUSE, QUIT

try:
    import termios
except ImportError:  # Windows: no key handling; the run stays hands-free
    termios = None  # type: ignore[assignment]

KEYS = {" ": PAUSE, "n": NEXT, "b": BACK, "q": QUIT, "N": NEXT, "B": BACK, "Q": QUIT}
HELP = "space pause · n next · b back · q quit"


class KeyControls:
    """Commands from key presses on terminal `fd`; use as a context manager."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._saved: list[Any] | None = None
        self._pending: deque[str] = deque()
        self._continued = False
        self._old_handler: Any = None
        self.on_resume: Callable[[], None] | None = None  # after Ctrl-Z and fg, e.g. a redraw

    def __enter__(self) -> KeyControls:
        self._saved = termios.tcgetattr(self.fd)
        self._cbreak()
        if hasattr(signal, "SIGCONT"):
            try:
                self._old_handler = signal.signal(signal.SIGCONT, self._on_continue)
            except ValueError:  # not the main thread: no handler, keys still work
                self._old_handler = None
        return self

    def _cbreak(self) -> None:
        attrs = termios.tcgetattr(self.fd)
        attrs[3] &= ~(termios.ICANON | termios.ECHO)  # keep ISIG: Ctrl-C must still interrupt
        attrs[6][termios.VMIN] = 1
        attrs[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, attrs)

    def _on_continue(self, signum: int, frame: object) -> None:
        self._continued = True  # acted on at the next poll, outside the signal handler

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def restore(self) -> None:
        """Put the terminal back as it was; a Ctrl-C cannot cut this short."""
        if self._saved is None:
            return
        if self._old_handler is not None:
            signal.signal(signal.SIGCONT, self._old_handler)
            self._old_handler = None
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def poll(self) -> str | None:
        if self._continued and self._saved is not None:
            self._continued = False
            try:
                self._cbreak()
            except termios.error:  # resumed in the background: tried again at the next poll
                self._continued = True
            else:
                if self.on_resume is not None:
                    self.on_resume()
        while select.select([self.fd], [], [], 0)[0]:
            data = os.read(self.fd, 64)
            if not data:
                break
            chunk = data.decode("utf-8", errors="ignore")
            if "\x1b" in chunk:
                chunk = chunk[: chunk.index("\x1b")]  # arrow keys and the like: not commands
            self._pending.extend(KEYS[ch] for ch in chunk if ch in KEYS)
        return self._pending.popleft() if self._pending else None


@contextmanager
def terminal_keys(stream: IO[str] | None = None) -> Iterator[KeyControls | None]:
    """Key controls when `stream` (stdin by default) is a terminal, else None: no key handling."""
    stream = sys.stdin if stream is None else stream
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = -1
    if termios is None or fd < 0 or not os.isatty(fd):
        yield None
        return
    with KeyControls(fd) as controls:
        yield controls
