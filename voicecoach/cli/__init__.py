"""The command line: a thin shell over the routine, plan, session, player and export modules."""

from __future__ import annotations

from voicecoach.cli.root import app, echo_json, main
from voicecoach.errors import ExitCode

# Each module registers its commands on `app`.
from voicecoach.cli import authoring as _authoring  # noqa: F401
from voicecoach.cli import compose as _compose  # noqa: F401
from voicecoach.cli import config as _config  # noqa: F401
from voicecoach.cli import export as _export  # noqa: F401
from voicecoach.cli import history as _history  # noqa: F401
from voicecoach.cli import listen as _listen  # noqa: F401
from voicecoach.cli import routines as _routines  # noqa: F401
from voicecoach.cli import run as _run  # noqa: F401
from voicecoach.cli import speech as _speech  # noqa: F401
from voicecoach.cli import stretches as _stretches  # noqa: F401

__all__ = ["app", "echo_json", "main", "ExitCode"]