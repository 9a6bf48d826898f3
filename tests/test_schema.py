"""`voicecoach schema`: generated from the loader's own model, and agreeing with the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from voicecoach.cli import app
from voicecoach.errors import RoutineError
from voicecoach.routine import load_routine, parse_routine
from voicecoach.schema import DIALECT, routine_schema

CORPUS = Path(__file__).resolve().parent / "corpus"

# Bad files whose mistake is not about the data a YAML parser hands over, so a JSON Schema
# cannot see it (or sees data the loader never builds). Every other corpus file is checked.
NOT_SCHEMA_MATTERS = {
    # The YAML never parses: there is no data to check.
    "unclosed-bracket.yaml": "bad YAML syntax",
    "tab-indentation.yaml": "bad YAML syntax",
    "bad-indentation.yaml": "bad YAML syntax",
    "two-documents.yaml": "a second YAML document",
    "control-character.yaml": "a character YAML refuses to read",
    "deep-nesting.yaml": "a limit of the reader, not of the format",
    # The bytes are not UTF-8: the file is refused before it is read as YAML.
    "not-utf8.yaml": "file encoding",
    "utf16.yaml": "file encoding",
    # A YAML parser resolves these before any schema sees the data.
    "duplicate-key.yaml": "the parser keeps only one of the values",
    "duplicate-key-in-stretch.yaml": "the parser keeps only one of the values",
    "alias-bomb.yaml": "the parser expands aliases",
    "alias-reuse.yaml": "the parser expands aliases",
    "merge-key.yaml": "the parser merges the keys",
    # Tags build objects, or cannot be built at all: there is no JSON data.
    "python-tag-runs-command.yaml": "a tag that builds an object",
    "python-tag-creates-file.yaml": "a tag that builds an object",
    "custom-tag.yaml": "a tag no loader knows",
    "impossible-date.yaml": "a value the parser cannot build",
    # Values that JSON text cannot hold.
    "hold-not-a-number.yaml": "NaN has no JSON form",
    "lone-surrogate.yaml": "JSON text is Unicode: a lone surrogate cannot be in it",
    # A rule about the routine as a whole, not any one field.
    "routine-over-two-hours.yaml": "the total length is a sum over the stretches",
    # What the text says, not its type: a schema has no way to read placeholders.
    "placeholder-unknown.yaml": "a placeholder inside the text",
    "placeholder-without-sides.yaml": "a placeholder inside the text, against another field",
}

SHIPPED = sorted((CORPUS.parent.parent / "routines").glob("*.yaml"))
GOOD = sorted((CORPUS / "good").iterdir())
BAD = sorted((CORPUS / "bad").iterdir())
SCHEMA_CASES = SHIPPED + GOOD + [p for p in BAD if p.name not in NOT_SCHEMA_MATTERS]


KEYWORDS = {
    "$schema", "$defs", "$ref", "title", "description", "default", "type", "enum", "const",
    "if", "then",
    "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
    "minLength", "maxLength", "pattern", "minimum", "maximum", "anyOf", "oneOf", "not",
}


def _walk(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every subschema, depth first."""
    found = [schema]
    for keyword, value in schema.items():
        if keyword in ("properties", "$defs"):
            for sub in value.values():
                found += _walk(sub)
        elif keyword in ("anyOf", "oneOf"):
            for sub in value:
                found += _walk(sub)
        elif keyword in ("items", "not", "if", "then") or (
            keyword == "additionalProperties" and value is not False
        ):
            found += _walk(value)
    return found


def test_schema_command_prints_the_generated_schema() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == routine_schema()


def test_schema_names_its_dialect_and_title_and_has_no_id() -> None:
    schema = routine_schema()
    assert schema["$schema"] == DIALECT
    assert schema["title"] == "voicecoach routine"
    assert "2 hours" in schema["description"]
    assert all("$id" not in part for part in _walk(schema))


def test_schema_uses_only_json_schema_keywords() -> None:
    # A constraint pydantic cannot translate comes out as e.g. "ge": 1, which validators ignore.
    unknown = {key for part in _walk(routine_schema()) for key in part} - KEYWORDS
    assert unknown == set()


