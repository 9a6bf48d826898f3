"""Summaries of every routine for `list` and the menu."""

from __future__ import annotations

from typing import Any

from voicecoach import catalog
from voicecoach.errors import RoutineError


def summaries() -> list[dict[str, Any]]:
    """One dict per routine: name, title, minutes, when, style, targets, builtin, path."""
    from voicecoach.plan import build_plan
    from voicecoach.routine import load_routine

    rows = []
    for entry in catalog.entries():
        row: dict[str, Any] = {"name": entry.name, "builtin": entry.builtin, "path": str(entry.path)}
        try:
            routine = load_routine(entry.path)
        except RoutineError as error:
            row["error"] = str(error).splitlines()[0]
            rows.append(row)
            continue
        seconds = build_plan(routine).estimated_seconds
        row.update(
            title=routine.title,
            minutes=round(seconds / 60, 1),
            seconds=seconds,
            when=routine.when,
            style=routine.style,
            targets=routine.targets,
        )
        rows.append(row)
    return rows
