"""The `voicecoach` program's entry point: signals handled from the first moment, output that
never breaks on a closed pipe or a terminal that cannot show every character."""

from __future__ import annotations

import os
import signal
import sys

from voicecoach.interrupts import EXIT_SIGNALS, exit_code_for


def _leave_at_once(signum: int, frame: object) -> None:
    # Nothing has been written yet while the program starts, so there is nothing to clean up.
    os._exit(exit_code_for(signum))


def main() -> None:
    """Start the command line; a signal while it loads ends it at once with the usual code."""
    for signum in EXIT_SIGNALS:
        signal.signal(signum, _leave_at_once)
    from voicecoach.cli.root import main as run_app
    from voicecoach.interrupts import plain_output

    plain_output()
    run_app()


if __name__ == "__main__":
    sys.exit(main())
