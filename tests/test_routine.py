"""Routine files: what a good one gives, and every kind of bad one named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecoach.errors import ExitCode, Problem, RoutineError
from voicecoach.routine import (
    MAX_FILE_BYTES,
    Routine,
    load_routine,
    parse_routine,
    read_routine_text,
)

GOOD = """\
title: Hips
style: static
stretches:
  - name: Pigeon
    targets: [glutes]
    instructions: Fold forward over the front leg.
    hold: 30
"""


def problems(text: str) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "bad.yaml")
    return [(p.line, p.column, p.field) for p in caught.value.problems]


def only_problem(text: str) -> Problem:
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "bad.yaml")
    assert len(caught.value.problems) == 1, caught.value.problems
    assert caught.value.source == "bad.yaml"
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    return caught.value.problems[0]


# --- A good file ----------------------------------------------------------------------------


def test_a_good_file_loads_with_defaults():
    routine = parse_routine(GOOD, "good.yaml", default_name="good")
    assert routine.name == "good"
    assert routine.title == "Hips"
    assert (routine.when, routine.style, routine.transition, routine.rest) == (
        "anytime", "static", 5.0, 10.0
    )
    pigeon = routine.stretches[0]
    assert (pigeon.sides, pigeon.hold, pigeon.reps, pigeon.cues, pigeon.safety) == (
        "none", 30.0, None, [], None
    )
    assert pigeon.sides_list == (None,)


def test_the_name_comes_from_the_file_and_a_name_field_must_agree(tmp_path: Path):
    path = tmp_path / "My Evening Stretch.yaml"
    path.write_text(GOOD)
    assert load_routine(path).name == "my-evening-stretch"
    path.write_text("name: my-evening-stretch\n" + GOOD)
    assert load_routine(path).name == "my-evening-stretch"
    path.write_text("name: hips-now\n" + GOOD)
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.field) == (1, 7, "name")
    assert "rename the file" in problem.message


def test_a_routine_is_found_by_the_name_it_reports(tmp_path: Path, voicecoach_home: Path):
    from voicecoach import catalog

    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / "My Evening Stretch.yaml").write_text(GOOD)
    routine = catalog.load("my-evening-stretch")
    assert catalog.load(routine.name) == routine


def test_a_full_file_keeps_every_field():
    routine = parse_routine(
        """\
name: warm-hips
title: Warm hips
summary: After the run.
when: after-run
style: dynamic
transition: 3
rest: 6.5
stretches:
  - name: Leg swings
    targets: [hip flexors, hamstrings]
    instructions: Swing the leg.
    safety: Stop if it hurts.
    sides: each
    reps: 12
    tempo: 1.5
    cues: [Shoulders level., Arms even.]
    transition: 4
  - name: Pigeon
    targets: [glutes, hip flexors]
    instructions: Fold forward.
    hold: 45
