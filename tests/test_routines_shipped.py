"""The routines that ship: all present, all valid, all plannable, each stretch complete."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from voicecoach import catalog, content, paths
from voicecoach.plan import MAX_RATE, MIN_RATE, PlanOptions, build_plan, estimate_speech_seconds
from voicecoach.routine import Routine, load_routine

EXPECTED = {"post-run-hips", "hips-and-lower-back", "yoga-for-hips", "busy-day"}
FILES = sorted(paths.builtin_routines_dir().glob("*.yaml"))


def shipped() -> list[Routine]:
    return [load_routine(path) for path in FILES]


def test_the_four_expected_routines_ship():
    assert EXPECTED <= {path.stem for path in FILES}


def test_only_yaml_routine_files_ship():
    assert {p.suffix for p in paths.builtin_routines_dir().iterdir() if p.is_file()} == {".yaml"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_routine_loads_under_its_file_name(path: Path):
    routine = load_routine(path)
    assert routine.name == path.stem
    assert catalog.load(path.stem) == routine


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("rate", [MIN_RATE, 160, MAX_RATE])
@pytest.mark.parametrize("insoles", [True, False])
def test_each_routine_plans_at_every_rate(path: Path, rate: int, insoles: bool):
    routine = load_routine(path)
    plan = build_plan(routine, PlanOptions(insoles=insoles, rate=rate))
    assert plan.says[0].text == content.DISCLAIMER
    assert plan.says[-1].text == (content.INSOLES if insoles else content.COMPLETE)
    for before, after in pairwise(plan.events):
        assert after.start_ms == before.end_ms
    assert {e.stretch for e in plan.events} - {None} == set(range(len(routine.stretches)))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("rate", [MIN_RATE, 160, MAX_RATE])
def test_every_line_and_every_form_cue_is_spoken_in_full(path: Path, rate: int):
    routine = load_routine(path)
    plan = build_plan(routine, PlanOptions(rate=rate))
    for say in plan.says:
        assert say.duration_ms == round(estimate_speech_seconds(say.text, rate) * 1000), say
    expected_cues = sum(
        len(s.cues) * len(s.sides_list) for s in routine.stretches  # each side hears them
    )
    assert sum(e.role == "form" for e in plan.says) == expected_cues


@pytest.mark.parametrize("routine", shipped(), ids=lambda r: r.name)
def test_every_stretch_has_targets_instructions_and_a_safety_cue(routine: Routine):
    assert routine.title.strip() and routine.summary.strip()
    for stretch in routine.stretches:
        assert stretch.targets, stretch.name
        assert len(stretch.instructions.split()) >= 8, stretch.name
        assert stretch.safety and stretch.safety.strip(), stretch.name


@pytest.mark.parametrize("routine", shipped(), ids=lambda r: r.name)
def test_holds_follow_mainstream_guidance(routine: Routine):
    for stretch in routine.stretches:
        if stretch.hold is not None:
            assert 20 <= stretch.hold <= 60, stretch.name


def test_one_routine_takes_under_six_minutes():
    minutes = {r.name: build_plan(r).estimated_seconds / 60 for r in shipped()}
    assert minutes["busy-day"] < 6
    assert min(minutes.values()) < 6


def test_the_post_run_routine_is_dynamic_for_after_a_run_with_both_leg_swings():
    routine = catalog.load("post-run-hips")
    assert (routine.when, routine.style) == ("after-run", "dynamic")
    assert all(s.reps is not None for s in routine.stretches)
    names = " | ".join(s.name.lower() for s in routine.stretches)
    assert "front to back leg swings" in names
    assert "side to side leg swings" in names


def test_the_static_and_yoga_routines_hold_their_stretches():
    assert catalog.load("hips-and-lower-back").style == "static"
    assert catalog.load("yoga-for-hips").style == "yoga"
    for name in ("hips-and-lower-back", "yoga-for-hips"):
        assert all(s.hold is not None for s in catalog.load(name).stretches)


def test_the_routines_cover_the_source_muscle_groups():
    targets = {t for r in shipped() for t in r.targets}
    assert {"glutes", "adductors", "hip flexors", "quads"} <= targets
    hips = set(catalog.load("hips-and-lower-back").targets)
    assert {"glutes", "adductors", "hip flexors", "quads"} <= hips


def test_a_form_cue_keeps_the_upper_body_level_and_the_arm_swing_even():
    cues = [c.lower() for r in shipped() for s in r.stretches for c in s.cues]
    assert any("level" in c for c in cues)
    assert any("arm" in c and "even" in c for c in cues)
