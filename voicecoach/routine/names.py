"""Routine names: lower-case-with-dashes, and how a file name becomes one."""

from __future__ import annotations

import re

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"


def slug(stem: str) -> str:
    """A file stem made into a routine name: lower-case-with-dashes, accents dropped (évening
    gives evening)."""
    import unicodedata

    plain = "".join(
        c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c)
    )
    name = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return name[:60].rstrip("-") or "routine"
