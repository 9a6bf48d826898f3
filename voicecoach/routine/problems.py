"""Turning the model's validation errors into problems located by line, column and field."""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from pydantic import ValidationError

from voicecoach.errors import Problem
from voicecoach.routine.model import (
    EITHER_HOLD_OR_REPS,
    TEMPO_ONLY_WITH_REPS,
    Routine,
    Stretch,
)
from voicecoach.routine.names import SLUG_PATTERN, SLUG_RULE
from voicecoach.routine.safe_yaml import MAX_PROBLEMS, field_path, located, shorten
from voicecoach.timefmt import plural


class Nodes:
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


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {shorten(value)!r}"
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
        return f"should be {_EXPECTED[kind]}, not {describe(value)}{quote}"
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
        return f"needs at least {plural(ctx['min_length'], 'item')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return f"{SLUG_RULE}, e.g. my-routine"
        if isinstance(value, str) and value.strip():
            return (
                "holds only invisible characters (zero-width spaces and the like): nothing to say"
            )
        return "must not be blank"
    if kind == "literal_error":
        return f"should be {ctx['expected']}, not {describe(value)}"
    return str(error["msg"]).removeprefix("Value error, ")


def _is_plain(value: Any) -> bool:
    """A value YAML read as something else than text, that quotes would keep as text."""
    return value is not None and not isinstance(value, (str, list, dict))


def validation_problems(
    error: ValidationError, root: Any, reported: dict[int, Any]
) -> list[Problem]:
    problems = []
    tree = Nodes(root)
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
        problems.append(located(node.start_mark, field_path(loc), _message(item)))
    return problems


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """In file order, the first MAX_PROBLEMS of them, then a count of the rest."""
    ordered = sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
    if len(ordered) <= MAX_PROBLEMS:
        return ordered
    rest = ordered[MAX_PROBLEMS]
    more = len(ordered) - MAX_PROBLEMS
    return ordered[:MAX_PROBLEMS] + [
        Problem(rest.line, rest.column, "", f"{more} more problems from here on are not shown")
    ]



def shape_problems(data: dict[str, Any], root: Any, found: list[Problem]) -> list[Problem]:
    """Hold-or-reps problems in stretches that also have field errors: the model checks those
    only once every field is right, and a file should show all its problems at once."""
    stretches = data.get("stretches")
    if not isinstance(stretches, list):
        return []
    nodes = Nodes(root)
    problems = []
    for i, stretch in enumerate(stretches):
        if not isinstance(stretch, dict):
            continue
        field = f"stretches[{i}]"
        shape = (EITHER_HOLD_OR_REPS, TEMPO_ONLY_WITH_REPS)
        if any(p.field == field and p.message in shape for p in found):
            continue
        hold, reps = stretch.get("hold") is not None, stretch.get("reps") is not None
        node = nodes.along(("stretches", i))[-1]
        if hold == reps:
            problems.append(located(node.start_mark, field, EITHER_HOLD_OR_REPS))
        elif stretch.get("tempo") is not None and not reps:
            problems.append(located(node.start_mark, field, TEMPO_ONLY_WITH_REPS))
    return problems