""",
        "warm.yaml",
    )
    swings, pigeon = routine.stretches
    assert (routine.when, routine.style, routine.transition, routine.rest) == (
        "after-run", "dynamic", 3.0, 6.5
    )
    assert (swings.sides_list, swings.reps, swings.beat, swings.transition) == (
        ("left", "right"), 12, 1.5, 4.0
    )
    assert swings.cues == ["Shoulders level.", "Arms even."]
    assert routine.transition_for(swings) == 4.0
    assert routine.transition_for(pigeon) == 3.0
    assert routine.targets == ["hip flexors", "hamstrings", "glutes"]
    # 2 sides x (4 s + 12 x 1.5 s) + 6.5 s rest + 3 s + 45 s
    assert routine.minimum_seconds() == 2 * (4 + 18) + 6.5 + 3 + 45


def test_reps_default_to_a_two_second_beat():
    text = GOOD.replace("hold: 30", "reps: 10")
    assert parse_routine(text, "r.yaml").stretches[0].beat == 2.0


def test_a_routine_cannot_be_changed_once_loaded():
    routine = parse_routine(GOOD, "good.yaml")
    with pytest.raises(pydantic.ValidationError):
        routine.title = "Other"  # type: ignore[misc]


def test_a_byte_order_mark_is_accepted(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_routine(path).title == "Hips"


# --- Bad files: the line, the column and the field ------------------------------------------


def test_bad_yaml_syntax_points_at_the_line_where_parsing_failed():
    text = GOOD.replace("targets: [glutes]", "targets: [glutes")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (6, 17, "")
    assert problem.message == (
        "not valid routine YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts on line 5)"
    )


def test_an_unclosed_quote_says_where_it_was_opened():
    problem = only_problem('title: "Hips\nstyle: static\n')
    assert (problem.line, problem.field) == (3, "")
    assert problem.message == (
        "not valid routine YAML: found unexpected end of stream "
        "(while scanning a quoted scalar that starts on line 1)"
    )


def test_bad_indentation_points_at_its_line():
    problem = only_problem("title: Hips\n  style: static\n")
    assert (problem.line, problem.column, problem.field) == (2, 8, "")
    assert "mapping values are not allowed here" in problem.message


def test_a_tab_for_indentation_points_at_the_tab():
    problem = only_problem("title: Hips\n\tstyle: static\n")
    assert (problem.line, problem.column) == (2, 1)
    assert "'\\t'" in problem.message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_an_unprintable_character_is_located(char: str):
    text = GOOD.replace("style: static", f"style: st{char}atic")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (2, 10, "")
    assert problem.message == (
        f"not valid routine YAML: unprintable character #x{ord(char):02x} is not allowed"
    )


def test_a_missing_field_points_at_the_stretch_that_lacks_it():
    text = GOOD.replace("    targets: [glutes]\n", "")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (4, 5, "stretches[0].targets")
    assert problem.message == "required field is missing"


def test_a_missing_top_level_field_points_at_the_start_of_the_routine():
    text = "# my routine\n" + GOOD.replace("title: Hips\n", "")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (2, 1, "title")
    assert problem.message == "required field is missing"


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("hold: 30", "hold: thirty", (7, 11, "stretches[0].hold"),
         "should be a number, not the text 'thirty'"),
        ("hold: 30", "hold: '30'", (7, 11, "stretches[0].hold"),
         "should be a number, not the text '30'"),
        ("hold: 30", "hold: yes", (7, 11, "stretches[0].hold"),
         "should be a number, not true (a yes/no value)"),
        ("hold: 30", "hold: .inf", (7, 11, "stretches[0].hold"), "must be a finite number"),
        ("targets: [glutes]", "targets: glutes", (5, 14, "stretches[0].targets"),
         "should be a list, not the text 'glutes'"),
        ("targets: [glutes]", "targets: [glutes, 5]", (5, 23, "stretches[0].targets[1]"),
         "should be text, not the number 5 (put it in quotes)"),
        ("title: Hips", "title: [Hips]", (1, 8, "title"), "should be text, not a list"),
        ("style: static", "style: stretchy", (2, 8, "style"),
         "should be 'dynamic', 'static', 'yoga' or 'mixed', not the text 'stretchy'"),
        ("name: Pigeon", "name: '   '", (4, 11, "stretches[0].name"), "must not be blank"),
    ],
)
def test_a_wrong_type_points_at_the_value(old: str, new: str, where: tuple, message: str):
    problem = only_problem(GOOD.replace(old, new))
    assert (problem.line, problem.column, problem.field) == where
    assert problem.message.startswith(message)


def test_an_unknown_key_points_at_the_key():
    text = GOOD.replace("    hold: 30\n", "    hold: 30\n    colour: red\n")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (8, 5, "stretches[0].colour")
    assert problem.message == (
        "unknown field; the fields are: "
        "name, targets, sides, position, equipment, instructions, easier, safety, hold, reps, "
        "tempo, alternating, cues, transition"
    )


def test_an_unknown_top_level_key_points_at_the_key():
    problem = only_problem(GOOD + "difficulty: hard\n")
    assert (problem.line, problem.column, problem.field) == (8, 1, "difficulty")
    assert problem.message.startswith("unknown field; the fields are: name, title, summary")


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("hold: 30", "hold: -30", (7, 11, "stretches[0].hold"), "at least 5 seconds, not -30"),
        ("hold: 30", "hold: 0", (7, 11, "stretches[0].hold"), "at least 5 seconds, not 0"),
        ("hold: 30", "reps: -3", (7, 11, "stretches[0].reps"), "at least 1, not -3"),
        ("hold: 30", "reps: 10\n    tempo: -2", (8, 12, "stretches[0].tempo"),
         "at least 0.8 seconds, not -2"),
        ("style: static", "style: static\ntransition: -1", (3, 13, "transition"),
         "at least 0 seconds, not -1"),
        ("style: static", "style: static\nrest: -5", (3, 7, "rest"), "at least 0 seconds, not -5"),
    ],
)
def test_a_negative_duration_is_refused(old: str, new: str, where: tuple, message: str):
    problem = only_problem(GOOD.replace(old, new))
    assert (problem.line, problem.column, problem.field) == where
    assert message in problem.message


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("hold: 30", "hold: 100000", (7, 11, "stretches[0].hold"),
         "at most 600 seconds (10 minutes), not 100000"),
        ("hold: 30", "reps: 1000", (7, 11, "stretches[0].reps"), "at most 100, not 1000"),
        ("hold: 30", "reps: 10\n    tempo: 60", (8, 12, "stretches[0].tempo"),
         "at most 10 seconds, not 60"),
        ("style: static", "style: static\nrest: 9999", (3, 7, "rest"),
         "at most 300 seconds (5 minutes), not 9999"),
        ("hold: 30", "hold: 30\n    transition: 500", (8, 17, "stretches[0].transition"),
         "at most 120 seconds (2 minutes), not 500"),
    ],
)
def test_an_absurd_duration_is_refused(old: str, new: str, where: tuple, message: str):
    problem = only_problem(GOOD.replace(old, new))
    assert (problem.line, problem.column, problem.field) == where
    assert message in problem.message


def test_a_routine_of_many_hours_is_refused():
    stretch = "  - name: S\n    targets: [a]\n    instructions: b\n    hold: 600\n    sides: each\n"
    text = "title: Long\nstyle: static\nrest: 300\nstretches:\n" + stretch * 8
    problem = only_problem(text)
    assert (problem.line, problem.field) == (1, "")
    assert "a routine lasts at most 2 hours" in problem.message


def test_an_unsafe_python_tag_is_refused_and_never_run(tmp_path: Path):
    witness = tmp_path / "ran"
    text = GOOD.replace(
        "title: Hips", f'title: !!python/object/apply:os.system ["touch {witness}"]'
    )
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (1, 8, "title")
    assert "unsupported YAML tag" in problem.message
    assert "python/object/apply:os.system" in problem.message
    assert not witness.exists()


def test_a_python_tag_deep_in_a_stretch_names_its_field(tmp_path: Path):
    text = GOOD.replace("hold: 30", "hold: 30\n    cues: [ok, !!python/name:os.system x]")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (8, 16, "stretches[0].cues[1]")


def test_an_unknown_local_tag_is_refused():
    problem = only_problem(GOOD.replace("title: Hips", "title: !shout Hips"))
    assert (problem.line, problem.field) == (1, "title")
    assert "unsupported YAML tag '!shout'" in problem.message


def test_a_duplicate_key_points_at_the_second_one():
    text = GOOD.replace("    hold: 30\n", "    hold: 30\n    hold: 40\n")
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (8, 5, "stretches[0].hold")
    assert "duplicate key 'hold'" in problem.message


def test_a_duplicate_top_level_key_after_a_list_names_that_key():
    problem = only_problem(GOOD + "title: Again\n")
    assert (problem.line, problem.column, problem.field) == (8, 1, "title")
    assert "duplicate key 'title'" in problem.message


@pytest.mark.parametrize(
    ("text", "where"),
    [("title: Hips\n[a]: b\n", (2, 1, "")),
     ("title: Hips\nstretches:\n  - ? [a]\n    : b\n", (3, 7, "stretches[0]"))],
)
def test_a_list_as_a_key_is_refused_and_located(text: str, where: tuple):
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "bad.yaml")
    [problem] = [p for p in caught.value.problems if "found unhashable key" in p.message]
    assert (problem.line, problem.column, problem.field) == where


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        ("hold: 30\n    reps: 10", "give either `hold` (seconds) or `reps`, exactly one of them"),
        ("sides: each", "give either `hold` (seconds) or `reps`, exactly one of them"),
        ("hold: 30\n    tempo: 2", "`tempo` only goes with `reps`"),
    ],
)
def test_hold_and_reps_are_exclusive_and_one_is_needed(replacement: str, message: str):
    problem = only_problem(GOOD.replace("hold: 30", replacement))
    assert (problem.line, problem.column, problem.field) == (4, 5, "stretches[0]")
    assert problem.message == message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "~\n"])
def test_an_empty_file_is_refused(text: str):
    problem = only_problem(text)
    assert (problem.line, problem.field) == (1, "")
    assert problem.message.startswith("the file is empty")


@pytest.mark.parametrize(
    ("text", "line"), [("- title: Hips\n", 1), ("just some words\n", 1), ("# x\n\n42\n", 3)]
)
def test_a_file_that_is_not_a_mapping_is_refused(text: str, line: int):
    problem = only_problem(text)
    assert (problem.line, problem.column, problem.field) == (line, 1, "")
    assert problem.message.startswith("a routine is a mapping of fields")


def test_an_empty_stretch_list_is_refused():
    problem = only_problem("title: Hips\nstyle: static\nstretches: []\n")
    assert (problem.line, problem.field) == (3, "stretches")
    assert problem.message == "a routine needs at least one stretch"


def test_a_stretch_that_is_not_a_mapping_is_refused():
    problem = only_problem("title: Hips\nstyle: static\nstretches:\n  - Pigeon\n")
    assert (problem.line, problem.column, problem.field) == (4, 5, "stretches[0]")


def test_aliases_are_refused():
    problem = only_problem(GOOD.replace("title: Hips", "title: &t Hips\nsummary: *t"))
    assert (problem.line, problem.column, problem.field) == (2, 10, "summary")
    assert "aliases" in problem.message


def test_deep_nesting_is_refused():
    problem = only_problem("title: " + "[" * 30 + "]" * 30 + "\n")
    assert problem.line == 1
    assert "nested more than 20 levels deep" in problem.message


def test_a_second_document_is_refused():
    problem = only_problem(GOOD + "---\n" + GOOD)
    assert problem.line == 8
    assert "another document" in problem.message


def test_every_problem_is_reported_at_once_in_file_order():
    text = GOOD.replace("style: static", "style: stretchy").replace("hold: 30", "hold: -1")
    text += "colour: red\n"
    assert problems(text) == [
        (2, 8, "style"), (7, 11, "stretches[0].hold"), (8, 1, "colour")
    ]


def test_the_message_names_file_line_column_and_field():
    with pytest.raises(RoutineError) as caught:
        parse_routine(GOOD.replace("hold: 30", "hold: -30"), "routines/hips.yaml")
    assert str(caught.value) == (
        "routines/hips.yaml:7:11: stretches[0].hold: must be at least 5 seconds, not -30"
    )


# --- Reading the file -----------------------------------------------------------------------


def test_a_missing_file_is_named(tmp_path: Path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value) == f"{path}: no such file"


def test_a_folder_is_not_a_routine(tmp_path: Path):
    with pytest.raises(RoutineError) as caught:
        read_routine_text(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not a routine file"


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value) == (
        f"{path}:1:{MAX_FILE_BYTES + 1}: the file is larger than 1 MiB (the limit is reached here)"
    )


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.replace("Fold", "F\xe9ld").encode("latin-1"))
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (6, 20)
    assert problem.message == "is not UTF-8 text (byte 0xe9); save it as UTF-8"


def test_errors_from_a_file_name_the_file(tmp_path: Path):
    path = tmp_path / "hips.yaml"
    path.write_text(GOOD.replace("hold: 30", "hold: -30"))
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value).startswith(f"{path}:7:11: stretches[0].hold: ")


def test_a_routine_can_be_built_from_python_data():
    routine = Routine.model_validate(
        {"title": "T", "style": "yoga", "stretches": [
            {"name": "Pigeon", "targets": ["glutes"], "instructions": "Fold.", "hold": 30}
        ]}
    )
    assert routine.name is None
    assert routine.minimum_seconds() == 35


YAML_BITS = list(":-[]{}!&*'\"#\n ?|>%@`,\t0123456789aZ.\\~") + ["\x00", "é", "hold", "reps"]


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_any_damaged_file_loads_or_gives_located_problems_never_a_crash(data: st.DataObject):
    text = GOOD
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 10)))
        inserted = "".join(data.draw(st.lists(st.sampled_from(YAML_BITS), max_size=4)))
        text = text[:i] + inserted + text[j:]
    try:
        parse_routine(text, "bad.yaml")
    except RoutineError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line is not None and problem.line >= 1
            assert "\n" not in problem.message


def test_hold_and_reps_together_is_reported_beside_the_stretchs_other_problems():
    text = GOOD.replace("    hold: 30\n", "    hold: 30\n    reps: 10\n").replace(
        "targets: [glutes]", "targets: []"
    )
    assert problems(text) == [
        (4, 5, "stretches[0]"),  # exactly one of hold and reps
        (5, 14, "stretches[0].targets"),
    ]
