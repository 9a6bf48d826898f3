"""Text that came from a file, made safe to print: no control characters or escape sequences."""

from __future__ import annotations

import re

# C0 and C1 controls and DEL: a terminal acts on them (escape sequences, bells, clears).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


def printable(text: str) -> str:
    """`text` with terminal escape sequences and control characters removed (tabs and line
    breaks kept)."""
    return _CONTROL.sub("", _ESCAPE.sub("", text))
