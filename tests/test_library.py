"""The stretch library: every shipped stretch defined once, routines that refer to it by id,
and `voicecoach stretches`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from voicecoach import catalog, paths
from voicecoach.cli import app
from voicecoach.errors import RoutineError
from voicecoach.plan import build_plan
from voicecoach.routine import parse_routine
from voicecoach.routine.library import TARGETS, library_path, load_library

ROUTINE_FILES = sorted(paths.builtin_routines_dir().glob("*.yaml"))
NEW = {"before-run", "no-floor", "glute-and-core", "tight-side"}
FLOOR = {"kneeling", "seated", "lying"}
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def problems(text: str) -> list[str]:
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "r.yaml", default_name="r")
    return [p.format("r.yaml") for p in caught.value.problems]


# --- The shipped library and routines --------------------------------------------------------


def test_the_library_ships_beside_the_routines_and_is_not_a_routine():
    assert library_path() == paths.builtin_routines_dir() / "library" / "stretches.yaml"
    assert library_path().is_file()
    assert "stretches" not in {entry.name for entry in catalog.entries()}
    assert all(entry.path.parent == paths.builtin_routines_dir() for entry in catalog.entries())


def test_at_least_eight_routines_ship_with_the_four_new_ones():
    names = {p.stem for p in ROUTINE_FILES}
    assert len(names) >= 8
    assert NEW <= names


@pytest.mark.parametrize("path", ROUTINE_FILES, ids=lambda p: p.stem)
def test_every_stretch_of_every_shipped_routine_comes_from_the_library(path: Path):
    library = load_library()
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["stretches"]
    assert all(set(item) >= {"use"} for item in items), path
    assert all(item["use"] in library.stretches for item in items)
    assert not {"instructions", "safety", "easier"} & {k for item in items for k in item}


@pytest.mark.parametrize("path", ROUTINE_FILES, ids=lambda p: p.stem)
def test_validate_accepts_every_shipped_routine(path: Path):
    result = invoke("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{path}: ok (")


def test_validate_accepts_the_starter(voicecoach_home: Path):
    assert invoke("new", "my-hips").exit_code == 0
    result = invoke("validate", "my-hips")
    assert result.exit_code == 0, result.output
    starter = (voicecoach_home / "routines" / "my-hips.yaml").read_text(encoding="utf-8")
    for field in ("use:", "position:", "equipment:", "easier:", "why:", "{side}"):
        assert field in starter


def test_each_library_stretch_carries_what_a_routine_builder_needs():
    library = load_library()
    assert len(library.ids) >= 30
    for stretch_id, stretch in library.stretches.items():
        assert set(stretch.targets) <= set(TARGETS), stretch_id
        assert stretch.position and stretch.moments, stretch_id
        assert (stretch.style == "static") == (stretch.hold is not None), stretch_id
        if stretch.hold is not None:
            assert 20 <= stretch.hold <= 60, stretch_id
        else:
            assert 8 <= stretch.reps <= 15, stretch_id
    assert {s.position for s in library.stretches.values()} == {
        "standing", "chair", "kneeling", "seated", "lying"
    }
    assert any(s.gentle for s in library.stretches.values())


@pytest.mark.parametrize("path", ROUTINE_FILES, ids=lambda p: p.stem)
def test_shipped_doses_follow_mainstream_guidance(path: Path):
    routine = catalog.load(path.stem)
    for stretch in routine.stretches:
        if stretch.hold is not None:
            assert 20 <= stretch.hold <= 60, stretch.name
        else:
            assert 8 <= stretch.reps <= 15, stretch.name


def test_the_before_run_warm_up_is_dynamic_standing_and_5_to_8_minutes():
    routine = catalog.load("before-run")
    assert (routine.when, routine.style) == ("before-run", "dynamic")
    assert all(s.reps is not None and s.position == "standing" for s in routine.stretches)
    assert 5 * 60 <= build_plan(routine).estimated_seconds <= 8 * 60


def test_the_no_floor_routine_stays_standing_or_on_a_chair():
    routine = catalog.load("no-floor")
    assert {s.position for s in routine.stretches} == {"standing", "chair"}
    assert {"glutes", "adductors", "hip flexors", "quads"} <= set(routine.targets)


def test_the_glute_and_core_routine_activates_glutes_and_core():
    routine = catalog.load("glute-and-core")
    names = {s.name for s in routine.stretches}
    assert {"Clamshells", "Side-lying leg raise", "Bird dog", "Dead bug"} <= names
    assert {"glutes", "core"} <= set(routine.targets)


def test_the_tight_side_routine_is_two_sided_throughout():
    routine = catalog.load("tight-side")
    assert all(s.sides == "each" for s in routine.stretches)
    assert "--tight-side" in routine.summary


def test_the_post_run_routine_never_asks_a_runner_to_lie_down():
    routine = catalog.load("post-run-hips")
    assert {s.position for s in routine.stretches} == {"standing"}


# --- References and overrides ----------------------------------------------------------------

HEAD = "title: Mine\nstyle: static\nstretches:\n"


def test_a_reference_takes_the_library_stretch_with_its_overrides():
    routine = parse_routine(
        HEAD + "  - use: butterfly\n    hold: 45\n    cues: [Breathe.]\n", "r.yaml"
    )
    library = load_library().get("butterfly")
    stretch = routine.stretches[0]
    assert (stretch.name, stretch.instructions) == (library.name, library.instructions)
    assert (stretch.hold, stretch.cues, stretch.position) == (45, ["Breathe."], "seated")
    assert load_library().get("butterfly").to_stretch(hold=45, cues=["Breathe."]) == stretch


def test_reps_in_place_of_a_hold_swap_one_for_the_other():
    routine = parse_routine(HEAD + "  - use: standing-quad\n    reps: 8\n", "r.yaml")
    assert (routine.stretches[0].reps, routine.stretches[0].hold) == (8, None)


def test_inline_and_library_stretches_mix_in_a_users_routine():
    text = HEAD + (
        "  - use: figure-four\n"
        "  - name: My own\n    targets: [glutes]\n    hold: 30\n    instructions: Do it.\n"
    )
    routine = parse_routine(text, "r.yaml")
    assert [s.name for s in routine.stretches] == ["Figure four stretch", "My own"]


def test_an_unknown_id_is_a_located_error_with_a_suggestion():
    assert problems(HEAD + "  - use: butterfli\n    hold: 30\n") == [
        "r.yaml:4:10: stretches[0].use: no stretch 'butterfli' in the library "
        "(did you mean `butterfly`?); `voicecoach stretches` lists them"
    ]


def test_a_wrong_override_is_located_at_its_line():
    assert problems(HEAD + "  - use: butterfly\n    hold: 900\n    colour: red\n") == [
        "r.yaml:5:11: stretches[0].hold: must be at most 600 seconds (10 minutes), not 900",
        "r.yaml:6:5: stretches[0].colour: unknown field; the fields are: name, targets, sides, "
        "position, equipment, instructions, easier, safety, hold, reps, tempo, alternating, "
        "cues, transition",
    ]


def test_a_placeholder_in_an_override_of_a_one_sided_stretch_is_located():
    assert problems(HEAD + "  - use: butterfly\n    cues: ['Lean to your {side}.']\n") == [
        "r.yaml:5:11: stretches[0].cues: cue 1: {side} needs `sides: each`: "
        "a stretch done once has no side to fill in"
    ]


# --- Side-aware text ------------------------------------------------------------------------

INLINE = """\
title: Mine
style: static
stretches:
  - name: Kneel
    targets: [hip flexors]
    sides: {sides}
    hold: 30
    instructions: {instructions}
