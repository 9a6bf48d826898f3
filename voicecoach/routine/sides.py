"""Side-aware text: `{side}` and `{other side}` in a two-sided stretch's spoken lines."""

from __future__ import annotations

import re

SIDES = ("left", "right")
PLACEHOLDERS = ("{side}", "{other side}", "{Side}", "{Other side}")
_BRACED = re.compile(r"\{[^{}]*\}|[{}]")


def other(side: str) -> str:
    return "right" if side == "left" else "left"


def fill(text: str, side: str | None) -> str:
    """`text` with each placeholder replaced by the real side ("left"/"right")."""
    if side is None or "{" not in text:
        return text
    values = {
        "{side}": side, "{other side}": other(side),
        "{Side}": side.capitalize(), "{Other side}": other(side).capitalize(),
    }
    return _BRACED.sub(lambda match: values.get(match.group(), match.group()), text)


def problem(text: str, two_sided: bool) -> str | None:
    """Why `text` cannot be spoken as written (an unknown placeholder, or a placeholder in a
    stretch done once), or None."""
    for match in _BRACED.finditer(text):
        found = match.group()
        if found not in PLACEHOLDERS:
            if len(found) == 1:
                return f"a lone {found!r}: braces only mark {{side}} and {{other side}}"
            return (
                f"unknown placeholder {found}; the placeholders are {{side}}, {{other side}}, "
                "{Side} and {Other side}"
            )
        if not two_sided:
            return (
                f"{found} needs `sides: each`: a stretch done once has no side to fill in"
            )
    return None
