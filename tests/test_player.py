"""The player keeps every cue on its absolute deadline; it obeys pause, skip, back, quit, Ctrl-C."""

from __future__ import annotations

import itertools

import pytest

from tests.fakes import FakeClock, RecordingSpeaker, ScriptedControls
from tests.routines import TINY
from voicecoach import catalog, paths
from voicecoach.plan import Plan, PlanOptions, build_plan
from voicecoach.player import (
    BACK_RESTART_MS,
    INTERRUPTED,
    QUITTED,
    CueTiming,
    Progress,
    play,
    where,
)
from voicecoach.routine import Routine, parse_routine

event_at = Plan.event_at

SHIPPED = sorted(p.stem for p in paths.builtin_routines_dir().glob("*.yaml"))
EXACT = 1e-6  # seconds: well under a millisecond



def tiny() -> Routine:
    return parse_routine(TINY, "tiny.yaml")


def says(plan: Plan) -> list[tuple[int, str]]:
    return [(i, e.text) for i, e in enumerate(plan.events) if e.kind == "say"]


def first(plan: Plan, role: str, stretch: int | None = None, side: str | None = None) -> int:
    return next(
        i for i, e in enumerate(plan.events)
        if e.role == role and e.kind == "say" and (stretch is None or e.stretch == stretch)
        and (side is None or e.side == side)
    )


def onset(cues: list[CueTiming] | tuple[CueTiming, ...], index: int) -> float:
    return next(c.actual for c in cues if c.index == index)


def test_every_line_starts_on_its_planned_millisecond() -> None:
    plan = build_plan(catalog.load("busy-day"))
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)

    report = play(plan, speaker, clock)

    assert report.finished
    assert speaker.texts == [text for _, text in says(plan)]
    for (at, _), (index, _) in zip(speaker.said, says(plan), strict=True):
        assert at == pytest.approx(plan.events[index].start_ms / 1000, abs=EXACT)
    assert report.max_drift < EXACT
    assert report.elapsed == pytest.approx(plan.total_ms / 1000, abs=EXACT)
    assert report.stretches_completed == len(plan.stretch_names)
    assert report.seconds_done == plan.total_ms / 1000


def test_a_plan_begun_by_the_caller_goes_on_from_the_callers_start() -> None:
    plan = build_plan(catalog.load("busy-day"))
    clock = FakeClock()
    start = clock.now()
    clock.advance(3.0)  # the caller said the first line, then spent 3 s preparing the rest
    speaker = RecordingSpeaker(clock)

    report = play(plan, speaker, clock, started=(start, 1))

    assert report.finished
    assert speaker.texts == [text for _, text in says(plan)][1:]  # the first is not said twice
    for (at, _), (index, _) in zip(speaker.said, says(plan)[1:], strict=True):
        assert at == pytest.approx(plan.events[index].start_ms / 1000, abs=EXACT)
    assert report.elapsed == pytest.approx(plan.total_ms / 1000, abs=EXACT)


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("hold", [None, 45.0])
def test_holds_last_exactly_their_length_while_lines_take_their_time(
    name: str, hold: float | None
) -> None:
    routine = catalog.load(name)
    plan = build_plan(routine, PlanOptions(hold=hold))
    lengths = {e.text: e.seconds for e in reversed(plan.says)}  # shortest use of each text
    clock = FakeClock()
    speaker = RecordingSpeaker(clock, length=lambda text: lengths[text])

    report = play(plan, speaker, clock)

    holds = 0
    expected = sum(len(s.sides_list) for s in routine.stretches if s.hold is not None)
    for i, e in enumerate(plan.events):
        if e.role == "start" and plan.events[i + 1].role == "hold":
            release = next(j for j in range(i, len(plan.events))
                           if plan.events[j].role == "release")
            wanted = hold if hold is not None else routine.stretches[e.stretch].hold
            lasted = onset(report.cues, release) - onset(report.cues, i)
            assert lasted == pytest.approx(wanted, abs=0.0005)
            holds += 1
    assert holds == expected
    assert report.max_drift < EXACT


