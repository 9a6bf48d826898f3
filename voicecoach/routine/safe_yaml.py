"""A safe YAML reader: no tags that build objects, no aliases, bounded, every problem located."""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from voicecoach.errors import Problem

MAX_DEPTH = 20
# A routine at every limit holds about 2,200 YAML values (keys, items, scalars); capping them
# bounds the work a huge or hostile file can cause, whatever it is made of.
MAX_NODES = 10_000
MAX_PROBLEMS = 100  # reported per file; the rest are counted

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


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def located(mark: Any, field: str, message: str) -> Problem:
    """A problem at a YAML mark (0-based) given 1-based, as people count lines."""
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
        # Naming a field walks the tree: only for problems that can be shown (see sorted_problems).
        return [
            located(mark, _field_at(root, mark) if i <= MAX_PROBLEMS else "", message)
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
                f"{_tag_name(node.tag)} value {shorten(str(node.value))!r} cannot be read; "
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
                        f"duplicate key {shorten(str(key))!r} (first given on line "
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
    return field_path(_loc_at(root, mark.index)) if root is not None and mark else ""


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
    return located(mark, _field_at(root, mark), problem)


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


def field_path(loc: tuple[Any, ...]) -> str:
    """A location as a field path: `stretches[2].hold`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path
