"""Finding routines: the shipped ones, the user's own, or a file given by path."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
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
    files = sorted(
        (p for p in names if not p.name.startswith(".") and _is_file(p)),
        key=lambda p: (slug(p.stem), p.name),  # by the name `list` shows, not the file's
    )
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


def _library_ids() -> list[str]:
    """Ids in the stretch library, where there is one: a name may mean one of those."""
    try:
        from voicecoach.routine.library import load_library  # type: ignore[import-not-found]

        return list(load_library().ids)
    except Exception:  # no library, or a broken one: suggest routines only
        return []


def closest(name: str, candidates: list[str], n: int = 3) -> list[str]:
    """The candidates NAME most likely meant: any case, `_` or spaces for dashes, dashes left
    out, a letter or two wrong."""
    wanted = slug(Path(name).name.removesuffix(".yaml").removesuffix(".yml"))
    if wanted in candidates:
        return [wanted]
    squeezed = {c.replace("-", ""): c for c in candidates}
    if wanted.replace("-", "") in squeezed:
        return [squeezed[wanted.replace("-", "")]]
    return get_close_matches(wanted, candidates, n=n, cutoff=0.6)


def _unknown(name: str, known: list[Entry]) -> RoutineError:
    names = sorted({e.name for e in known})
    close = closest(name, names)
    if close:
        return RoutineError.single(
            name, f"no routine of that name; did you mean {' or '.join(close)}?"
        )
    stretches = closest(name, _library_ids(), n=1)
    if stretches:
        return RoutineError.single(
            name, f"no routine of that name; {stretches[0]} is a stretch in the library "
            f"(voicecoach stretches {stretches[0]})"
        )
    return RoutineError.single(
        name, f"no routine of that name (known: {', '.join(names) or 'none'})"
    )


def resolve(name: str) -> Path:
    """The file behind NAME: a built-in or user routine's name, or a path to a YAML file.

    `busy-day.yaml` means the routine busy-day when there is no such file here.
    """
    if _is_file(Path(name)):
        return Path(name)
    bare = name.removesuffix(".yaml").removesuffix(".yml")
    if looks_like_path(name) and not (bare != name and not looks_like_path(bare)):
        return Path(name)
    known = entries()
    found = [e for e in known if e.name == bare]
    if not found and _is_folder(Path(name)):
        raise RoutineError.single(name, "is a folder, not a routine file")
    if not found and bare != name and not closest(name, [e.name for e in known]):
        return Path(name)  # a file name after all: the loader says it is not there
    if not found:
        raise _unknown(name, known)
    if len(found) > 1:
        raise RoutineError.single(name, describe_clash(name, found))
    return found[0].path


def load(name: str) -> Routine:
    """Load the routine NAME refers to (see `resolve`)."""
    from voicecoach.routine.loader import load_routine

    return load_routine(resolve(name))