"""


def test_placeholders_are_filled_with_the_real_side():
    routine = parse_routine(
        INLINE.format(sides="each", instructions="Kneel on your {side} knee, {Other side} up."),
        "r.yaml",
    )
    says = [e.text for e in build_plan(routine).says if e.role == "instructions"]
    assert says == ["Kneel on your left knee, Right up."]


@pytest.mark.parametrize(
    ("sides", "instructions", "message"),
    [
        ("each", "Kneel on your {sid} knee.",
         "unknown placeholder {sid}; the placeholders are {side}, {other side}, {Side} and "
         "{Other side}"),
        ("each", "Kneel on your {side knee.",
         "a lone '{': braces only mark {side} and {other side}"),
        ("none", "Kneel on your {side} knee.",
         "{side} needs `sides: each`: a stretch done once has no side to fill in"),
    ],
)
def test_a_wrong_placeholder_is_a_located_error(sides: str, instructions: str, message: str):
    text = INLINE.format(sides=sides, instructions=f"'{instructions}'")
    assert problems(text) == [f"r.yaml:8:19: stretches[0].instructions: {message}"]


def test_alternating_needs_reps_and_no_sides():
    text = HEAD + "  - name: March\n    targets: [hips]\n    sides: each\n    reps: 8\n" \
        "    alternating: true\n    instructions: March.\n"
    assert problems(text) == [
        "r.yaml:4:5: stretches[0]: `alternating` goes with `reps` and `sides: none`: "
        "both sides take turns within one set"
    ]


# --- voicecoach stretches --------------------------------------------------------------------


def test_stretches_lists_every_library_stretch_by_id():
    result = invoke("stretches")
    assert result.exit_code == 0, result.output
    library = load_library()
    listed = [line.split()[0] for line in result.stdout.splitlines() if line[:1].isalpha()]
    assert listed[: len(library.ids)] == library.ids
    assert "Kneeling hip flexor stretch" in result.stdout
    assert "targets: hip flexors, quads; needs mat, cushion" in result.stdout


def test_stretches_json_gives_each_stretch_with_everything_a_builder_needs():
    result = invoke("stretches", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == load_library().ids
    pigeon = next(r for r in rows if r["id"] == "pigeon")
    assert pigeon["position"] == "kneeling" and pigeon["style"] == "static"
    assert pigeon["gentle"] is False and pigeon["moments"] == ["anytime"]
    assert {"targets", "equipment", "sides", "hold", "reps", "tempo", "easier"} <= set(pigeon)


def test_stretches_id_shows_one_stretch_and_an_unknown_id_is_a_usage_error():
    shown = invoke("stretches", "pigeon")
    assert shown.exit_code == 0 and shown.stdout.startswith("Pigeon pose  (pigeon)\n")
    assert "Easier: If your knees don't like this" in shown.stdout
    wrong = invoke("stretches", "pigon")
    assert wrong.exit_code == 2
    assert "no stretch 'pigon' in the library (did you mean pigeon?)" in wrong.output
