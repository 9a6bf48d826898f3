"""The routine format: a strict, frozen model and a safe YAML loader with located errors."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from voicecoach.catalog import slug
from voicecoach.errors import Problem, RoutineError

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 20
# A routine at every limit holds about 2,200 YAML values (keys, items, scalars); capping them
# bounds the work a huge or hostile file can cause, whatever it is made of.
MAX_NODES = 10_000
MAX_PROBLEMS = 100  # reported per file; the rest are counted
MAX_STRETCHES = 50
MAX_HOLD_SECONDS = 600.0
MAX_ROUTINE_SECONDS = 2 * 60 * 60
MAX_LINE_CHARS = 100
MAX_TEXT_CHARS = 1000
MAX_SUMMARY_CHARS = 500
DEFAULT_TEMPO = 2.0
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,59}$"


def _whole_number(value: Any) -> Any:
    """10.0 reps is 10 reps: JSON Schema calls it an integer too, so the loader agrees."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Slug = Annotated[str, Field(strict=True, pattern=SLUG_PATTERN)]
Line = Annotated[
    str, Field(strict=True, min_length=1, max_length=MAX_LINE_CHARS, pattern=r"\S")
]
Text = Annotated[
    str, Field(strict=True, min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")
]
Seconds = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def _present(field: str, kind: str) -> dict[str, Any]:
    """JSON Schema for: `field` is given and is not null."""
    return {"required": [field], "properties": {field: {"type": kind}}}


# The loader's "exactly one of hold and reps; tempo only with reps", said in JSON Schema.
_HOLD_OR_REPS = {
    "oneOf": [
        {**_present("hold", "number"), "not": _present("tempo", "number")},
        _present("reps", "integer"),
    ]
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stretch(_Strict):
    """One stretch: what to say about it and how long it lasts. Give `hold` or `reps`, not both."""

    model_config = ConfigDict(json_schema_extra=_HOLD_OR_REPS)

    name: Line = Field(description="What the voice calls the stretch, e.g. Butterfly stretch.")
    targets: list[Line] = Field(
        min_length=1, max_length=10,
        description="The muscles it works (1 to 10), e.g. glutes, adductors, hip flexors.",
    )
    instructions: Text = Field(
        description="How to get into it, in plain spoken English; read aloud once."
    )
    safety: Text | None = Field(
        default=None,
        description="A safety cue spoken after the instructions "
        "(default: ease off straight away on any sharp pain).",
    )
    sides: Literal["each", "none"] = Field(
        default="none",
        description="`each`: left side, then switch sides, then right side with the same "
        "hold; `none`: done once.",
    )
    hold: Annotated[Seconds, Field(ge=5, le=MAX_HOLD_SECONDS)] | None = Field(
        default=None,
        description="Seconds to hold a static stretch (5 to 600). Give `hold` or `reps`.",
    )
    # The validator comes last so that it runs first and the limits still reach the schema.
    reps: Annotated[
        int, Field(strict=True, ge=1, le=100), BeforeValidator(_whole_number)
    ] | None = Field(
        default=None,
        description="Repetitions counted aloud for a dynamic stretch (1 to 100). "
        "Give `hold` or `reps`.",
    )
    tempo: Annotated[Seconds, Field(ge=0.8, le=10)] | None = Field(
        default=None,
        description=f"Seconds per repetition (0.8 to 10, default {DEFAULT_TEMPO:g}); "
        "only with `reps`.",
    )
    cues: list[Line] = Field(
        default_factory=list, max_length=10,
        description="Up to 10 short form cues, spoken during the hold (or before the reps).",
    )
    transition: Annotated[Seconds, Field(ge=0, le=120)] | None = Field(
        default=None,
        description="Seconds to get into position for this stretch (0 to 120; "
        "default: the routine's `transition`).",
    )

    @model_validator(mode="after")
    def _hold_or_reps(self) -> Stretch:
        if (self.hold is None) == (self.reps is None):
            raise ValueError(_EITHER)
        if self.tempo is not None and self.reps is None:
            raise ValueError(_TEMPO)
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

    name: Slug | None = Field(
        default=None,
        description="lower-case-with-dashes, used to run it by name "
        "(default: the file name without .yaml).",
    )
    title: Line = Field(description="What the voice announces at the start.")
    summary: Annotated[str, Field(strict=True, max_length=MAX_SUMMARY_CHARS)] = Field(
        default="", description="One or two sentences shown by `voicecoach show`."
    )
    when: Literal["after-run", "before-run", "anytime"] = Field(
        default="anytime", description="When it is meant to be done."
    )
    style: Literal["dynamic", "static", "yoga", "mixed"] = Field(
        description="dynamic (reps, while warm), static (holds), yoga (poses) or mixed."
    )
    transition: Annotated[Seconds, Field(ge=0, le=120)] = Field(
        default=5.0,
        description="Seconds to get into position before each hold or set (0 to 120).",
    )
    rest: Annotated[Seconds, Field(ge=0, le=300)] = Field(
        default=10.0, description="Seconds of rest between stretches (0 to 300)."
    )
    stretches: list[Stretch] = Field(
        min_length=1, max_length=MAX_STRETCHES,
        description=f"The stretches in order (1 to {MAX_STRETCHES}).",
    )

    @model_validator(mode="after")
    def _not_too_long(self) -> Routine:
        seconds = self.minimum_seconds()
        if seconds > MAX_ROUTINE_SECONDS:
            hours, minutes = divmod(round(seconds / 60), 60)
            raise ValueError(
                f"the holds, reps, transitions and rests alone last {hours} h {minutes:02d} min; "
                f"a routine lasts at most {MAX_ROUTINE_SECONDS // 3600} hours: split it up"
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

_YAML_TAG = "tag:yaml.org,2002:"
_MERGE_TAG = _YAML_TAG + "merge"
_VALUE_TAG = _YAML_TAG + "value"
# Raised by PyYAML's safe constructors on values their regular expressions let through,
# e.g. `2001-13-45` (a date with month 13) or `!!int abc`.
_VALUE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)

try:  # libyaml parses about ten times faster than PyYAML's own parser: a 1 MiB file stays quick
    from yaml._yaml import CParser as _LibyamlEvents
except ImportError:  # PyYAML built without libyaml
    _LibyamlEvents = None
# What libyaml cannot parse is parsed again by PyYAML, whose messages say more (what was
# found instead, and where an unclosed bracket or quote was opened), unless the text is so
# long that PyYAML's slower parser would keep the user waiting.
_LIBYAML_FAILURES = (
    yaml.scanner.ScannerError, yaml.parser.ParserError, yaml.reader.ReaderError,
    UnicodeEncodeError,
)
_REPARSE_CHARS = 256 * 1024


def _tag_name(tag: str | None) -> str:
    tag = tag or "?"
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _located(mark: Any, field: str, message: str) -> Problem:
    if mark is None:
        return Problem(None, None, field, message)
    return Problem(mark.line + 1, mark.column + 1, field, message)


class _Loader(yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """Safe loading that collects problems instead of stopping at the first one it can survive.

    Aliases, merge keys, duplicate keys, unknown tags and values that cannot be built are each
    noted (with their place) and loading goes on; nesting and the number of values are bounded.
    Nodes already reported are remembered so the model's checks do not report them again. Only
    the parse events come from the parser: nodes and values are always built here, by PyYAML's
    safe constructor.
    """

    def __init__(self, events: Any) -> None:
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._events = events
        self._depth = 0
        self._nodes = 0
        self.notes: list[tuple[Any, str]] = []  # (mark, message)
        self.reported: dict[int, Any] = {}  # id -> node; holding the node keeps its id unique
        self._aliases: list[Any] = []

    def check_event(self, *choices: Any) -> bool:
        return self._events.check_event(*choices)

    def peek_event(self) -> Any:
        return self._events.peek_event()

    def get_event(self) -> Any:
        return self._events.get_event()

    def dispose(self) -> None:
        self._events.dispose()

    def problems(self, root: Any) -> list[Problem]:
        """Every problem noted, each with the field it sits in; aliases once, at the first."""
        notes = list(self.notes)
        if self._aliases:
            more = len(self._aliases) - 1
            notes.append((self._aliases[0], "aliases (*name) are not allowed" + (
                f" ({more} more after this one)" if more else ""
            )))
        notes.sort(key=lambda note: note[0].index)
        # Naming a field walks the tree: only for the problems that can be shown (see _sorted).
        return [
            _located(mark, _field_at(root, mark) if i <= MAX_PROBLEMS else "", message)
            for i, (mark, message) in enumerate(notes)
        ]

    def _note(self, node: Any, mark: Any, message: str) -> None:
        self.notes.append((mark, message))
        if node is not None:
            self.reported[id(node)] = node

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise yaml.MarkedYAMLError(
                problem=f"more than {MAX_NODES:,} values (keys, list items, text, numbers); "
                "a routine needs far fewer",
                problem_mark=self.peek_event().start_mark,
            )
        if self.check_event(yaml.AliasEvent):
            # Never expanded, so a "billion laughs" file costs nothing.
            event = self.get_event()
            node = yaml.ScalarNode(_YAML_TAG + "null", "", event.start_mark, event.end_mark)
            self.reported[id(node)] = node
            self._aliases.append(event.start_mark)
            return node
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

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            return self.constructed_objects[node]
        deep_construct = self.deep_construct
        try:
            return super().construct_object(node, deep=deep)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark or node.start_mark
            self._note(node, mark, str(error.problem or error.context))
        except _VALUE_ERRORS:
            self._note(
                node, node.start_mark,
                f"{_tag_name(node.tag)} value {_shorten(str(node.value))!r} cannot be read; "
                "put it in quotes if it is text",
            )
        self.deep_construct = deep_construct
        self.recursive_objects.pop(node, None)
        self.constructed_objects[node] = None
        return None

    def construct_undefined(self, node: Any) -> Any:
        if node.tag == _VALUE_TAG and isinstance(node, yaml.ScalarNode):
            return self.construct_scalar(node)  # a lone `=` is text (PyYAML cannot build it)
        self._note(
            node, node.start_mark,
            f"unsupported YAML tag {_tag_name(node.tag)!r}: tags that build objects are never run",
        )
        return None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            kept = []
            first: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    self._note(
                        value_node, key_node.start_mark,
                        "merge keys (<<) are not allowed; write the fields out",
                    )
                    continue
                kept.append((key_node, value_node))
                key = self.construct_object(key_node, deep=True)
                if id(key_node) in self.reported:
                    continue
                try:
                    earlier = first.setdefault(key, key_node)
                except TypeError:  # an unhashable key: PyYAML reports it below
                    continue
                if earlier is not key_node:
                    self._note(
                        None, key_node.start_mark,
                        f"duplicate key {_shorten(str(key))!r} (first given on line "
                        f"{earlier.start_mark.line + 1}); only the last one would count",
                    )
            node.value = kept
        return super().construct_mapping(node, deep=deep)


_Loader.add_constructor(None, _Loader.construct_undefined)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_mapping)


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


def _field_at(root: Any, mark: Any) -> str:
    """The field a problem found while reading YAML sits in, once the node tree is known."""
    return _field_path(_loc_at(root, mark.index)) if root is not None and mark else ""


def _text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index` in `text`."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _fatal_problem(
    error: yaml.YAMLError | UnicodeEncodeError, root: Any, text: str, libyaml: bool = False
) -> Problem:
    """A problem that stops YAML reading (bad syntax, a forbidden character...), located."""
    if isinstance(error, UnicodeEncodeError):  # a lone surrogate, which libyaml cannot take
        error = yaml.reader.ReaderError("", error.start, ord(text[error.start]), "", "")
    elif isinstance(error, yaml.reader.ReaderError) and libyaml:  # it counts UTF-8 bytes
        prefix = text.encode("utf-8", "surrogatepass")[: error.position]
        error.position = len(prefix.decode("utf-8", "surrogatepass"))
    if isinstance(error, yaml.reader.ReaderError):
        # Found before parsing starts: it carries a character offset, not a line.
        line, column = _text_position(text, error.position)
        return Problem(
            line, column, "", f"unprintable character #x{error.character:02x} is not allowed"
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        problem += " (indent with spaces, not tabs)"
    elif problem == "but found another document":
        problem = "found another document: a routine file holds one; remove the second `---`"
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None and mark is not None and context_mark.line != mark.line:
        # An unclosed quote or bracket is found lines later: say where it was opened.
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    return _located(mark, _field_at(root, mark), problem)


@dataclasses.dataclass(frozen=True)
class YamlDocument:
    """YAML text read safely: its data, its node tree and every problem met on the way."""

    data: Any  # None (and `root` None) when the YAML cannot be read at all
    root: Any
    problems: list[Problem]  # located, naming their field where it is known
    # id -> node of each value a problem was noted about (so it is not reported twice)
    reported: dict[int, Any] = dataclasses.field(default_factory=dict)


def _read_yaml_with(events: Any, text: str) -> YamlDocument:
    loader: _Loader | None = None
    root = None
    try:
        loader = _Loader(events(text))
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        if events is _LibyamlEvents and isinstance(error, _LIBYAML_FAILURES):
            raise
        found = loader.problems(root) if loader is not None else []
        return YamlDocument(None, None, found + [_fatal_problem(error, root, text)])
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(data, root, loader.problems(root), loader.reported)


def read_yaml(text: str) -> YamlDocument:
    """Read YAML text safely: tags never build objects, aliases are never expanded, duplicate
    keys are reported, and nesting and the number of values are bounded."""
    if _LibyamlEvents is not None:
        try:
            return _read_yaml_with(_LibyamlEvents, text)
        except _LIBYAML_FAILURES as error:
            if len(text) > _REPARSE_CHARS:
                return YamlDocument(None, None, [_fatal_problem(error, None, text, libyaml=True)])
    return _read_yaml_with(yaml.SafeLoader, text)


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


class _Nodes:
    """Finds the YAML node a validation error points at, in constant time per step."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self._keys: dict[int, dict[str, tuple[Any, Any]]] = {}

    def _mapping(self, node: Any) -> dict[str, tuple[Any, Any]]:
        """Key text -> (key node, value node); the last one wins, as in the loaded data."""
        if id(node) not in self._keys:
            self._keys[id(node)] = {
                key_node.value: (key_node, value_node)
                for key_node, value_node in node.value
                if isinstance(key_node, yaml.ScalarNode)
            }
        return self._keys[id(node)]

    def child(self, node: Any, part: Any) -> Any | None:
        """The node under `node` at key or index `part`."""
        if isinstance(node, yaml.MappingNode):
            pair = self._mapping(node).get(str(part))
            return pair[1] if pair else None
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            return node.value[part]
        return None

    def key(self, mapping: Any, key: Any) -> Any:
        """The key node of `key` in `mapping` (the mapping itself if not found)."""
        if isinstance(mapping, yaml.MappingNode):
            pair = self._mapping(mapping).get(str(key))
            if pair:
                return pair[0]
        return mapping

    def along(self, loc: tuple[Any, ...]) -> list[Any]:
        """The nodes from the root down to where `loc` points, as far as they go."""
        nodes = [self.root]
        for part in loc:
            child = self.child(nodes[-1], part)
            if child is None:
                break
            nodes.append(child)
        return nodes


_EXPECTED = {
    "string_type": "text",
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields (name:, targets:, instructions:, hold: or reps: ...)",
    "model_attributes_type": "a mapping of fields",
}
_SECONDS_FIELDS = {"hold", "tempo", "transition", "rest"}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {_shorten(value)!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a YAML {type(value).__name__}"


def _unknown_field(loc: tuple[Any, ...]) -> str:
    model = Routine if len(loc) == 1 else Stretch
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    if close:
        return f"unknown field (did you mean `{close[0]}`?)"
    return f"unknown field; the fields are: {', '.join(model.model_fields)}"


def _message(error: dict[str, Any]) -> str:
    kind, loc, ctx, value = error["type"], tuple(error["loc"]), error.get("ctx", {}), error["input"]
    field = next((part for part in reversed(loc) if isinstance(part, str)), "")
    unit = " seconds" if field in _SECONDS_FIELDS and not isinstance(loc[-1], int) else ""
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return _unknown_field(loc)
    if kind == "invalid_key":
        return "field names must be text"
    if kind in _EXPECTED:
        quote = " (put it in quotes)" if kind == "string_type" and _is_plain(value) else ""
        return f"should be {_EXPECTED[kind]}, not {_describe(value)}{quote}"
    if kind in ("less_than_equal", "greater_than_equal"):
        limit = ctx["le" if kind == "less_than_equal" else "ge"]
        bound = "at most" if kind == "less_than_equal" else "at least"
        minutes = f" ({limit / 60:g} minutes)" if unit and limit >= 120 else ""
        return f"must be {bound} {limit:g}{unit}{minutes}, not {value:g}"
    if kind == "string_unicode":
        return "is not valid text (it holds a lone surrogate escape)"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long (this is {len(value)})"
    if kind == "too_long":
        what = "stretches in a routine" if field == "stretches" else f"{field} in a stretch"
        extra = "; split it up" if field == "stretches" else ""
        return f"at most {ctx['max_length']} {what} (found {ctx['actual_length']}){extra}"
    if kind == "too_short" and field == "stretches":
        return "a routine needs at least one stretch"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} item" + ("s" if ctx["min_length"] > 1 else "")
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return "use lower-case letters, digits and dashes (at most 60), e.g. my-routine"
        return "must not be blank"
    if kind == "literal_error":
        return f"should be {ctx['expected']}, not {_describe(value)}"
    return str(error["msg"]).removeprefix("Value error, ")


def _is_plain(value: Any) -> bool:
    """A value YAML read as something else than text, that quotes would keep as text."""
    return value is not None and not isinstance(value, (str, list, dict))


def _validation_problems(
    error: ValidationError, root: Any, reported: dict[int, Any]
) -> list[Problem]:
    problems = []
    tree = _Nodes(root)
    for item in error.errors():
        loc = tuple(item["loc"])
        nodes = tree.along(loc)
        if any(id(node) in reported for node in nodes):
            continue  # already reported as a YAML problem
        node = nodes[-1]
        if item["type"] in ("extra_forbidden", "invalid_key"):
            parents = tree.along(loc[:-1])
            if len(parents) == len(loc):
                node = tree.key(parents[-1], loc[-1])
            loc = loc[:-1] + (str(loc[-1]),)
        elif item["type"] == "too_long" and isinstance(node, yaml.SequenceNode):
            node = node.value[item["ctx"]["max_length"]]  # the first item over the limit
        problems.append(_located(node.start_mark, _field_path(loc), _message(item)))
    return problems


def _sorted(problems: list[Problem]) -> list[Problem]:
    """In file order, the first MAX_PROBLEMS of them, then a count of the rest."""
    ordered = sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    rest = ordered[MAX_PROBLEMS]
    more = len(ordered) - MAX_PROBLEMS
    return ordered[:MAX_PROBLEMS] + [
        Problem(rest.line, rest.column, "", f"{more} more problems from here on are not shown")
    ]


_EITHER = "give either `hold` (seconds) or `reps`, exactly one of them"
_TEMPO = "`tempo` only goes with `reps`"


def _shape_problems(data: dict[str, Any], root: Any, found: list[Problem]) -> list[Problem]:
    """Hold-or-reps problems in stretches that also have field errors: the model checks those
    only once every field is right, and a file should show all its problems at once."""
    stretches = data.get("stretches")
    if not isinstance(stretches, list):
        return []
    nodes = _Nodes(root)
    problems = []
    for i, stretch in enumerate(stretches):
        if not isinstance(stretch, dict):
            continue
        field = f"stretches[{i}]"
        if any(p.field == field and p.message in (_EITHER, _TEMPO) for p in found):
            continue
        hold, reps = stretch.get("hold") is not None, stretch.get("reps") is not None
        node = nodes.along(("stretches", i))[-1]
        if hold == reps:
            problems.append(_located(node.start_mark, field, _EITHER))
        elif stretch.get("tempo") is not None and not reps:
            problems.append(_located(node.start_mark, field, _TEMPO))
    return problems


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
            raise RoutineError(source, _sorted(problems))
        if data is None:
            raise RoutineError.single(
                source, "the file is empty: a routine needs a title, a style and stretches",
                line=1, column=1,
            )
        expected = "a routine is a mapping of fields (title:, style:, stretches: ...)"
        raise RoutineError(
            source, [_located(root.start_mark, "", f"{expected}, not {_describe(data)}")]
        )
    try:
        routine = Routine.model_validate(data)
    except ValidationError as error:
        problems += _validation_problems(error, root, document.reported)
        problems += _shape_problems(data, root, problems)
    else:
        if default_name and routine.name not in (None, default_name):
            # One routine, one name: `list`, `run NAME` and `plan --json` all use the file's.
            value = _Nodes(root).child(root, "name")
            problems.append(_located(
                value.start_mark if value is not None else None, "name",
                f"{routine.name!r} differs from the file's name ({default_name!r}); "
                "rename the file or leave `name:` out",
            ))
    if problems:
        raise RoutineError(source, _sorted(problems))
    if routine.name is None:
        routine = routine.model_copy(update={"name": default_name or "routine"})
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
