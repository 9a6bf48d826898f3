"""Ctrl-C, SIGTERM and SIGHUP as one interruption the commands clean up after, and output
that survives a closed pipe or a terminal that is not UTF-8."""

from __future__ import annotations

import codecs
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

EXIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def exit_code_for(signum: int) -> int:
    """The shell's exit code for a program ended by `signum`: 128 + its number."""
    return 128 + int(signum)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP: handled wherever Ctrl-C is, then exits with the signal's code."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: list[int] = []  # the signals that interrupted the command running now


def interrupt_exit_code(error: BaseException | None = None) -> int:
    """130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP (`error`, else the last signal)."""
    if isinstance(error, Interrupted):
        return exit_code_for(error.signum)
    return exit_code_for(_received[-1] if _received else signal.SIGINT)


def _raise_interrupted(signum: int, frame: Any) -> None:
    _received.append(signum)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Interrupted(signum)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """While a command runs: Ctrl-C raises KeyboardInterrupt, SIGTERM and SIGHUP raise
    Interrupted (a KeyboardInterrupt), so every clean-up for Ctrl-C serves them too."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handlers = {signum: signal.getsignal(signum) for signum in EXIT_SIGNALS}
    _received.clear()
    for signum in EXIT_SIGNALS:
        signal.signal(signum, _raise_interrupted)
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def quiet_broken_pipe() -> None:
    """After stdout's reader has gone: send what is left to nowhere, so exiting prints nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


# How the characters we print are shown where the terminal cannot show them.
_PLAIN = {
    "\u2014": "-", "\u2013": "-", "\u2026": "...", "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"', "\u00b7": ".", "\u2022": "*", "\u2192": "->",
    "\u2588": "#", "\u2591": "-", "\u2592": "-", "\u2593": "#", "\u25a0": "#", "\u2713": "ok",
    "\u00d7": "x", "\u2264": "<=", "\u2265": ">=",
}
_ERRORS = "voicecoach-plain"


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(_PLAIN.get(c, "?") for c in text), error.end


def plain_output() -> None:
    """Where stdout or stderr cannot encode a character, print a plain stand-in, not crash."""
    codecs.register_error(_ERRORS, _plain)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            "\u2014\u2026\u2588".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            reconfigure(errors=_ERRORS)
