"""Routine names: lower-case-with-dashes, and how a file name becomes one."""

from __future__ import annotations

import re

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"


def slug(stem: str) -> str:
    """A file stem made into a routine name: lower-case-with-dashes."""
    name = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return name[:60].rstrip("-") or "routine"
