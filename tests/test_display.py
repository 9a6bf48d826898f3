"""The live view: stretch and side, a countdown bar for the hold, what is next, overall progress."""

from __future__ import annotations

import io

from voicecoach.display import LiveDisplay, bar, clock, render
from voicecoach.plan import Plan, build_plan
from voicecoach.player import Progress
from voicecoach.routine import parse_routine

ROUTINE = """
title: Busy day hip reset
style: mixed
stretches:
  - name: Front to back leg swings
    targets: [hip flexors]
    sides: each
    reps: 8
    instructions: Swing the leg forward and back.
  - name: Kneeling hip flexor stretch
    targets: [hip flexors]
    sides: each
    hold: 25
    instructions: Kneel and shift forward.
  - name: Butterfly stretch
    targets: [adductors]
    hold: 25
    instructions: Sit with the soles of your feet together.
  - name: Figure four stretch
    targets: [glutes]
    sides: each
    hold: 25
    instructions: Cross one ankle over the other knee.
"""


def busy_day() -> Plan:
    return build_plan(parse_routine(ROUTINE, "busy-day.yaml"))


def at_role(plan: Plan, role: str, stretch: int, side: str | None = None) -> int:
    return next(
        e.start_ms for e in plan.events
        if e.role == role and e.stretch == stretch and (side is None or e.side == side)
    )


def test_bar_fills_by_fraction() -> None:
    assert bar(0.0, 4) == "░░░░"
    assert bar(0.5, 4) == "██░░"
    assert bar(1.5, 4) == "████"


def test_before_the_first_stretch() -> None:
    plan = busy_day()
    lines = render(Progress(plan, 0))
    assert lines[:4] == [
        "Busy day hip reset",
        "Getting started",
        "",
        "Next: Front to back leg swings",
    ]
    assert lines[4].startswith("All   ░░░")
    assert lines[4].endswith(f" 0:00 / {clock(plan.total_ms / 1000)}")


def test_a_hold_counts_down_with_a_bar() -> None:
    plan = busy_day()
    start = at_role(plan, "start", 1, "right")
    lines = render(Progress(plan, start + 10_000), keys=True)
    assert lines[1] == "Stretch 2 of 4: Kneeling hip flexor stretch, right side"
    assert lines[2] == "Hold  " + "█" * 12 + "░" * 18 + "  15 s left"
    assert lines[3] == "Next: Butterfly stretch"
    assert lines[5] == "space pause · n next · b back · q quit   (Ctrl-C stops)"


def test_reps_show_how_many_are_done() -> None:
    plan = busy_day()
    third = [e for e in plan.events if e.role == "rep" and e.stretch == 0 and e.side == "left"][2]
    lines = render(Progress(plan, third.start_ms + 100))
    assert lines[1] == "Stretch 1 of 4: Front to back leg swings, left side"
    assert lines[2].startswith("Reps  ") and lines[2].endswith("  3 of 8")


def test_no_bar_outside_the_hold() -> None:
    plan = busy_day()
    lines = render(Progress(plan, at_role(plan, "release", 1, "left") + 50))
    assert lines[2] == ""
    lines = render(Progress(plan, at_role(plan, "instructions", 1)))
    assert lines[2] == ""


def test_rest_last_stretch_and_pause() -> None:
    plan = busy_day()
    rest = render(Progress(plan, at_role(plan, "preview", 2) + 100, paused=True))
    assert rest[0] == "Busy day hip reset   (paused: press space to go on)"
    assert rest[1] == "Rest after stretch 3 of 4: Butterfly stretch"
    assert rest[3] == "Next: Figure four stretch"
    last = render(Progress(plan, at_role(plan, "name", 3)))
    assert last[3] == "Next: Figure four stretch, right side"
    switch = next(i for i, e in enumerate(plan.events) if e.role == "switch" and e.stretch == 3)
    right = render(Progress(plan, plan.events[switch].start_ms + 100))
    assert right[1] == "Stretch 4 of 4: Figure four stretch, right side"
    assert right[3] == "Next: routine complete"
    closing = next(e for e in plan.events if e.role == "insoles")
    assert render(Progress(plan, closing.start_ms + 100))[3] == "Next: the end"
    end = render(Progress(plan, plan.total_ms))
    assert end[1] == "Finishing"
    total = clock(plan.total_ms / 1000)
    assert end[4] == "All   " + "█" * 30 + f"  {total} / {total}"


def test_live_display_prints_cues_above_the_view() -> None:
    plan = busy_day()
    out = io.StringIO()
    with LiveDisplay(plan, file=out) as display:
        display.write("[0:00] First, a note")
        display.update(Progress(plan, plan.total_ms))
    text = out.getvalue()
    assert "[0:00] First, a note" in text
    assert f"{clock(plan.total_ms / 1000)} / " in text


def test_the_view_left_after_the_end_has_nothing_next_and_no_keys() -> None:
    plan = busy_day()
    end = Progress(plan, plan.total_ms)
    assert any(line.startswith("Next:") for line in render(end, keys=True))
    over = render(end, keys=True, over=True)
    assert over[0] == "Busy day hip reset" and over[1] == "Finishing"
    assert not any(line.startswith("Next:") or "q quit" in line for line in over)
    assert over[-1].startswith("All   " + "█" * 30)


def test_live_display_leaves_the_ended_view_on_screen() -> None:
    plan = busy_day()
    out = io.StringIO()  # not a terminal: the view is written once, as it is left at the end
    with LiveDisplay(plan, keys=True, file=out) as display:
        display.update(Progress(plan, plan.total_ms))
    text = out.getvalue()
    assert "Finishing" in text and f"{clock(plan.total_ms / 1000)} / " in text
    assert "Next:" not in text and "q quit" not in text


def test_a_key_that_does_nothing_gets_a_note_in_the_view() -> None:
    plan = busy_day()
    lines = render(Progress(plan, 100, note="the disclaimer is always heard out"), keys=True)
    assert lines[0] == "Busy day hip reset   (the disclaimer is always heard out)"


def test_with_a_tighter_side_next_names_the_set_still_to_come() -> None:
    from voicecoach.plan import PlanOptions

    plan = build_plan(parse_routine(ROUTINE, "busy-day.yaml"), PlanOptions(tight_side="right"))
    first = render(Progress(plan, at_role(plan, "start", 1, "right") + 100))
    assert first[1] == "Stretch 2 of 4: Kneeling hip flexor stretch, right side"
    assert first[3] == "Next: Kneeling hip flexor stretch, left side"
    left = render(Progress(plan, at_role(plan, "start", 1, "left") + 100))
    assert left[3] == "Next: Kneeling hip flexor stretch, right side"
    extra = [e for e in plan.events if e.role == "start" and e.stretch == 1][2]
    assert render(Progress(plan, extra.start_ms + 100))[3] == "Next: Butterfly stretch"
