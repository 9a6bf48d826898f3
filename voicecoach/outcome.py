"""How a session ended."""

from __future__ import annotations

from typing import Literal

# "skipped": it reached the end, but with parts skipped (the key `n`).
Outcome = Literal["finished", "quit", "interrupted", "skipped"]
FINISHED: Outcome = "finished"
SKIPPED: Outcome = "skipped"
QUITTED: Outcome = "quit"
INTERRUPTED: Outcome = "interrupted"
