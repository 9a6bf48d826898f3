"""Every line the voice can say from the shipped content is written for the ear: the real side,
no placeholder left over, and no sentence over 20 words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voicecoach import content, paths
from voicecoach.plan import PlanOptions, build_plan
from voicecoach.routine import load_routine
from voicecoach.routine import sides as sidetext
from voicecoach.routine.library import load_library

MAX_WORDS = 20
ROUTINES = sorted(paths.builtin_routines_dir().glob("*.yaml"))
LIBRARY = load_library()


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def words(sentence: str) -> int:
    return len(re.findall(r"[\w']+", sentence))


def problems_in(text: str) -> list[str]:
    """What makes a spoken line wrong for the ear (empty when it is right)."""
    found = []
    if "called side" in text.lower():
        found.append("says 'the called side'")
    if "{" in text or "}" in text:
        found.append("holds a bracketed placeholder")
    found += [f"{words(s)} words: {s!r}" for s in sentences(text) if words(s) > MAX_WORDS]
    return found


def test_the_checks_catch_what_they_look_for():
    assert problems_in("Kneel on the knee of the called side.") == ["says 'the called side'"]
    assert problems_in("Kneel on your {side} knee.") == ["holds a bracketed placeholder"]
    long = "one " * 21
    assert problems_in(long.strip() + ".") == [f"21 words: {long.strip() + '.'!r}"]
    assert problems_in("one " * 19 + "twenty. Short.") == []


@pytest.mark.parametrize("path", ROUTINES, ids=lambda p: p.stem)
@pytest.mark.parametrize("tight_side", [None, "left", "right"])
@pytest.mark.parametrize("insoles", [True, False])
def test_every_line_of_every_shipped_routine_is_written_for_the_ear(
    path: Path, tight_side: str | None, insoles: bool
):
    plan = build_plan(load_routine(path), PlanOptions(tight_side=tight_side, insoles=insoles))
    wrong = {say.text: problems_in(say.text) for say in plan.says if problems_in(say.text)}
    assert wrong == {}


@pytest.mark.parametrize("stretch_id", LIBRARY.ids)
def test_every_text_of_every_library_stretch_reads_well_on_both_sides(stretch_id: str):
    stretch = LIBRARY.get(stretch_id)
    texts = [stretch.name, stretch.instructions, stretch.safety or "", stretch.easier or ""]
    texts += stretch.cues
    sides = ("left", "right") if stretch.sides == "each" else (None,)
    wrong = {
        filled: problems_in(filled)
        for text in texts for side in sides
        if problems_in(filled := sidetext.fill(text, side))
    }
    assert wrong == {}


@pytest.mark.parametrize("stretch_id", LIBRARY.ids)
def test_every_library_stretch_says_where_to_feel_it_and_how_to_stay_safe(stretch_id: str):
    stretch = LIBRARY.get(stretch_id)
    assert "You should feel" in sentences(stretch.instructions)[-1]
    assert stretch.safety and stretch.safety.strip()


@pytest.mark.parametrize("stretch_id", [i for i in LIBRARY.ids if LIBRARY.get(i).sides == "each"])
def test_a_two_sided_stretch_names_the_real_side_in_its_instructions(stretch_id: str):
    instructions = LIBRARY.get(stretch_id).instructions
    assert "{side}" in instructions or "{other side}" in instructions


def test_the_fixed_lines_are_written_for_the_ear_too():
    fixed = [
        content.DISCLAIMER, content.PAIN_RULE, content.INSOLES, content.COME_DOWN,
        content.COME_UP_TO_STAND, content.COME_UP_TO_CHAIR, content.come_up("lying"),
        content.come_up("seated"), content.tight_side_plan("left"),
    ]
    assert {text: problems_in(text) for text in fixed if problems_in(text)} == {}


@pytest.mark.parametrize(
    "stretch_id", ["lying-hamstring", "chair-hamstring"]
)
def test_hamstring_stretches_warn_of_tingling_or_pain_down_the_leg(stretch_id: str):
    assert "tingling or pain down the leg" in LIBRARY.get(stretch_id).safety


@pytest.mark.parametrize(
    ("stretch_id", "easier"),
    [("pigeon", "figure four on your back"), ("kneeling-hip-flexor", "stand instead"),
     ("lunge-with-reach", "shorter step"), ("low-lunge", "cushion")],
)
def test_hard_stretches_offer_an_easier_way(stretch_id: str, easier: str):
    assert easier in (LIBRARY.get(stretch_id).easier or "").lower()


def test_overhead_reaches_keep_the_ribs_down():
    assert "Keep your ribs down" in LIBRARY.get("lunge-with-reach").instructions
    assert "arms overhead" not in LIBRARY.get("low-lunge").instructions
