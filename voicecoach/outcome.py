"""How a session ended."""

from __future__ import annotations

from typing import Literal

Outcome = Literal["finished", "quit", "interrupted"]
FINISHED: Outcome = "finished"
QUITTED: Outcome = "quit"
INTERRUPTED: Outcome = "interrupted"
