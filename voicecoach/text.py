"""Text that came from a file, made safe to print: no control characters or escape sequences."""

from __future__ import annotations

import re

# C0 and C1 controls and DEL: a terminal acts on them (escape sequences, bells, clears); and
# the marks that reorder text on screen. Tabs and line breaks are plain text.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters that take no space and make no sound: text of only these says nothing.
INVISIBLE = r"\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\u3164\ufeff"
# A pattern any text that shows or says something matches somewhere.
VISIBLE = rf"[^\s{INVISIBLE}]"
# A tag such as <b>, </b> or <break time="1s"/>: not text to read out.
MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")
_CONTROL = CONTROL
_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


def printable(text: str) -> str:
    """`text` with terminal escape sequences and control characters removed (tabs and line
    breaks kept)."""
    return _CONTROL.sub("", _ESCAPE.sub("", text))


def visible(text: str) -> bool:
    """Whether `text` shows (and says) anything: not blank, not only invisible characters."""
    return re.search(VISIBLE, text) is not None
