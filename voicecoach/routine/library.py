"""The stretch library: every shipped stretch defined once, by id, and the routines' references
to it (`- use: butterfly`, with any field overridden)."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, ValidationError, model_validator

from voicecoach import paths
from voicecoach.errors import Problem, RoutineError
from voicecoach.files import read_capped
from voicecoach.routine.model import MAX_FILE_BYTES, Position, Slug, Stretch, _Strict
from voicecoach.routine.problems import Nodes, sorted_problems, validation_problems
from voicecoach.routine.safe_yaml import located, read_yaml, shorten

LIBRARY_FILE = Path("library") / "stretches.yaml"  # inside the built-in routines folder

Target = Literal[
    "hips", "glutes", "outer hip", "adductors", "hip flexors", "quads", "hamstrings", "calves",
    "lower back", "core", "trunk",
]
TARGETS: tuple[str, ...] = get_args(Target)
Moment = Literal["before-run", "after-run", "anytime"]
# Fields that describe a library stretch for choosing it, not for speaking it.
LIBRARY_ONLY = ("style", "gentle", "moments")
# What a reference may override: any field of an inline stretch.
OVERRIDES: tuple[str, ...] = tuple(Stretch.model_fields)


class LibraryStretch(Stretch):
    """A stretch as the library defines it: an inline stretch's fields, plus what a routine
    builder needs to choose it (targets from a fixed list, position, style, gentle, moments)."""

    targets: list[Target] = Field(  # type: ignore[assignment]
        min_length=1, max_length=10,
        description=f"The areas it works, from: {', '.join(TARGETS)}.",
    )
    position: Position = Field(  # type: ignore[assignment]
        description="standing, chair, kneeling, seated or lying."
    )
    style: Literal["static", "dynamic"] = Field(
        description="static (held: give `hold`) or dynamic (moving: give `reps`)."
    )
    gentle: Annotated[bool, Field(strict=True)] = Field(
        description="True if it is easy to get into: a good first stretch."
    )
    moments: list[Moment] = Field(
        min_length=1, max_length=3,
        description="When it suits: before-run (dynamic only), after-run, anytime.",
    )

    @model_validator(mode="after")
    def _style_matches(self) -> LibraryStretch:
        if (self.style == "static") != (self.hold is not None):
            raise ValueError("a static stretch gives `hold`, a dynamic one `reps`")
        if "before-run" in self.moments and self.style != "dynamic":
            raise ValueError("only dynamic stretches suit `before-run`")
        return self

    def to_stretch(self, **overrides: Any) -> Stretch:
        """The stretch a routine speaks, with `overrides` (any inline field) applied."""
        return Stretch.model_validate(merged(self, overrides))


class Library(_Strict):
    """Every library stretch by id, in the order the file gives them."""

    stretches: dict[Slug, LibraryStretch] = Field(min_length=1)

    @property
    def ids(self) -> list[str]:
        return list(self.stretches)

    def get(self, stretch_id: str) -> LibraryStretch:
        """The stretch `stretch_id`; KeyError if there is none."""
        return self.stretches[stretch_id]

    def suggest(self, stretch_id: str) -> str | None:
        """The id closest to a mistyped one, if any is close."""
        close = difflib.get_close_matches(stretch_id, self.ids, n=1)
        return close[0] if close else None


def library_path() -> Path:
    """The shipped library file."""
    return paths.builtin_routines_dir() / LIBRARY_FILE


def load_library(path: Path | None = None) -> Library:
    """The stretch library (the shipped one by default), read once per version of the file."""
    path = path or library_path()
    try:
        stat = path.stat()
    except OSError as error:
        raise RoutineError.single(str(path), f"cannot be read: {error.strerror or error}") from None
    return _load(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int, size: int) -> Library:
    source = str(path)
    try:
        text = read_capped(path, MAX_FILE_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RoutineError.single(source, f"cannot be read: {error}") from None
    document = read_yaml(text)
    problems = list(document.problems)
    if not isinstance(document.data, dict):
        problems.append(Problem(1, 1, "", "the library is a mapping: `stretches:` by id"))
        raise RoutineError(source, sorted_problems(problems))
    try:
        library = Library.model_validate(document.data)
    except ValidationError as error:
        problems += validation_problems(error, document.root, document.reported)
    if problems:
        raise RoutineError(source, sorted_problems(problems))
    return library


def merged(stretch: LibraryStretch, overrides: dict[str, Any]) -> dict[str, Any]:
    """A library stretch's spoken fields with `overrides` laid over them, as a plain mapping.

    Giving `reps` to a held stretch (or `hold` to a counted one) swaps one for the other."""
    data = stretch.model_dump(exclude=set(LIBRARY_ONLY), exclude_none=True)
    if "reps" in overrides:
        data.pop("hold", None)
    if "hold" in overrides:
        for key in ("reps", "tempo", "alternating"):
            data.pop(key, None)
    data.update(overrides)
    return data


# Stands in for a reference that names no library stretch, so that nothing else is reported
# about it than the unknown id.
_STAND_IN = {"name": "Unknown", "targets": ["hips"], "instructions": "Unknown.", "hold": 30}


def resolve_references(data: dict[str, Any], root: Any) -> list[Problem]:
    """Replace each `use: ID` stretch in a routine's data by the library stretch it names,
    overrides applied; the problems found (an unknown id, a wrong value for `use`)."""
    stretches = data.get("stretches")
    if not isinstance(stretches, list) or not any(
        isinstance(item, dict) and "use" in item for item in stretches
    ):
        return []
    library = load_library()
    nodes = Nodes(root)
    problems = []
    for i, item in enumerate(stretches):
        if not (isinstance(item, dict) and "use" in item):
            continue
        stretch_id = item["use"]
        overrides = {key: value for key, value in item.items() if key != "use"}
        if isinstance(stretch_id, str) and stretch_id in library.stretches:
            stretches[i] = merged(library.get(stretch_id), overrides)
            continue
        node = nodes.along(("stretches", i, "use"))[-1]
        problems.append(located(node.start_mark, f"stretches[{i}].use", _unknown(
            stretch_id, library
        )))
        stretches[i] = dict(_STAND_IN)
    return problems


def _unknown(stretch_id: Any, library: Library) -> str:
    if not isinstance(stretch_id, str):
        return "should be the id of a library stretch (see `voicecoach stretches`), e.g. butterfly"
    close = library.suggest(stretch_id)
    hint = f" (did you mean `{close}`?)" if close else ""
    return (
        f"no stretch {shorten(stretch_id)!r} in the library{hint}; "
        "`voicecoach stretches` lists them"
    )
