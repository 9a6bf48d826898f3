"""Summaries of every routine for `list` and the menu, cached so that listing starts fast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voicecoach import __version__, catalog, paths
from voicecoach.errors import RoutineError
from voicecoach.files import atomic_write, read_capped

MAX_CACHE_BYTES = 16 * 1024 * 1024  # the summaries of thousands of routines

# The code behind a summary: a change to any of it makes the cached summaries stale.
_SOURCES = (
    "routine/model.py", "routine/names.py", "routine/safe_yaml.py", "routine/problems.py",
    "routine/loader.py", "routine/library.py", "plan/timeline.py", "plan/build.py",
    "routine/sides.py", "content.py", "listing.py",
)


def _code_stamp() -> str:
    here = Path(__file__).parent
    stamps = [str((here / name).stat().st_mtime_ns) for name in _SOURCES]
    # Routines that use the stretch library change when it does.
    library = paths.builtin_routines_dir() / "library" / "stretches.yaml"
    stamps.append(_file_stamp(library) if library.is_file() else "-")
    return "/".join([__version__, *stamps])


def _file_stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}/{stat.st_mtime_ns}"


def summarize(entry: catalog.Entry) -> dict[str, Any]:
    """Load one routine and describe it; a broken file is described by its first problem."""
    from voicecoach.plan import build_plan
    from voicecoach.routine import load_routine

    row: dict[str, Any] = {"name": entry.name, "builtin": entry.builtin, "path": str(entry.path)}
    try:
        routine = load_routine(entry.path)
    except RoutineError as error:
        row["error"] = str(error).splitlines()[0]
        return row
    seconds = build_plan(routine).estimated_seconds
    row.update(
        title=routine.title,
        minutes=round(seconds / 60, 1),
        seconds=seconds,
        when=routine.when,
        style=routine.style,
        targets=routine.targets,
    )
    return row


def summaries(cache_file: Path | None = None) -> list[dict[str, Any]]:
    """One dict per routine: name, title, minutes, when, style, targets, builtin, path, clash.

    `clash` is true when another routine has the same name (see `clash_warnings`).
    """
    cache_file = cache_file or paths.cache_dir() / "listing.json"
    try:
        cache = json.loads(read_capped(cache_file, MAX_CACHE_BYTES).decode("utf-8"))
        if cache.get("code") != _code_stamp():
            cache = {}
    except (OSError, ValueError, AttributeError):
        cache = {}
    known: dict[str, Any] = cache.get("files", {})
    rows, fresh = [], {}
    found = catalog.entries()
    clashing = catalog.clashes(found)
    for entry in found:
        key, stamp = str(entry.path), _file_stamp(entry.path)
        cached = known.get(key)
        row = cached["row"] if cached and cached.get("stamp") == stamp else summarize(entry)
        row = {**row, "name": entry.name, "builtin": entry.builtin}
        fresh[key] = {"stamp": stamp, "row": row}
        rows.append({**row, "clash": entry.name in clashing})  # depends on the other files
    if fresh != known:
        _write_atomically(cache_file, {"code": _code_stamp(), "files": fresh})
    return rows


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    try:
        atomic_write(path, json.dumps(data), sync=False)
    except OSError:
        pass  # a cache that cannot be written only costs speed


def clash_warnings() -> list[str]:
    """One line per name that several routine files claim (running it by name would fail)."""
    return [
        f"Warning: {name}: {catalog.describe_clash(name, group)}"
        for name, group in catalog.clashes(catalog.entries()).items()
    ]
