"""Times as people read them: `m:ss`."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """`m:ss` as a running clock shows it: the seconds cut, not rounded."""
    minutes, rest = divmod(int(max(0.0, seconds)), 60)
    return f"{minutes}:{rest:02d}"


def duration(seconds: float) -> str:
    """`m:ss` to the nearest second."""
    return clock(round(seconds))


def precise(seconds: float) -> str:
    """`m:ss.s` to the nearest tenth (59.96 s reads 1:00.0, never 0:60.0)."""
    minutes, tenths = divmod(round(seconds * 10), 600)
    return f"{minutes}:{tenths // 10:02d}.{tenths % 10}"