@pytest.mark.parametrize("name", SHIPPED)
def test_three_second_lines_delay_only_the_cues_that_follow_at_once_never_the_end(
    name: str,
) -> None:
    plan = build_plan(catalog.load(name))
    clock = FakeClock()
    speaker = RecordingSpeaker(clock, length=lambda text: 3.0)

    report = play(plan, speaker, clock)

    assert report.finished
    # Each line starts at its deadline, or as soon as the line before it has been said: no more.
    # So lateness never builds up: the first line with room before it is back on time.
    previous_end = 0.0
    for cue in report.cues:
        assert cue.actual == pytest.approx(max(cue.planned, previous_end), abs=EXACT)
        previous_end = cue.actual + 3.0
    overrun = sum(max(0.0, 3.0 - e.seconds - 0.4) for e in plan.says)
    assert overrun > 30  # a player that waited out each line would end that far behind
    # The end comes on time, or when the last line has been said if that runs past it.
    assert report.elapsed == pytest.approx(max(plan.total_ms / 1000, previous_end), abs=0.010)


class ThreeSecondAudio:
    """Like the audio speaker: `say` starts 3 s of sound and returns; a new line cuts the last."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.heard: list[tuple[float, float]] = []  # (start, end) of each line as heard

    def say(self, text: str) -> None:
        now = self.clock.elapsed
        if self.heard and self.heard[-1][1] > now:
            self.heard[-1] = (self.heard[-1][0], now)  # cut off by the next line
        self.heard.append((now, now + 3.0))

    def stop(self) -> None:
        pass


@pytest.mark.parametrize("name", SHIPPED)
def test_three_second_lines_played_as_audio_leave_the_end_on_time(name: str) -> None:
    plan = build_plan(catalog.load(name))
    clock = FakeClock()
    speaker = ThreeSecondAudio(clock)

    report = play(plan, speaker, clock)

    assert report.finished
    assert abs(report.final_drift) < 0.010
    starts = [e.start_ms / 1000 for e in plan.says]
    assert [start for start, _ in speaker.heard] == pytest.approx(starts, abs=EXACT)
    cut = sum(end - start < 3.0 - EXACT for start, end in speaker.heard)
    assert cut > 20  # many lines ran past their slot, and were cut rather than moving the rest


def test_pause_shifts_everything_after_it_by_the_paused_time() -> None:
    plan = build_plan(tiny())
    start = first(plan, "start", stretch=1)
    pause_at = plan.events[start].end_ms / 1000 + 4.0  # in the silence of the butterfly hold
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(pause_at, "pause"), (pause_at + 37.0, "pause")])

    report = play(plan, speaker, clock, controls=controls)

    (paused, _), (resumed, _) = controls.delivered
    shift = resumed - paused
    assert shift == pytest.approx(37.0, abs=0.2)
    assert report.paused_seconds == pytest.approx(shift, abs=EXACT)
    assert speaker.texts == [text for _, text in says(plan)]  # nothing skipped, nothing doubled
    for (at, _), (index, _) in zip(speaker.said, says(plan), strict=True):
        planned = plan.events[index].start_ms / 1000
        assert at == pytest.approx(planned + (shift if planned > paused else 0.0), abs=EXACT)
    assert paused in speaker.stops
    release = first(plan, "release", stretch=1)
    lasted = onset(report.cues, release) - onset(report.cues, start)
    assert lasted == pytest.approx(20 + shift, abs=EXACT)
    assert report.finished and abs(report.final_drift) < EXACT


def test_a_line_cut_by_pause_is_said_again_from_its_start_on_resume() -> None:
    plan = build_plan(tiny())
    line = first(plan, "instructions", stretch=0)
    event = plan.events[line]
    pause_at = event.start_ms / 1000 + 1.0
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(pause_at, "pause"), (pause_at + 10.0, "pause")])

    report = play(plan, speaker, clock, controls=controls)

    (paused, _), (resumed, _) = controls.delivered
    assert paused < event.end_ms / 1000
    texts = speaker.texts
    k = texts.index(event.text)
    assert texts[k + 1] == event.text  # heard again, in full
    assert texts[:k] + texts[k + 1:] == [text for _, text in says(plan)]
    assert speaker.said[k + 1][0] == pytest.approx(resumed, abs=EXACT)
    shift = resumed - event.start_ms / 1000
    for (at, _), (index, _) in zip(speaker.said[k + 2:], says(plan)[k + 1:], strict=True):
        assert at == pytest.approx(plan.events[index].start_ms / 1000 + shift, abs=EXACT)
    assert report.paused_seconds == pytest.approx(resumed - paused, abs=EXACT)


def test_next_skips_the_rest_of_the_stretch_and_keeps_the_timing_after_it() -> None:
    plan = build_plan(tiny())
    start = first(plan, "start", stretch=0, side="left")
    press = plan.events[start].end_ms / 1000 + 2.0
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(press, "next")])

    report = play(plan, speaker, clock, controls=controls)

    (pressed, _), = controls.delivered
    skipped_to = plan.stretch_start(1)
    assert plan.events[skipped_to].text == "Butterfly."
    k = speaker.texts.index("Butterfly.")
    assert speaker.said[k][0] == pytest.approx(pressed, abs=EXACT)
    assert speaker.said[k - 1][1] == plan.events[start].text  # nothing of stretch 0 after the key
    assert pressed in speaker.stops
    shift = pressed - plan.events[skipped_to].start_ms / 1000
    later = [(i, t) for i, t in says(plan) if i >= skipped_to]
    for (at, text), (index, planned_text) in zip(speaker.said[k:], later, strict=True):
        assert text == planned_text
        assert at == pytest.approx(plan.events[index].start_ms / 1000 + shift, abs=EXACT)
    assert report.finished
    assert report.stretches_completed == 2  # the skipped one does not count


def test_next_waits_until_the_disclaimer_has_been_heard() -> None:
    plan = build_plan(tiny())
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(1.0, "next")])

    play(plan, speaker, clock, controls=controls)

    assert speaker.texts == [text for _, text in says(plan)]
    assert speaker.stops == []


def test_next_after_the_disclaimer_goes_to_the_first_stretch() -> None:
    plan = build_plan(tiny())
    press = plan.events[0].end_ms / 1000 + 0.2
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(press, "next")])

    play(plan, speaker, clock, controls=controls)

    assert speaker.texts[:2] == [plan.events[0].text, "Figure four, left side."]


def test_back_early_in_a_stretch_goes_to_the_one_before() -> None:
    plan = build_plan(tiny())
    begin = plan.stretch_start(1)
    press = plan.events[begin].start_ms / 1000 + 2.0
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(press, "back")])

    report = play(plan, speaker, clock, controls=controls)

    texts = speaker.texts
    again = [k for k, text in enumerate(texts) if text == "Figure four, left side."]
    assert len(again) == 2
    k = again[1]
    assert texts[k - 2:k] == ["Butterfly.", plan.events[begin + 2].text]  # cut off by the key
    assert speaker.said[k][0] == pytest.approx(controls.delivered[0][0], abs=EXACT)
    assert texts[k:] == [text for i, text in says(plan) if i >= plan.stretch_start(0)]
    assert report.finished


def test_back_well_into_a_stretch_restarts_it() -> None:
    plan = build_plan(tiny())
    begin = plan.stretch_start(1)
    press = plan.events[begin].start_ms / 1000 + BACK_RESTART_MS / 1000 + 5.0
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(press, "back")])

    play(plan, speaker, clock, controls=controls)

    assert speaker.texts.count("Butterfly.") == 2
    assert speaker.texts.count("Figure four, left side.") == 1
    again = [at for at, text in speaker.said if text == "Butterfly."][1]
    assert again == pytest.approx(controls.delivered[0][0], abs=EXACT)


def test_quit_silences_at_once_and_says_where_it_stopped() -> None:
    plan = build_plan(tiny())
    start = first(plan, "start", stretch=0, side="right")
    press = plan.events[start].start_ms / 1000 + 5.0
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(press, "quit")])

    report = play(plan, speaker, clock, controls=controls)

    assert report.outcome == QUITTED
    pressed = controls.delivered[0][0]
    assert speaker.stops == [pressed]
    assert all(at <= pressed for at, _ in speaker.said)
    assert clock.elapsed == pytest.approx(pressed, abs=EXACT)
    assert report.stop_line() == "Stopped at stretch 1 of 3: Figure four (right side)."
    assert report.stretches_completed == 0
    assert report.seconds_done == pytest.approx(pressed, abs=0.001)


def test_ctrl_c_in_a_wait_silences_and_reports_the_stretch() -> None:
    plan = build_plan(tiny())
    at = plan.events[first(plan, "start", stretch=1)].start_ms / 1000 + 3.0
    clock = FakeClock(interrupt_at=at)
    speaker = RecordingSpeaker(clock)

    report = play(plan, speaker, clock)

    assert report.outcome == INTERRUPTED
    assert speaker.stops == [pytest.approx(at)]
    assert report.stop_line() == "Stopped at stretch 2 of 3: Butterfly."
    assert report.stretches_completed == 1
    assert report.seconds_done == pytest.approx(at, abs=0.001)


def test_ctrl_c_while_a_line_is_being_said_is_caught_too() -> None:
    plan = build_plan(tiny())
    clock = FakeClock()
    speaker = RecordingSpeaker(clock, interrupt_on=1)

    report = play(plan, speaker, clock)

    assert report.outcome == INTERRUPTED
    assert len(speaker.stops) == 1
    assert report.stop_line() == "Stopped before the first stretch."


def test_ctrl_c_while_paused_keeps_the_paused_position() -> None:
    plan = build_plan(tiny())
    begin = plan.events[plan.stretch_start(2)].start_ms / 1000 + 0.5
    clock = FakeClock(interrupt_at=begin + 60)
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(begin, "pause")])

    report = play(plan, speaker, clock, controls=controls)

    assert report.outcome == INTERRUPTED
    assert report.seconds_done == pytest.approx(controls.delivered[0][0], abs=0.001)
    assert report.stop_line() == "Stopped at stretch 3 of 3: Leg swings."


def test_progress_follows_the_timeline_to_the_end() -> None:
    plan = build_plan(tiny())
    clock = FakeClock()
    seen: list[Progress] = []

    play(plan, RecordingSpeaker(clock), clock, on_progress=seen.append, tick=0.5)

    positions = [p.position_ms for p in seen]
    assert positions == sorted(positions)
    assert positions[-1] == plan.total_ms
    assert max(b - a for a, b in itertools.pairwise(positions)) <= 500
    assert not any(p.paused for p in seen)


def test_where_names_the_part_of_the_routine() -> None:
    plan = build_plan(tiny())
    at = lambda i: plan.events[i].start_ms  # noqa: E731
    assert where(plan, 0) == "before the first stretch"
    assert where(plan, at(first(plan, "name", 0))) == "at stretch 1 of 3: Figure four (left side)"
    rest = where(plan, at(first(plan, "preview", 0)))
    assert rest == "in the rest after stretch 1 of 3: Figure four"
    assert where(plan, at(first(plan, "complete"))) == "after the last stretch"
    assert where(plan, plan.total_ms + 1000) == "after the last stretch"
    assert event_at(plan, -5) == 0


def test_hold_pauses_and_only_resume_ends_it_while_another_hold_is_ignored() -> None:
    plan = build_plan(tiny())
    start = first(plan, "start", stretch=1)
    hold_at = plan.events[start].end_ms / 1000 + 4.0
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    script = [(hold_at, "hold"), (hold_at + 5.0, "hold"), (hold_at + 20.0, "resume")]
    controls = ScriptedControls(clock, script)

    report = play(plan, speaker, clock, controls=controls)

    (held, _), _, (resumed, _) = controls.delivered
    assert resumed - held == pytest.approx(20.0, abs=0.2)
    assert report.paused_seconds == pytest.approx(resumed - held, abs=EXACT)
    assert speaker.texts == [text for _, text in says(plan)]
    release = first(plan, "release", stretch=1)
    assert onset(report.cues, release) == pytest.approx(
        plan.events[release].start_ms / 1000 + (resumed - held), abs=EXACT
    )


def test_resume_while_playing_changes_nothing() -> None:
    plan = build_plan(tiny())
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(20.0, "resume")])

    report = play(plan, speaker, clock, controls=controls)

    assert speaker.texts == [text for _, text in says(plan)]
    assert report.finished and abs(report.final_drift) < EXACT and report.paused_seconds == 0


def test_again_says_the_last_line_again_at_once_and_shifts_what_follows() -> None:
    plan = build_plan(tiny())
    start = first(plan, "start", stretch=1)
    asked = plan.events[start].end_ms / 1000 + 3.0  # in the silence of the butterfly hold
    clock = FakeClock()
    speaker = RecordingSpeaker(clock)
    controls = ScriptedControls(clock, [(asked, "again")])

    report = play(plan, speaker, clock, controls=controls)

    (at, _), = controls.delivered
    texts = speaker.texts
    k = texts.index(plan.events[start].text)
    assert texts[k + 1] == plan.events[start].text
    assert speaker.said[k + 1][0] == pytest.approx(at, abs=EXACT)
    assert at in speaker.stops
    shift = at - plan.events[start].start_ms / 1000
    release = first(plan, "release", stretch=1)
    assert onset([c for c in report.cues if c.actual > at], release) == pytest.approx(
        plan.events[release].start_ms / 1000 + shift, abs=EXACT
    )
    assert report.finished
@pytest.mark.parametrize(
    ("command", "at", "note"),
    [("next", 1.0, "the disclaimer is always heard out"),
     ("back", 1.0, "nothing to go back to yet")],
)
def test_a_key_that_does_nothing_leaves_a_note_for_a_moment(
    command: str, at: float, note: str
) -> None:
    from voicecoach.player import NOTE_SECONDS

    plan = build_plan(tiny())
    clock = FakeClock()
    shown: list[tuple[float, str]] = []
    controls = ScriptedControls(clock, [(at, command)])

    play(plan, RecordingSpeaker(clock), clock, controls=controls,
         on_progress=lambda p: shown.append((clock.elapsed, p.note)))

    noted = [t for t, n in shown if n == note]
    assert noted and min(noted) == pytest.approx(at, abs=0.11)
    assert max(noted) < at + NOTE_SECONDS
    assert all(n in ("", note) for _, n in shown)
    assert shown[-1][1] == ""


def test_skipping_to_the_end_is_recorded_as_skipped_with_the_time_actually_spent() -> None:
    from voicecoach.outcome import SKIPPED

    plan = build_plan(tiny())
    presses = [(40.0, "next"), (40.5, "next"), (41.0, "next"), (41.5, "next"), (42.0, "next")]
    clock = FakeClock()
    controls = ScriptedControls(clock, presses)

    report = play(plan, RecordingSpeaker(clock), clock, controls=controls)

    assert report.finished  # it reached the end...
    assert report.outcome == SKIPPED  # ...by skipping, which is what is recorded
    assert report.seconds_done == pytest.approx(report.elapsed, abs=EXACT)
    assert report.seconds_done < plan.total_ms / 1000 / 2
    assert report.stretches_completed < len(plan.stretch_names)


def test_a_run_heard_out_is_finished_with_the_whole_routine() -> None:
    from voicecoach.outcome import FINISHED

    plan = build_plan(tiny())
    clock = FakeClock()
    report = play(plan, RecordingSpeaker(clock), clock, controls=ScriptedControls(clock, []))
    assert report.outcome == FINISHED
    assert report.seconds_done == plan.total_ms / 1000


def test_time_paused_is_not_time_spent_when_skipping() -> None:
    from voicecoach.outcome import SKIPPED

    plan = build_plan(tiny())
    clock = FakeClock()
    script = [(30.0, "pause"), (90.0, "pause"), (100.0, "next"), (101.0, "next"), (102.0, "next"),
              (103.0, "next"), (104.0, "next")]
    report = play(plan, RecordingSpeaker(clock), clock, controls=ScriptedControls(clock, script))
    assert report.outcome == SKIPPED
    assert report.paused_seconds == pytest.approx(60.0, abs=EXACT)
    assert report.seconds_done == pytest.approx(report.elapsed - 60.0, abs=EXACT)
