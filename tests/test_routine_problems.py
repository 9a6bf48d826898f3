"""The loader reports every problem it can, each located, in words a routine author can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecoach.routine import safe_yaml as routine_module
from voicecoach.errors import Problem, RoutineError
from voicecoach.routine import (
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_PROBLEMS,
    load_routine,
    parse_routine,
)

STRETCH = """\
  - name: Butterfly stretch
    targets: [adductors]
    hold: 30
    instructions: Sit with the soles of your feet together.
"""


def _problems(text: str) -> list[Problem]:
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "r.yaml")
    return caught.value.problems


def _lines(text: str) -> list[str]:
    return [p.format("r.yaml") for p in _problems(text)]


def test_every_problem_is_reported_in_file_order() -> None:
    text = (
        "title: Hips\n"
        "title: Hips again\n"           # line 2: a duplicate key
        "style: pilates\n"              # line 3: not a style
        "colour: blue\n"                # line 4: no such field
        "stretches:\n"
        "  - name: One\n"
        "    targets: &t [glutes]\n"
        "    hold: 601\n"               # line 8: over 10 minutes
        "    instructions: Do it.\n"
        "  - name: Two\n"
        "    targets: *t\n"             # line 11: an alias
        "    reps: 10\n"
        "    instructions: !!python/object/apply:os.system [ls]\n"  # line 13: a tag
    )
    assert _lines(text) == [
        "r.yaml:2:1: title: not valid routine YAML: duplicate key 'title' "
        "(first given on line 1); only the last one would count",
        "r.yaml:3:8: style: should be 'dynamic', 'static', 'yoga' or 'mixed', "
        "not the text 'pilates'",
        "r.yaml:4:1: colour: unknown field; the fields are: "
        "name, title, summary, why, when, style, transition, rest, stretches",
        "r.yaml:8:11: stretches[0].hold: must be at most 600 seconds (10 minutes), not 601",
        "r.yaml:11:14: stretches[1].targets: not valid routine YAML: "
        "aliases (*name) are not allowed",
        "r.yaml:13:19: stretches[1].instructions: not valid routine YAML: "
        "unsupported YAML tag '!!python/object/apply:os.system': "
        "tags that build objects are never run",
    ]


def test_problems_in_several_stretches_are_all_reported() -> None:
    text = "title: Hips\nstyle: static\nstretches:\n" + STRETCH.replace("hold: 30", "hold: 2") + (
        STRETCH + "    reps: 5\n"
    ) + STRETCH.replace("instructions:", "instruction:")
    assert [(p.line, p.field) for p in _problems(text)] == [
        (6, "stretches[0].hold"),
        (8, "stretches[1]"),
        (13, "stretches[2].instructions"),
        (16, "stretches[2].instruction"),
    ]


def test_a_typo_in_a_field_name_gets_a_suggestion() -> None:
    text = "title: Hips\nstyle: static\nstretches:\n" + STRETCH.replace("targets:", "target:")
    assert "stretches[0].target: unknown field (did you mean `targets`?)" in _lines(text)[-1]


@pytest.mark.parametrize(
    ("hold", "accepted"), [(5, True), (600, True), (600.5, False), (4.9, False), (-1, False)]
)
def test_hold_limits(hold: float, accepted: bool) -> None:
    text = "title: Hips\nstyle: static\nstretches:\n" + STRETCH.replace("hold: 30", f"hold: {hold}")
    if accepted:
        assert parse_routine(text, "r.yaml").stretches[0].hold == hold
    else:
        assert _problems(text)[0].field == "stretches[0].hold"


def test_whole_number_reps_written_as_a_float_are_accepted() -> None:
    text = "title: Hips\nstyle: dynamic\nstretches:\n" + STRETCH.replace("hold: 30", "reps: 12.0")
    reps = parse_routine(text, "r.yaml").stretches[0].reps
    assert reps == 12 and isinstance(reps, int)


def test_a_lone_equals_sign_is_text() -> None:
    text = "title: =\nstyle: static\nstretches:\n" + STRETCH
    assert parse_routine(text, "r.yaml").title == "="


def test_too_many_stretches_points_at_the_first_one_over() -> None:
    short = STRETCH.replace("hold: 30", "hold: 5")
    text = "title: Hips\nstyle: static\nrest: 0\nstretches:\n" + short * 51
    [problem] = _problems(text)
    assert (problem.line, problem.field) == (5 + 50 * 4, "stretches")
    assert problem.message == "at most 50 stretches in a routine (found 51); split it up"


def test_nesting_is_bounded() -> None:
    text = "title: " + "[" * 25 + "]" * 25 + "\n"
    [problem] = _problems(text)
    assert "nested more than 20 levels deep" in problem.message


def test_an_alias_bomb_is_reported_once_and_never_expanded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{k}: &{k} [{', '.join(['*' + chr(ord(k) - 1)] * 10)}]" for k in "bcdefghijk"]
    problems = [p for p in _problems("\n".join(lines)) if "alias" in p.message]
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, 8, "not valid routine YAML: aliases (*name) are not allowed (99 more after this one)")
    ]


def test_a_control_character_is_located() -> None:
    [problem] = _problems("title: Hips\nstyle: st\x00atic\n")
    assert (problem.line, problem.column) == (2, 10)
    assert problem.message == "not valid routine YAML: unprintable character #x00 is not allowed"


def test_a_control_character_after_wide_characters_is_located() -> None:
    [problem] = _problems("title: Hanches étirées 🧘\x07\n")
    assert (problem.line, problem.column) == (1, 25)


def test_text_over_the_size_limit_is_refused_before_parsing() -> None:
    [problem] = _problems("#" * (MAX_FILE_BYTES + 1))
    assert problem.message == "is larger than 1 MiB"


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"title: Hips\nstyle: caf\xe9\n")
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value) == f"{path}:2:11: is not UTF-8 text (byte 0xe9); save it as UTF-8"


def test_a_folder_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RoutineError, match="is a folder, not a routine file"):
        load_routine(tmp_path)
    with pytest.raises(RoutineError, match="no such file"):
        load_routine(tmp_path / "nope.yaml")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_an_empty_file_is_refused(text: str) -> None:
    assert _lines(text) == [
        "r.yaml:1:1: the file is empty: a routine needs a title, a style and stretches"
    ]


def test_a_value_yaml_reads_as_a_number_asks_for_quotes() -> None:
    text = "title: 1984\nstyle: static\nstretches:\n" + STRETCH
    assert _lines(text) == [
        "r.yaml:1:8: title: should be text, not the number 1984 (put it in quotes)"
    ]


def test_a_routine_over_two_hours_is_refused() -> None:
    text = "title: Hips\nstyle: static\nrest: 300\nstretches:\n" + STRETCH.replace(
        "hold: 30", "hold: 600\n    sides: each"
    ) * 6
    [problem] = _problems(text)
    assert problem.message == (
        "the holds, reps, transitions and rests alone last 2 h 26 min; "
        "a routine lasts at most 2 hours: split it up"
    )


def test_the_number_of_values_is_bounded() -> None:
    text = "title: Hips\n" + "".join(f"key{i}: v\n" for i in range(MAX_NODES // 2))
    [problem] = _problems(text)
    # Values: the mapping, `title`, `Hips`, then two per line: the 10,001st is line 5000's value.
    assert (problem.line, problem.column) == (5000, len("key4998: ") + 1)
    assert problem.message == (
        "not valid routine YAML: more than 10,000 values (keys, list items, text, numbers); "
        "a routine needs far fewer"
    )


def test_a_routine_with_every_field_at_its_largest_is_under_the_value_bound() -> None:
    items = "[" + ", ".join(f"x{i}" for i in range(10)) + "]"
    stretch = (
        f"  - name: n\n    targets: {items}\n    instructions: i\n    safety: s\n"
        f"    sides: each\n    reps: 10\n    tempo: 1\n    cues: {items}\n    transition: 1\n"
    )
    text = (
        "name: big\ntitle: T\nsummary: S\nwhen: anytime\nstyle: mixed\ntransition: 1\n"
        "rest: 1\nstretches:\n" + stretch * 50
    )
    assert len(parse_routine(text, "r.yaml").stretches) == 50


def test_problems_past_the_first_hundred_are_counted_not_listed() -> None:
    text = "title: Hips\n" + "".join(f"key{i}: v\n" for i in range(150))
    problems = _problems(text)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1] == Problem(
        problems[-2].line + 1, 1, "", "52 more problems from here on are not shown"
    )


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_the_corpus_gets_the_same_verdicts_without_libyaml(
    monkeypatch: pytest.MonkeyPatch, libyaml: bool
) -> None:
    corpus = Path(__file__).resolve().parent / "corpus"
    if not libyaml:
        monkeypatch.setattr(routine_module, "_LibyamlEvents", None)
    for path in sorted((corpus / "good").iterdir()):
        load_routine(path)
    for path in sorted((corpus / "bad").iterdir()):
        with pytest.raises(RoutineError) as caught:
            load_routine(path)
        assert all(p.line is not None for p in caught.value.problems), path.name


def test_a_control_character_after_wide_characters_is_located_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(routine_module, "_LibyamlEvents", None)
    [problem] = _problems("title: Hanches étirées 🧘\x07\n")
    assert (problem.line, problem.column) == (1, 25)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("\n" * 300_000 + "a: [\n", (300_002, 1), "did not find expected node content"),
        ("# " + "é🧘" * 100_000 + "\nt: a\x07b\n", (2, 5), "unprintable character #x07"),
        ("# " + "x" * 300_000 + "\nt: \ud800\n", (2, 4), "unprintable character #xd800"),
    ],
    ids=["syntax", "control-character-after-wide-ones", "lone-surrogate"],
)
def test_a_long_file_that_cannot_be_parsed_is_still_located(
    text: str, where: tuple[int, int], message: str
) -> None:
    [problem] = _problems(text)
    assert (problem.line, problem.column) == where
    assert message in problem.message


CONTROL_REFUSED = "terminal escapes and control codes are not allowed in text"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '"Hips\\e]0;PWNED\\a"',
            f"has a control character (U+001B, character 5); {CONTROL_REFUSED}",
        ),
        ('"a\\0b"', f"has a control character (U+0000, character 2); {CONTROL_REFUSED}"),
        ('"Hips \\u202e"', f"has a control character (U+202E, character 6); {CONTROL_REFUSED}"),
        (
            '"\\u200b\\u200d\\ufeff"',
            "holds only invisible characters (zero-width spaces and the like): nothing to say",
        ),
    ],
)
def test_control_and_invisible_text_is_refused_at_its_line(value: str, message: str) -> None:
    text = (
        "style: static\nstretches:\n  - name: Butterfly\n    targets: [adductors]\n"
        f"    hold: 30\n    instructions: Sit tall.\ntitle: {value}\n"
    )
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "r.yaml")
    assert str(caught.value) == f"r.yaml:7:8: title: {message}"


def test_a_problem_printed_never_carries_a_terminal_escape() -> None:
    text = 'title: Hips\nstyle: static\n"\\e[2Jodd": 1\nstretches: []\n'
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "r\x1b]0;x\x07.yaml")
    assert "\x1b" not in "\n".join(p.format("r\x1b]0;x\x07.yaml") for p in caught.value.problems)
