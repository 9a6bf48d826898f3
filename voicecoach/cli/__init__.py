"""The command line: a thin shell over the routine, plan, session, player and export modules.

`app` here is the whole program with every command; the `voicecoach` entry point
(`voicecoach.cli.root.main`) loads only the module of the command it is asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["app", "echo_json", "main", "ExitCode"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from voicecoach.cli import root

    root.load_commands()
    if name == "ExitCode":
        from voicecoach.errors import ExitCode

        return ExitCode
    return getattr(root, name)
