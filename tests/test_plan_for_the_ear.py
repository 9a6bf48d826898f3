"""The plan speaks for the ear: the pain rule, the equipment and the why up front; durations as
people say them; time to get down to and up from the floor; an extra set on the tighter side."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.routines import hold, make_routine, quick, reps
from voicecoach import content
from voicecoach.cli import app
from voicecoach.plan import Event, Plan, PlanOptions, build_plan


def texts(plan: Plan, role: str) -> list[str]:
    return [e.text for e in plan.says if e.role == role]


def sets(plan: Plan, stretch: int = 0) -> list[tuple[str | None, int]]:
    """(side, length in ms from start cue to release) of each set of a stretch."""
    starts = [e for e in plan.says if e.role == "start" and e.stretch == stretch]
    releases = [e for e in plan.says if e.role == "release" and e.stretch == stretch]
    return [(s.side, r.start_ms - s.start_ms) for s, r in zip(starts, releases, strict=True)]


def pause_before(plan: Plan, event: Event) -> Event:
    index = plan.events.index(event)
    return plan.events[index - 1]


# --- Up front -------------------------------------------------------------------------------


def test_the_pain_rule_follows_the_disclaimer_then_intro_why_and_start():
    routine = make_routine(
        hold(equipment=["mat", "cushion"]), hold("Wall sit", equipment=["wall", "mat"]),
        title="Hips", why="Free hips may ease your back.",
    )
    plan = build_plan(routine, PlanOptions(), quick)
    assert [(e.role, e.text) for e in plan.says[:5]] == [
        ("disclaimer", content.DISCLAIMER),
        ("pain", content.PAIN_RULE),
        ("intro", "Hips. About 2 minutes. You'll need a mat, a cushion and a wall."),
        ("why", "Free hips may ease your back."),
        ("intro", content.LETS_START),
    ]


def test_the_pain_rule_names_sharp_pain_tingling_numbness_and_the_red_flags():
    rule = content.PAIN_RULE.lower()
    for words in ("never to pain", "sharp pain", "tingling", "numbness", "down a leg",
                  "at night", "fall", "professional"):
        assert words in rule


@pytest.mark.parametrize(
    ("equipment", "spoken"),
    [([], "Hips. About 1 minute."),
     (["wall or chair"], "Hips. About 1 minute. You'll need a wall or chair to hold."),
     (["wall or chair", "chair", "towel"],
      "Hips. About 1 minute. You'll need a chair and a towel.")],
)
def test_the_introduction_names_each_item_once(equipment: list[str], spoken: str):
    assert content.introduce("Hips", 1, equipment) == spoken


# --- Inside a stretch -------------------------------------------------------------------------


def test_easier_comes_after_the_instructions_and_before_the_safety_line():
    routine = make_routine(hold(easier="If it pinches, sit on a cushion.", safety="Stop."))
    plan = build_plan(routine, PlanOptions(), quick)
    roles = [e.role for e in plan.says if e.stretch == 0]
    assert roles[:4] == ["name", "instructions", "easier", "safety"]
    assert texts(plan, "easier") == ["If it pinches, sit on a cushion."]


@pytest.mark.parametrize(
    ("seconds", "spoken"),
    [(30, "Hold for 30 seconds."), (60, "Hold for 1 minute."), (90, "Hold for 90 seconds."),
     (120, "Hold for 2 minutes."), (150, "Hold for 2 and a half minutes."),
     (180, "Hold for 3 minutes."), (22.5, "Hold for 22.5 seconds.")],
)
def test_holds_are_said_as_people_say_them(seconds: float, spoken: str):
    plan = build_plan(make_routine(hold(seconds=seconds)), PlanOptions(), quick)
    assert texts(plan, "start") == [spoken]


@pytest.mark.parametrize("seconds", [45, 60, 180])
def test_a_hold_of_45_seconds_or_more_says_10_seconds_left_on_time(seconds: int):
    plan = build_plan(make_routine(hold(seconds=seconds)), PlanOptions(), quick)
    start = next(e for e in plan.says if e.role == "start")
    left = [e for e in plan.says if e.role == "remaining"]
    assert [(e.text, e.start_ms - start.start_ms) for e in left] == [
        ("10 seconds left.", seconds * 1000 - 10_000)
    ]


def test_a_shorter_hold_has_no_seconds_left_cue():
    plan = build_plan(make_routine(hold(seconds=40)), PlanOptions(), quick)
    assert texts(plan, "remaining") == []


def test_alternating_reps_are_counted_per_side():
    plan = build_plan(make_routine(reps(count=8, alternating=True)), PlanOptions(), quick)
    assert texts(plan, "start") == ["8 each side, with me."]


def test_side_placeholders_are_filled_in_every_line_for_each_side():
    routine = make_routine(hold(
        instructions="Kneel on your {side} knee.", cues=["Squeeze your {side} glute."],
        safety="Keep your {other side} foot flat.", sides="each",
    ))
    plan = build_plan(routine, PlanOptions(), quick)
    assert texts(plan, "instructions") == ["Kneel on your left knee."]
    assert texts(plan, "safety") == ["Keep your right foot flat."]
    assert texts(plan, "form") == ["Squeeze your left glute.", "Squeeze your right glute."]
    assert "Right side. Kneel on your right knee." in [e.text for e in plan.says]


# --- Rests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("rest", "spoken"), [(10, "Rest. Next up: B."), (0, "Next up: B.")])
def test_rest_is_only_said_when_there_is_one(rest: float, spoken: str):
    plan = build_plan(make_routine(hold("A"), hold("B"), rest=rest), PlanOptions(), quick)
    assert texts(plan, "preview") == [spoken]


# --- Positions ------------------------------------------------------------------------------


def test_going_down_to_the_floor_and_up_again_gets_8_seconds_and_says_so():
    routine = make_routine(
        hold("Stand", position="standing"), hold("Kneel", position="kneeling"),
        hold("Chair", position="chair"), transition=2,
    )
    plan = build_plan(routine, PlanOptions(), quick)
    cues = [e for e in plan.says if e.role == "position"]
    assert [e.text for e in cues] == [
        content.GET_IN_POSITION, content.COME_DOWN, content.COME_UP_TO_CHAIR
    ]
    assert pause_before(plan, cues[0]).role == "gap"
    for cue, seconds in zip(cues[1:], (8, 8), strict=True):
        after = plan.events[plan.events.index(cue) + 2]
        assert (after.role, after.seconds) == ("transition", seconds)
    assert texts(plan, "preview") == [
        "Rest. Next up, on the floor: Kneel.", "Rest. Next up: Chair."
    ]


def test_a_routine_that_starts_on_the_floor_says_come_down_first():
    plan = build_plan(make_routine(hold(position="lying")), PlanOptions(), quick)
    assert texts(plan, "position") == [content.COME_DOWN]


def test_switching_sides_on_the_floor_gets_8_silent_seconds_standing_keeps_its_transition():
    routine = make_routine(
        hold("Stand", position="standing", sides="each"),
        hold("Lie", position="lying", sides="each"), transition=5,
    )
    plan = build_plan(routine, PlanOptions(), quick)
    transitions = [
        (e.stretch, e.side, e.seconds) for e in plan.events
        if e.kind == "pause" and e.role == "transition" and e.stretch is not None
    ]
    # Standing, the cue takes 1 s of the 5 s; going down and turning over on the floor, the
    # cue comes first and 8 silent seconds follow.
    assert transitions == [(0, "left", 4.0), (0, "right", 4.0), (1, "left", 8.0),
                           (1, "right", 8.0)]


def test_a_routine_ending_on_the_floor_cues_getting_up_before_the_end():
    plan = build_plan(make_routine(hold(position="lying")), PlanOptions(), quick)
    closing = [(e.role, e.text) for e in plan.says[-3:]]
    assert closing == [
        ("come-up", content.COME_UP_FROM_LYING), ("complete", content.COMPLETE),
        ("insoles", content.INSOLES),
    ]
    come_up = next(e for e in plan.says if e.role == "come-up")
    gap = plan.events[plan.events.index(come_up) + 2]
    assert (gap.kind, gap.role, gap.seconds) == ("pause", "transition", 8.0)


@pytest.mark.parametrize("position", [None, "standing", "chair"])
def test_a_routine_ending_off_the_floor_has_no_cue_to_get_up(position: str | None):
    plan = build_plan(make_routine(hold(position=position)), PlanOptions(), quick)
    assert texts(plan, "come-up") == []


# --- The tighter side -----------------------------------------------------------------------


@pytest.mark.parametrize("stretch", [hold(sides="each", seconds=30), reps(sides="each")])
def test_tight_side_left_gives_left_right_left_with_equal_sets(stretch: dict[str, Any]):
    plan = build_plan(make_routine(stretch), PlanOptions(tight_side="left"), quick)
    done = sets(plan)
    assert [side for side, _ in done] == ["left", "right", "left"]
    assert len({length for _, length in done}) == 1
    extra = [e.text for e in plan.says if e.text.startswith("One more set")]
    assert extra == ["One more set on your left side, the tighter one. Get into position."]


def test_tight_side_right_starts_on_the_right():
    plan = build_plan(make_routine(hold(sides="each")), PlanOptions(tight_side="right"), quick)
    assert [side for side, _ in sets(plan)] == ["right", "left", "right"]
    assert texts(plan, "name") == ["Hip hold, right side."]


def test_without_a_tight_side_both_sides_stay_exactly_equal():
    plan = build_plan(make_routine(hold(sides="each", seconds=40)), PlanOptions(), quick)
    assert sets(plan) == [("left", 40000), ("right", 40000)]
    assert not any("tighter" in e.text for e in plan.says)


def test_a_tight_side_leaves_one_sided_stretches_alone_and_is_said_up_front():
    plan = build_plan(
        make_routine(hold("Once"), hold("Twice", sides="each")),
        PlanOptions(tight_side="left"), quick,
    )
    assert [side for side, _ in sets(plan, 0)] == [None]
    assert content.tight_side_plan("left") in texts(plan, "intro")


def test_plan_run_and_export_take_tight_side_and_so_does_the_config(voicecoach_home):
    runner = CliRunner()
    tiny = voicecoach_home / "tiny.yaml"
    tiny.write_text(
        "title: Tiny\nstyle: static\nstretches:\n  - name: Lunge\n    targets: [hips]\n"
        "    sides: each\n    hold: 20\n    instructions: Lunge.\n",
        encoding="utf-8",
    )

    def starts(*args: str) -> list[str]:
        result = runner.invoke(app, ["plan", str(tiny), "--json", *args])
        assert result.exit_code == 0, result.output
        events = json.loads(result.stdout)["events"]
        return [e["side"] for e in events if e["role"] == "start"]

    assert starts() == ["left", "right"]
    assert starts("--tight-side", "left") == ["left", "right", "left"]
    assert runner.invoke(app, ["config", "set", "tight_side", "right"]).exit_code == 0
    assert starts() == ["right", "left", "right"]
    assert starts("--tight-side", "left") == ["left", "right", "left"]
    wrong = runner.invoke(app, ["plan", str(tiny), "--tight-side", "middle"])
    assert wrong.exit_code == 2
    refused = runner.invoke(app, ["config", "set", "tight_side", "middle"])
    assert refused.exit_code == 2
    assert "tight_side: must be left or right, not 'middle'" in refused.output
    for command in ("run", "export"):
        help_text = runner.invoke(app, [command, "--help"]).stdout
        assert "--tight-side" in help_text


def test_run_and_export_hand_the_tight_side_to_the_plan(voicecoach_home):
    from voicecoach.cli.options import Side, SpeechFlags

    assert SpeechFlags(tight_side=Side.LEFT).settings().options.tight_side == "left"
    assert SpeechFlags().settings().options.tight_side is None
