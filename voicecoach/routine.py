"""The routine format: a strict, frozen model and a safe YAML loader with located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from voicecoach.errors import Problem, RoutineError

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 20
MAX_STRETCHES = 50
MAX_HOLD_SECONDS = 600.0
MAX_ROUTINE_SECONDS = 2 * 60 * 60
DEFAULT_TEMPO = 2.0

Slug = Annotated[
    str, Field(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,59}$", description="lower-case-with-dashes")
]
Line = Annotated[str, Field(strict=True, min_length=1, max_length=100, pattern=r"\S")]
Text = Annotated[str, Field(strict=True, min_length=1, max_length=1000, pattern=r"\S")]
Seconds = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stretch(_Strict):
    """One stretch: what to say about it and how long it lasts."""

    name: Line = Field(description="What the voice calls the stretch.")
    targets: list[Line] = Field(
        min_length=1, max_length=10, description="Muscles it works, e.g. glutes, hip flexors."
    )
    instructions: Text = Field(description="How to do it, in plain spoken English.")
    safety: Text | None = Field(
        default=None, description="A safety cue spoken after the instructions."
    )
    sides: Literal["each", "none"] = Field(
        default="none", description="`each`: left side, then switch, then right side."
    )
    hold: Annotated[Seconds, Field(ge=5, le=MAX_HOLD_SECONDS)] | None = Field(
        default=None, description="Seconds to hold (static stretches)."
    )
    reps: Annotated[int, Field(strict=True, ge=1, le=100)] | None = Field(
        default=None, description="Repetitions counted aloud (dynamic stretches)."
    )
    tempo: Annotated[Seconds, Field(ge=0.8, le=10)] | None = Field(
        default=None, description=f"Seconds per repetition (default {DEFAULT_TEMPO:g})."
    )
    cues: list[Line] = Field(
        default_factory=list, max_length=10, description="Form cues spoken during the hold."
    )
    transition: Annotated[Seconds, Field(ge=0, le=120)] | None = Field(
        default=None, description="Seconds to get into position (default: the routine's)."
    )

    @model_validator(mode="after")
    def _hold_or_reps(self) -> Stretch:
        if (self.hold is None) == (self.reps is None):
            raise ValueError("give either `hold` (seconds) or `reps`, exactly one of them")
        if self.tempo is not None and self.reps is None:
            raise ValueError("`tempo` only goes with `reps`")
        return self

    @property
    def sides_list(self) -> tuple[str | None, ...]:
        return ("left", "right") if self.sides == "each" else (None,)

    @property
    def beat(self) -> float:
        """Seconds per repetition."""
        return self.tempo if self.tempo is not None else DEFAULT_TEMPO


class Routine(_Strict):
    """A named sequence of stretches with its default transition and rest times."""

    name: Slug | None = Field(default=None, description="Defaults to the file name.")
    title: Line
    summary: Annotated[str, Field(strict=True, max_length=500)] = ""
    when: Literal["after-run", "before-run", "anytime"] = "anytime"
    style: Literal["dynamic", "static", "yoga", "mixed"]
    transition: Annotated[Seconds, Field(ge=0, le=120)] = Field(
        default=5.0, description="Seconds to get into position before each hold or set."
    )
    rest: Annotated[Seconds, Field(ge=0, le=300)] = Field(
        default=10.0, description="Seconds of rest between stretches."
    )
    stretches: list[Stretch] = Field(min_length=1, max_length=MAX_STRETCHES)

    @model_validator(mode="after")
    def _not_too_long(self) -> Routine:
        if self.minimum_seconds() > MAX_ROUTINE_SECONDS:
            raise ValueError(
                f"the routine would last over {MAX_ROUTINE_SECONDS // 3600} hours; split it up"
            )
        return self

    def transition_for(self, stretch: Stretch) -> float:
        return self.transition if stretch.transition is None else stretch.transition

    def minimum_seconds(self) -> float:
        """Timed work, transitions and rests, without the speech around them."""
        total = self.rest * (len(self.stretches) - 1)
        for s in self.stretches:
            work = s.hold if s.hold is not None else s.reps * s.beat
            total += len(s.sides_list) * (self.transition_for(s) + work)
        return total

    @property
    def targets(self) -> list[str]:
        """Every target muscle group, in order of first appearance."""
        return list(dict.fromkeys(t for s in self.stretches for t in s.targets))


# --- YAML -----------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe loading, plus: no aliases, bounded nesting, duplicate keys rejected."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed in routine files",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_DEPTH} levels deep",
                    problem_mark=self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # an unhashable key: let PyYAML report it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark
                    )
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping
)


def _yaml_problem(error: yaml.YAMLError, root: Any, text: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        # Found before parsing starts: it carries a character offset, not a line.
        before = text[: error.position]
        line = before.count("\n") + 1
        column = error.position - (before.rfind("\n") + 1) + 1
        return Problem(
            line, column, "",
            f"not valid routine YAML: unprintable character #x{error.character:02x} is not allowed",
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if "could not determine a constructor" in problem:
        tag = problem.split("tag", 1)[-1].strip()
        problem = f"unsupported YAML tag {tag}: tags that build objects are never run"
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None and mark is not None and context_mark.line != mark.line:
        # An unclosed quote or bracket is found lines later: say where it was opened.
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    # Errors met while building values (a tag, a duplicate key) come after the whole file
    # was read, so the field they sit in can be named.
    field = _field_path(_loc_at(root, mark.index)) if root is not None and mark else ""
    return Problem(line, column, field, f"not valid routine YAML: {problem}")


def _loc_at(node: Any, index: int) -> tuple[Any, ...]:
    """The location (keys and list indexes) of the key or value found at a character index."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # a list or mapping as a key
                if _holds(key_node, index) or _holds(value_node, index):
                    return ()
                continue
            key = key_node.value
            if key_node.start_mark.index <= index < key_node.end_mark.index:
                return (key,)
            if _holds(value_node, index):
                return (key, *_loc_at(value_node, index))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            if _holds(item, index):
                return (i, *_loc_at(item, index))
    return ()