def test_every_field_is_described() -> None:
    schema = routine_schema()
    models = [schema, schema["$defs"]["Stretch"]]
    for model in models:
        assert model["description"]
        for name, field in model["properties"].items():
            assert field.get("description"), name


def test_schema_says_exactly_one_of_hold_and_reps() -> None:
    stretch = routine_schema()["$defs"]["Stretch"]
    assert [branch["required"] for branch in stretch["oneOf"]] == [["hold"], ["reps"]]


def test_every_excluded_file_is_in_the_bad_corpus() -> None:
    assert set(NOT_SCHEMA_MATTERS) <= {p.name for p in BAD}


@pytest.fixture(scope="module")
def validator() -> Any:
    """A validator for the schema; jsonschema is a test-only dependency (the `test` extra)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = routine_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft7Validator
    validator_class.check_schema(schema)
    return validator_class(schema)


def _loader_accepts(path: Path) -> bool:
    try:
        load_routine(path)
    except RoutineError:
        return False
    return True


@pytest.mark.parametrize("path", SCHEMA_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_schema_and_loader_agree_on_the_corpus(validator: Any, path: Path) -> None:
    data = yaml.safe_load(path.read_bytes())
    schema_accepts = validator.is_valid(data)
    assert schema_accepts == _loader_accepts(path)
    assert schema_accepts == (path.parent.name != "bad")


# Routines one change away from a valid one, as JSON data: the schema and the loader must
# give the same verdict on each (NaN and routines over two hours aside: see above).
VALID = {
    "title": "Hips", "style": "static", "rest": 5,
    "stretches": [
        {"name": "Butterfly", "targets": ["adductors"], "hold": 30, "instructions": "Sit."},
        {"name": "Swings", "targets": ["hips"], "reps": 10, "tempo": 2, "instructions": "Swing."},
    ],
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000)
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e4, max_value=1e4)
    | st.sampled_from(["", " ", "each", "none", "static", "x" * 101, "anytime", "my-name", "A b"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
STRETCH_KEYS = ["name", "targets", "instructions", "safety", "sides", "hold", "reps", "tempo",
                "cues", "transition", "position", "equipment", "easier", "alternating", "extra"]
ROUTINE_KEYS = ["name", "title", "summary", "why", "when", "style", "transition", "rest",
                "stretches", "extra"]


@st.composite
def near_valid(draw: st.DrawFn) -> dict[str, Any]:
    data = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            target, keys = data, ROUTINE_KEYS
        else:
            target, keys = data["stretches"][draw(st.integers(0, 1))], STRETCH_KEYS
        key = draw(st.sampled_from(keys))
        if draw(st.integers(0, 4)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(json_values)
        if not isinstance(data.get("stretches"), list) or len(data["stretches"]) < 2 or not all(
            isinstance(s, dict) for s in data["stretches"]
        ):
            break
    return data


@pytest.mark.parametrize("extra", [{"reps": 10}, {"reps": 10, "tempo": 2}])
def test_a_hold_with_reps_is_refused_by_the_schema_as_by_the_loader(
    validator: Any, extra: dict[str, Any]
) -> None:
    data = json.loads(json.dumps(VALID))
    data["stretches"][0].update(extra)
    with pytest.raises(RoutineError, match="exactly one of them"):
        parse_routine(yaml.safe_dump(data), "both.yaml")
    assert not validator.is_valid(data)


@settings(max_examples=150, deadline=None)
@given(near_valid())
def test_schema_and_loader_agree_on_generated_routines(
    validator: Any, data: dict[str, Any]
) -> None:
    try:
        parse_routine(yaml.safe_dump(data, allow_unicode=True), "generated.yaml")
        loader_accepts = True
    except RoutineError as error:
        loader_accepts = False
        if all("2 hours" in p.message for p in error.problems):
            return  # the one rule a schema cannot say
    assert validator.is_valid(data) == loader_accepts, data
