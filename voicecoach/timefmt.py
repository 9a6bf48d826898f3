"""Times and counts as people read them: `m:ss`, `h:mm:ss`, `3 stretches`."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """`m:ss` as a running clock shows it: the seconds cut, not rounded."""
    minutes, rest = divmod(int(max(0.0, seconds)), 60)
    return f"{minutes}:{rest:02d}"


def duration(seconds: float) -> str:
    """`m:ss` to the nearest second, `h:mm:ss` from an hour on: how long something lasts."""
    whole = max(0, round(seconds))
    if whole >= 3600:
        return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return clock(whole)


def precise(seconds: float) -> str:
    """`m:ss.s` to the nearest tenth (59.96 s reads 1:00.0, never 0:60.0)."""
    minutes, tenths = divmod(round(seconds * 10), 600)
    return f"{minutes}:{tenths // 10:02d}.{tenths % 10}"


def whole_minutes(seconds: float) -> int:
    """Minutes to the nearest one, at least 1: "about 5 minutes"."""
    return max(1, round(seconds / 60))


def noun_for(count: int, noun: str) -> str:
    """The form of `noun` that goes with `count`: `stretch` for 1, `stretches` for 3."""
    if count == 1:
        return noun
    return f"{noun}es" if noun.endswith(("ch", "sh", "s", "x")) else f"{noun}s"


def plural(count: int, noun: str) -> str:
    """`1 stretch`, `3 stretches`, `2 days`: the count and the noun that goes with it."""
    return f"{count} {noun_for(count, noun)}"
