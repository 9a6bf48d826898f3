"""Finding routines: the shipped ones, the user's own, or a file given by path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach import paths
from voicecoach.errors import RoutineError, VoicecoachError

from voicecoach.routine.names import slug

if TYPE_CHECKING:
    from voicecoach.routine.model import Routine

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Entry:
    """A routine file known by name."""

    name: str
    path: Path
    builtin: bool


def _is_file(path: Path) -> bool:
    """Whether `path` is a file; False too when the system will not say (a name too long)."""
    try:
        return path.is_file()
    except OSError:
        return False


def exists(path: Path) -> bool:
    """Whether anything is at `path`; False too when the system will not say."""
    try:
        return path.exists()
    except OSError:
        return False


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _scan(folder: Path, builtin: bool) -> list[Entry]:
    try:
        if not folder.is_dir():
            return []
        names = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES)
    except OSError as error:
        whose = "the built-in routines folder" if builtin else "your routines folder"
        raise VoicecoachError(
            f"{folder}: cannot read {whose} ({error.strerror or error})"
        ) from None
    files = [p for p in names if not p.name.startswith(".") and _is_file(p)]
    return [Entry(slug(p.stem), p, builtin) for p in files]


def entries() -> list[Entry]:
    """Every routine by name: built-in ones first, then the user's."""
    return _scan(paths.builtin_routines_dir(), True) + _scan(paths.user_routines_dir(), False)


def clashes(found: list[Entry]) -> dict[str, list[Entry]]:
    """Names that more than one routine file claims."""
    by_name: dict[str, list[Entry]] = {}
    for entry in found:
        by_name.setdefault(entry.name, []).append(entry)
    return {name: group for name, group in by_name.items() if len(group) > 1}


def describe_clash(name: str, group: list[Entry]) -> str:
    """Why NAME is ambiguous, and what to do about it."""
    where = " and ".join(
        f"{'built-in' if e.builtin else 'yours'} {e.path}" for e in group
    )
    count = {2: "two", 3: "three"}.get(len(group), str(len(group)))
    rename = "rename yours" if any(e.builtin for e in group) else "rename one"
    return f"{count} routines share this name ({where}); {rename}, or give a path"


def looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.endswith(SUFFIXES) or name.startswith(".")


def resolve(name: str) -> Path:
    """The file behind NAME: a built-in or user routine's name, or a path to a YAML file."""
    if looks_like_path(name) or _is_file(Path(name)):
        return Path(name)
    known = entries()
    found = [e for e in known if e.name == name]
    if not found and _is_folder(Path(name)):
        raise RoutineError.single(name, "is a folder, not a routine file")
    if not found:
        names = ", ".join(sorted({e.name for e in known})) or "none"
        raise RoutineError.single(name, f"no routine of that name (known: {names})")
    if len(found) > 1:
        raise RoutineError.single(name, describe_clash(name, found))
    return found[0].path


def load(name: str) -> Routine:
    """Load the routine NAME refers to (see `resolve`)."""
    from voicecoach.routine.loader import load_routine

    return load_routine(resolve(name))
