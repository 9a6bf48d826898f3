"""Reading routine files: capped, UTF-8 text from a regular file, validated into a Routine."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from voicecoach.errors import Problem, RoutineError
from voicecoach.files import NotRegularFileError, read_capped
from voicecoach.routine.model import MAX_FILE_BYTES, Routine
from voicecoach.routine.names import slug
from voicecoach.routine.problems import (
    Nodes,
    describe,
    shape_problems,
    sorted_problems,
    validation_problems,
)
from voicecoach.routine.safe_yaml import located, read_yaml


def parse_routine(text: str, source: str, default_name: str | None = None) -> Routine:
    """Validate a routine's YAML text; every problem found is reported in one RoutineError."""
    if len(text) > MAX_FILE_BYTES:
        raise RoutineError.single(source, f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
    document = read_yaml(text)
    data, root = document.data, document.root
    problems = [
        Problem(p.line, p.column, p.field, f"not valid routine YAML: {p.message}")
        for p in document.problems
    ]
    if not isinstance(data, dict):
        if problems:
            raise RoutineError(source, sorted_problems(problems))
        if data is None:
            raise RoutineError.single(
                source, "the file is empty: a routine needs a title, a style and stretches",
                line=1, column=1,
            )
        expected = "a routine is a mapping of fields (title:, style:, stretches: ...)"
        raise RoutineError(
            source, [located(root.start_mark, "", f"{expected}, not {describe(data)}")]
        )
    if _uses_library(data):
        from voicecoach.routine.library import resolve_references

        problems += resolve_references(data, root)
    try:
        routine = Routine.model_validate(data)
    except ValidationError as error:
        problems += validation_problems(error, root, document.reported)
        problems += shape_problems(data, root, problems)
    else:
        if default_name and routine.name not in (None, default_name):
            # One routine, one name: `list`, `run NAME` and `plan --json` all use the file's.
            value = Nodes(root).child(root, "name")
            problems.append(located(
                value.start_mark if value is not None else None, "name",
                f"{routine.name!r} differs from the file's name ({default_name!r}); "
                "rename the file or leave `name:` out",
            ))
    if problems:
        raise RoutineError(source, sorted_problems(problems))
    if routine.name is None:
        routine = routine.model_copy(update={"name": default_name or "routine"})
    return routine


def _uses_library(data: dict[str, object]) -> bool:
    stretches = data.get("stretches")
    return isinstance(stretches, list) and any(
        isinstance(item, dict) and "use" in item for item in stretches
    )


def read_routine_text(path: Path) -> str:
    """A routine file's text, refusing folders, huge files and bytes that are not UTF-8."""
    source = str(path)
    try:
        if path.is_dir():
            raise IsADirectoryError(path)
        raw = read_capped(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise RoutineError.single(source, "no such file") from None
    except IsADirectoryError:
        raise RoutineError.single(source, "is a folder, not a routine file") from None
    except NotRegularFileError:
        raise RoutineError.single(source, "is not a regular file (a pipe or a device?)") from None
    except OSError as error:
        raise RoutineError.single(source, f"cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        line, column = _position(raw, MAX_FILE_BYTES)
        raise RoutineError.single(
            source, f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB "
            "(the limit is reached here)", line=line, column=column,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise RoutineError.single(
            source, f"is not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8",
            line=line, column=column,
        ) from None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and (byte) column of `offset` in `raw`."""
    line = raw.count(b"\n", 0, offset) + 1
    return line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def load_routine(path: Path) -> Routine:
    """Load and validate a routine file; its name defaults to the file's stem."""
    return parse_routine(read_routine_text(path), str(path), default_name=slug(path.stem))
