"""What `plan --json` shows for each shipped routine: the disclaimer, then the pain rule; time to
change sides on the floor; a cue to come up at the end; the equipment in the introduction."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from voicecoach import catalog, content, paths
from voicecoach.cli import app

FLOOR = {"kneeling", "seated", "lying"}
NAMES = sorted(p.stem for p in paths.builtin_routines_dir().glob("*.yaml"))


def plan_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["plan", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module", params=NAMES)
def shipped(request: pytest.FixtureRequest) -> tuple[Any, list[dict[str, Any]]]:
    return catalog.load(request.param), plan_json(request.param)["events"]


def says(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == "say"]


def test_the_disclaimer_comes_first_and_the_pain_rule_second(shipped):
    _, events = shipped
    assert events[0]["kind"] == "say" and events[0]["role"] == "disclaimer"
    assert events[0]["text"] == content.DISCLAIMER
    second = says(events)[1]
    assert (second["role"], second["text"]) == ("pain", content.PAIN_RULE)
    assert sum(e["text"] == content.PAIN_RULE for e in says(events)) == 1


def test_the_introduction_names_the_equipment_once(shipped):
    routine, events = shipped
    intro = says(events)[2]
    assert intro["role"] == "intro" and intro["text"].startswith(routine.title)
    items = routine.equipment
    if "wall or chair" in items and ({"wall", "chair"} & set(items)):
        items = [i for i in items if i != "wall or chair"]
    for item in items:
        assert content.EQUIPMENT[item] in intro["text"]
    assert ("You'll need" in intro["text"]) == bool(items)
    assert sum("You'll need" in e["text"] for e in says(events)) == (1 if items else 0)


def test_the_why_is_spoken_after_the_introduction(shipped):
    routine, events = shipped
    assert routine.why
    why = says(events)[3]
    assert (why["role"], why["text"]) == ("why", routine.why)


def test_every_side_switch_on_the_floor_leaves_at_least_8_seconds_of_silence(shipped):
    routine, events = shipped
    switches = 0
    for i, event in enumerate(events):
        if event["role"] != "switch":
            continue
        stretch = routine.stretches[event["stretch"]]
        start = next(j for j in range(i, len(events)) if events[j]["role"] == "start")
        between = events[i + 1:start]
        if stretch.position in FLOOR:
            switches += 1
            silent = [e for e in between if e["kind"] == "pause" and e["role"] == "transition"]
            assert len(silent) == 1 and silent[0]["seconds"] >= 8, between
            after = between[between.index(silent[0]) + 1:]
            assert all(e["role"] in ("form", "gap") for e in after), after
    on_floor = [s for s in routine.stretches if s.position in FLOOR and s.sides == "each"]
    assert switches == len(on_floor)


def test_going_down_to_the_floor_is_announced_with_time_to_get_there(shipped):
    routine, events = shipped
    before = "standing"
    for index, stretch in enumerate(routine.stretches):
        if stretch.position in FLOOR and before not in FLOOR:
            cue = next(e for e in events if e["stretch"] == index and e["role"] == "position")
            assert cue["text"] == content.COME_DOWN
            after = events[events.index(cue) + 1:]
            pause = next(e for e in after if e["kind"] == "pause" and e["role"] != "gap")
            assert pause["role"] == "transition" and pause["seconds"] >= 8
        before = stretch.position


def test_a_routine_that_ends_on_the_floor_ends_with_a_cue_to_come_up_slowly(shipped):
    routine, events = shipped
    last = routine.stretches[-1].position
    roles = [e["role"] for e in says(events)]
    if last in FLOOR:
        cue = next(e for e in events if e["role"] == "come-up")
        assert cue["text"] == content.come_up(last)
        assert roles[-3:] == ["come-up", "complete", "insoles"]
        rest = events[events.index(cue) + 1:]
        assert max(e["seconds"] for e in rest if e["kind"] == "pause") >= 8
    else:
        assert "come-up" not in roles


def test_some_shipped_routines_end_on_the_floor_and_some_do_not():
    ends = {catalog.load(name).stretches[-1].position in FLOOR for name in NAMES}
    assert ends == {True, False}


def test_halfway_and_form_cues_in_a_hold_never_crowd_the_cue_before_or_after(shipped):
    _, events = shipped
    spoken = says(events)
    holding = False
    for before, cue, after in zip(spoken, spoken[1:], spoken[2:]):
        if before["role"] in ("start", "release"):
            holding = before["text"].startswith("Hold for")
        if holding and cue["role"] in ("halfway", "form"):
            assert cue["at"] - (before["at"] + before["seconds"]) >= 1.5 - 1e-9, (before, cue)
            assert after["at"] - (cue["at"] + cue["seconds"]) >= 1.5 - 1e-9, (cue, after)


@pytest.mark.parametrize("name", NAMES)
def test_with_a_tighter_side_every_extra_set_on_the_floor_gets_8_silent_seconds_too(name: str):
    routine = catalog.load(name)
    events = plan_json(name, "--tight-side", "left")["events"]
    for i, event in enumerate(events):
        if event["role"] != "switch":
            continue
        start = next(j for j in range(i, len(events)) if events[j]["role"] == "start")
        if routine.stretches[event["stretch"]].position in FLOOR:
            silent = [e for e in events[i + 1:start] if e["role"] == "transition"]
            assert [e["seconds"] >= 8 for e in silent] == [True]
    extra = [e for e in says(events) if e["text"].startswith("One more set on your left side")]
    assert len(extra) == sum(s.sides == "each" for s in routine.stretches)
