"""Whatever bytes or YAML a routine file holds, loading it succeeds or raises RoutineError."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from voicecoach.cli import app
from voicecoach.errors import RoutineError
from voicecoach.routine import Routine, load_routine, parse_routine

FIELDS = list(Routine.model_fields) + ["targets", "instructions", "hold", "reps", "tempo", "cues"]

# Pieces of YAML that tend to break loaders: syntax, tags, aliases, odd scalars.
TOKENS = [
    ": ", "- ", "\n", "\n  ", "\n    - ", "  ", "\t", "[", "]", "{", "}", ",", "? ", "|", ">-",
    "'", '"', "#", "---", "...", "%YAML 1.1\n", "&a ", "*a", "<<: ",
    "!!python/object/apply:os.system",
    "!!binary ", "!!timestamp ", "!!int ", "!!float ", "!!bool ", "!!set ", "!!omap ", "!!str ",
    "!custom ", "2001-13-45", "2001-12-14", "=", "~", "null", ".nan", ".inf", "-.inf", "0x_", "0b",
    "1_0", "190:20:30", "yes", "no", "10.0", "1e400", "-5", "601", "\\ud800", "\x00", "\x85",
    "\u2028", "\ufeff", "é", "🧘", *FIELDS,
]

yaml_like_text = st.lists(st.sampled_from(TOKENS) | st.text(max_size=5), max_size=40).map("".join)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)
routine_like = st.fixed_dictionaries(
    {},
    optional={
        "title": json_values, "style": st.sampled_from(["static", "mixed"]) | json_values,
        "stretches": st.lists(
            st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8), max_size=3
        ) | json_values,
        "rest": json_values, "name": json_values,
    },
)
dumped_yaml = (routine_like | json_values).map(
    lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
)

# Kept small so the suite stays fast; each ran clean at 4,000 examples when written.
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(FUZZ, max_examples=40)


def _loads_or_routine_error(text: str) -> None:
    try:
        routine = parse_routine(text, "fuzz.yaml")
    except RoutineError as error:
        assert error.problems, "a RoutineError always says what is wrong"
        for problem in error.problems:
            assert problem.message
            assert "\n" not in problem.message
    else:
        assert isinstance(routine, Routine)


@FUZZ
@given(yaml_like_text)
def test_yaml_like_text_loads_or_raises_routine_error(text: str) -> None:
    _loads_or_routine_error(text)


@FEWER
@given(dumped_yaml)
def test_routine_shaped_yaml_loads_or_raises_routine_error(text: str) -> None:
    _loads_or_routine_error(text)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """A folder for the examples' files, removed once the module's tests are done."""
    with tempfile.TemporaryDirectory(prefix="voicecoach-fuzz-") as path:
        yield Path(path)


@FUZZ
@given(st.binary(max_size=300) | yaml_like_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_bytes_load_or_raise_routine_error(folder: Path, raw: bytes) -> None:
    path = folder / "fuzz.yaml"
    path.write_bytes(raw)
    try:
        load_routine(path)
    except RoutineError as error:
        assert error.problems


@FEWER
@given(
    st.binary(max_size=200)
    | yaml_like_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
    | dumped_yaml.map(str.encode)
)
def test_validate_command_exits_0_or_2_without_a_crash(folder: Path, raw: bytes) -> None:
    path = folder / "cli.yaml"
    path.write_bytes(raw)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
