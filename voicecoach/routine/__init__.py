"""The routine format: its model, a safe YAML reader, located problems, file reading, and the
stretch library that routines refer to by id.

Names are loaded on first use, so that `voicecoach.routine.names` or the YAML reader can be
imported without the model (and pydantic).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voicecoach.routine.library import Library, LibraryStretch, load_library
    from voicecoach.routine.loader import load_routine, parse_routine, read_routine_text
    from voicecoach.routine.model import (
        DEFAULT_TEMPO,
        MAX_FILE_BYTES,
        MAX_HOLD_SECONDS,
        MAX_LINE_CHARS,
        MAX_ROUTINE_SECONDS,
        MAX_STRETCHES,
        MAX_SUMMARY_CHARS,
        MAX_TEXT_CHARS,
        Routine,
        Stretch,
    )
    from voicecoach.routine.names import SLUG_PATTERN, slug
    from voicecoach.routine.safe_yaml import (
        MAX_DEPTH,
        MAX_NODES,
        MAX_PROBLEMS,
        YamlDocument,
        read_yaml,
    )

_WHERE = {
    "Library": "library",
    "LibraryStretch": "library",
    "load_library": "library",
    "load_routine": "loader",
    "parse_routine": "loader",
    "read_routine_text": "loader",
    "DEFAULT_TEMPO": "model",
    "MAX_FILE_BYTES": "model",
    "MAX_HOLD_SECONDS": "model",
    "MAX_LINE_CHARS": "model",
    "MAX_ROUTINE_SECONDS": "model",
    "MAX_STRETCHES": "model",
    "MAX_SUMMARY_CHARS": "model",
    "MAX_TEXT_CHARS": "model",
    "Routine": "model",
    "Stretch": "model",
    "SLUG_PATTERN": "names",
    "slug": "names",
    "MAX_DEPTH": "safe_yaml",
    "MAX_NODES": "safe_yaml",
    "MAX_PROBLEMS": "safe_yaml",
    "YamlDocument": "safe_yaml",
    "read_yaml": "safe_yaml",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