def _holds(node: Any, index: int) -> bool:
    # A block ends where the next key begins, so its end mark is not inside it.
    start, end = node.start_mark.index, node.end_mark.index
    return start <= index < end or index == start


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _node_at(root: Any, loc: tuple[Any, ...]) -> tuple[Any, bool]:
    """The YAML node a validation error's location points at; False if the path ended early."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    node = value_node
                    break
            else:
                return node, False
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node, False
            node = node.value[part]
        else:
            return node, False
    return node, True


def _key_node(mapping: Any, key: str) -> Any:
    for key_node, _ in getattr(mapping, "value", []):
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node
    return mapping


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _validation_problems(error: ValidationError, root: Any) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            parent, _ = _node_at(root, loc[:-1])
            node = _key_node(parent, str(loc[-1]))
        else:
            node, _ = _node_at(root, loc)
        mark = node.start_mark
        problems.append(Problem(mark.line + 1, mark.column + 1, _field_path(loc), _message(item)))
    return problems


def parse_routine(text: str, source: str, default_name: str | None = None) -> Routine:
    """Validate a routine's YAML text; every problem found is reported in one RoutineError."""
    root = None
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise RoutineError(source, [_yaml_problem(error, root, text)]) from None
    except RecursionError:
        raise RoutineError.single(source, f"nested more than {MAX_DEPTH} levels deep") from None
    if data is None:
        raise RoutineError.single(source, "the file is empty: a routine needs a title and stretches", line=1)
    if not isinstance(data, dict):
        mark = root.start_mark
        raise RoutineError.single(
            source, "a routine is a mapping of fields (title:, style:, stretches: ...)",
            line=mark.line + 1, column=mark.column + 1,
        )
    try:
        routine = Routine.model_validate(data)
    except ValidationError as error:
        raise RoutineError(source, _validation_problems(error, root)) from None
    if routine.name is None:
        name = default_name or "routine"
        routine = routine.model_copy(update={"name": name})
    return routine


def read_routine_text(path: Path) -> str:
    """A routine file's text, refusing folders, huge files and bytes that are not UTF-8."""
    source = str(path)
    if path.is_dir():
        raise RoutineError.single(source, "is a folder, not a routine file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise RoutineError.single(source, "no such file") from None
    except OSError as error:
        raise RoutineError.single(source, f"cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise RoutineError.single(source, f"is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise RoutineError.single(
            source, f"is not UTF-8 text (byte 0x{raw[error.start]:02x})", line=line, column=column
        ) from None


def load_routine(path: Path) -> Routine:
    """Load and validate a routine file; its name defaults to the file's stem."""
    return parse_routine(read_routine_text(path), str(path), default_name=_slug(path.stem))


def _slug(stem: str) -> str:
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug[:60] or "routine"
