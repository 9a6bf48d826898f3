"""Routine names: lower-case-with-dashes, and how a file name becomes one."""

from __future__ import annotations

import re

# Words of lower-case letters and digits joined by single dashes: exactly the names `slug`
# leaves as they are, so a routine is found again by the name it was given.
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_SLUG_CHARS = 60
SLUG_RULE = (
    "use words of lower-case letters and digits joined by single dashes "
    f"(at most {MAX_SLUG_CHARS} characters)"
)


def slug(stem: str) -> str:
    """A file stem made into a routine name: lower-case-with-dashes, accents dropped (évening
    gives evening)."""
    import unicodedata

    plain = "".join(
        c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c)
    )
    name = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return name[:MAX_SLUG_CHARS].rstrip("-") or "routine"


def is_slug(name: str) -> bool:
    """Whether `name` is a routine name as it stands (`slug(name) == name`)."""
    return len(name) <= MAX_SLUG_CHARS and re.match(SLUG_PATTERN, name) is not None
