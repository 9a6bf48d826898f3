"""Summaries of every routine for `list` and the menu."""

from __future__ import annotations

from typing import Any

from voicecoach import catalog
from voicecoach.errors import RoutineError


def summaries() -> list[dict[str, Any]]:
    """One dict per routine: name, title, minutes, when, style, targets, builtin, path, clash.

    `clash` is true when another routine has the same name (see `clash_warnings`).
    """
    from voicecoach.plan import build_plan
    from voicecoach.routine import load_routine

    found = catalog.entries()
    clashing = catalog.clashes(found)
    rows = []
    for entry in found:
        row: dict[str, Any] = {
            "name": entry.name, "builtin": entry.builtin, "path": str(entry.path),
            "clash": entry.name in clashing,
        }
        try:
            routine = load_routine(entry.path)
        except RoutineError as error:
            row["error"] = str(error).splitlines()[0]
            rows.append(row)
            continue
        seconds = build_plan(routine).estimated_seconds
        row.update(
            title=routine.title,
            minutes=max(1, round(seconds / 60)),
            seconds=seconds,
            when=routine.when,
            style=routine.style,
            targets=routine.targets,
        )
        rows.append(row)
    return rows


def clash_warnings() -> list[str]:
    """One line per name that several routine files claim (running it by name would fail)."""
    return [
        f"Warning: {catalog.describe_clash(name, group)}"
        for name, group in catalog.clashes(catalog.entries()).items()
    ]
