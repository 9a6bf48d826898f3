"""The timed plan follows PRODUCT.md's timing rules, whatever the routine and the voice."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.routines import hold, make_routine, quick, reps
from voicecoach import content
from voicecoach.plan import (
    CUE_GAP_MS,
    GAP_MS,
    Event,
    Plan,
    PlanOptions,
    build_plan,
    estimate_speech_seconds,
)
from voicecoach.rates import DEFAULT_ENGINE, SPEECH_FITS
from voicecoach.routine import Routine, parse_routine


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def says(plan: Plan, role: str | None = None, stretch: int | None = None) -> list[Event]:
    return [
        e for e in plan.says
        if (role is None or e.role == role) and (stretch is None or e.stretch == stretch)
    ]


def one(events: list[Event]) -> Event:
    assert len(events) == 1, events
    return events[0]


def assert_contiguous(plan: Plan) -> None:
    """Every event starts where the one before ended; nothing is empty, nothing overlaps."""
    assert plan.events[0].start_ms == 0
    for before, after in pairwise(plan.events):
        assert after.start_ms == before.end_ms, (before, after)
    for event in plan.events:
        assert event.duration_ms > 0, event
        assert event.kind in ("say", "pause")
    for a, b in pairwise(plan.says):
        assert a.end_ms <= b.start_ms
    assert plan.total_ms == plan.events[-1].end_ms


def hold_windows(plan: Plan, stretch: int) -> list[tuple[Event, Event]]:
    """(start cue, release cue) pairs of a stretch, one per side."""
    return list(zip(says(plan, "start", stretch), says(plan, "release", stretch), strict=True))


def transition_ms(plan: Plan, stretch: int) -> list[int]:
    """Length of each transition (position cue and the pause after it), one per side."""
    lengths: dict[str | None, int] = {}
    for e in plan.events:
        if e.stretch == stretch and e.role in ("position", "transition"):
            lengths[e.side] = lengths.get(e.side, 0) + e.duration_ms
    return list(lengths.values())


# --- Generated routines and voices ------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """A speech-length function: a base, a per-word time and a fixed jitter per line."""

    base: float
    per_word: float
    jitter: float

    def __call__(self, text: str) -> float:
        words = len(text.split())
        wobble = (zlib.crc32(text.encode()) % 1000) / 1000 * self.jitter
        return self.base + self.per_word * words + wobble


voices = st.builds(
    Voice,
    base=st.floats(0.05, 2.0),
    per_word=st.floats(0.0, 0.8),
    jitter=st.floats(0.0, 1.5),
)
cue_texts = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Zs")), min_size=1, max_size=60
).filter(lambda s: s.strip() != "")
hold_stretches = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Pigeon", "Butterfly", "Lunge"]),
        "targets": st.just(["glutes"]),
        "instructions": cue_texts,
        "hold": st.integers(5000, 600_000).map(lambda m: m / 1000),
        "sides": st.sampled_from(["each", "none"]),
        "cues": st.lists(cue_texts, max_size=10),
    },
    optional={"transition": st.integers(0, 30), "safety": cue_texts},
)
rep_stretches = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Leg swings", "Hip circles"]),
        "targets": st.just(["hip flexors"]),
        "instructions": cue_texts,
        "reps": st.integers(1, 30),
        "sides": st.sampled_from(["each", "none"]),
        "cues": st.lists(cue_texts, max_size=3),
    },
    optional={"tempo": st.integers(800, 5000).map(lambda m: m / 1000)},
)
routines = st.builds(
    lambda stretches, transition, rest: make_routine(*stretches, transition=transition, rest=rest),
    st.lists(st.one_of(hold_stretches, rep_stretches), min_size=1, max_size=4),
    st.integers(0, 20),
    st.integers(0, 30),
)
options = st.builds(PlanOptions, insoles=st.booleans())
slow = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@slow
@given(routine=routines, voice=voices, opts=options)
def test_every_plan_is_contiguous_and_no_two_says_overlap(
    routine: Routine, voice: Voice, opts: PlanOptions
) -> None:
    plan = build_plan(routine, opts, voice)
    assert_contiguous(plan)
    assert plan.estimated_seconds == plan.total_ms / 1000


@slow
@given(routine=routines, voice=voices, opts=options)
def test_a_say_lasts_as_long_as_its_speech_unless_the_next_cue_is_due(
    routine: Routine, voice: Voice, opts: PlanOptions
) -> None:
    plan = build_plan(routine, opts, voice)
    for say, following in zip(plan.says, plan.says[1:] + [None]):
        spoken = max(1, ms(voice(say.text)))
        limit = following.start_ms - say.start_ms if following else spoken
        assert say.duration_ms == min(spoken, limit), say


@slow
@given(routine=routines, voice=voices, opts=options)
def test_the_disclaimer_is_always_first_and_the_close_last(
    routine: Routine, voice: Voice, opts: PlanOptions
) -> None:
    plan = build_plan(routine, opts, voice)
    assert plan.events[0] == Event(
        "say", 0, ms(voice(content.DISCLAIMER)), "disclaimer", content.DISCLAIMER
    )
    closing = [(e.role, e.text) for e in plan.says[-2:]]
    if opts.insoles:
        assert closing == [("complete", content.COMPLETE), ("insoles", content.INSOLES)]
    else:
        assert closing[-1] == ("complete", content.COMPLETE)
    assert sum(e.role == "insoles" for e in plan.says) == (1 if opts.insoles else 0)


@slow
@given(routine=routines, voice=voices)
def test_a_hold_lasts_exactly_its_seconds_from_start_cue_to_release_whatever_the_cues(
    routine: Routine, voice: Voice
) -> None:
    plan = build_plan(routine, PlanOptions(), voice)
    for index, stretch in enumerate(routine.stretches):
        if stretch.hold is None:
            continue
        windows = hold_windows(plan, index)
        assert len(windows) == len(stretch.sides_list)
        for start, release in windows:
            assert start.text == content.start_hold(stretch.hold)
            assert release.start_ms - start.start_ms == ms(stretch.hold)
            inside = [e for e in plan.events if start.start_ms <= e.start_ms < release.start_ms]
            assert {e.role for e in inside if e.kind == "pause"} <= {"hold"}
            assert {e.role for e in inside if e.kind == "say"} <= {
                "start", "halfway", "form", "remaining", "count"
            }


@slow
@given(routine=routines, voice=voices)
def test_halfway_and_3_2_1_land_exactly_on_their_marks_whenever_they_fit(
    routine: Routine, voice: Voice
) -> None:
    plan = build_plan(routine, PlanOptions(), voice)

    def spoken(text: str) -> int:
        return max(1, ms(voice(text)))

    for index, stretch in enumerate(routine.stretches):
        if stretch.hold is None:
            continue
        n = ms(stretch.hold)
        start_end = spoken(content.start_hold(stretch.hold)) + CUE_GAP_MS
        countdown = start_end <= n - 3000 and all(spoken(c) + 100 <= 1000 for c in "321")
        free_until = n - 3000 if countdown else n
        remaining_at = n - 10000
        if n >= 45000 and remaining_at + spoken("10 seconds left.") + CUE_GAP_MS <= free_until:
            free_until = remaining_at  # "10 seconds left." is always said when it fits
        halfway_end = n // 2 + spoken(content.HALFWAY) + CUE_GAP_MS
        halfway_fits = start_end <= n // 2 and halfway_end <= free_until
        for start, release in hold_windows(plan, index):
            inside = [e for e in plan.says if start.start_ms < e.start_ms < release.start_ms]
            counts = [(e.text, e.start_ms - start.start_ms) for e in inside if e.role == "count"]
            marks = [("3", n - 3000), ("2", n - 2000), ("1", n - 1000)]
            assert counts == (marks if countdown else [])
            halves = [e.start_ms - start.start_ms for e in inside if e.role == "halfway"]
            if n < 20000:
                assert halves == []
            elif halfway_fits:
                assert halves == [n // 2]


@slow
@given(routine=routines, voice=voices)
def test_reps_are_counted_on_the_beat_whatever_the_voice(routine: Routine, voice: Voice) -> None:
    plan = build_plan(routine, PlanOptions(), voice)
    for index, stretch in enumerate(routine.stretches):
        if stretch.reps is None:
            continue
        beat = ms(stretch.beat)
        for side in stretch.sides_list:
            counted = [e for e in says(plan, "rep", index) if e.side == side]
            first = counted[0].start_ms
            assert [(e.text, e.start_ms - first) for e in counted] == [
                (str(k), (k - 1) * beat) for k in range(1, stretch.reps + 1)
            ]
            release = one([e for e in says(plan, "release", index) if e.side == side])
            assert release.start_ms - first == stretch.reps * beat


@slow
@given(routine=routines, voice=voices, opts=options)
def test_every_transition_lasts_its_seconds_whether_or_not_its_cue_fits(
    routine: Routine, voice: Voice, opts: PlanOptions
) -> None:
    plan = build_plan(routine, opts, voice)
    for index, stretch in enumerate(routine.stretches):
        expected = ms(routine.transition_for(stretch))
        if expected == 0:
            continue
        assert transition_ms(plan, index) == [expected] * len(stretch.sides_list)


@settings(max_examples=40, deadline=None)
@given(
    seconds=st.integers(5000, 600_000).map(lambda m: m / 1000),
    cues=st.lists(cue_texts, max_size=10),
    voice=voices,
)
def test_form_cues_never_lengthen_a_hold(seconds: float, cues: list[str], voice: Voice) -> None:
    bare = build_plan(make_routine(hold(seconds=seconds)), PlanOptions(), voice)
    cued = build_plan(make_routine(hold(seconds=seconds, cues=cues)), PlanOptions(), voice)
    assert cued.total_ms == bare.total_ms
    assert [(s.start_ms, r.start_ms) for s, r in hold_windows(cued, 0)] == [
        (s.start_ms, r.start_ms) for s, r in hold_windows(bare, 0)
    ]
    spoken = [e.text for e in says(cued, "form")]
    assert len(spoken) <= len(cues) and set(spoken) <= set(cues)


def test_each_cue_inside_a_hold_is_spoken_in_full_before_the_next():
    cues = ["Breathe out.", "Shoulders level.", "Soft knees."]
    routine = make_routine(hold(seconds=60, cues=cues))
    plan = build_plan(routine, PlanOptions(), quick)
    start, release = one(hold_windows(plan, 0))
    inside = [e for e in plan.says if start.start_ms <= e.start_ms < release.start_ms]
    assert [e.role for e in inside] == [
        "start", "form", "form", "halfway", "form", "remaining", "count", "count", "count"
    ]
    for a, b in pairwise(inside):
        assert a.duration_ms == ms(quick(a.text))
        assert b.start_ms >= a.end_ms + CUE_GAP_MS


# --- Order of a stretch ---------------------------------------------------------------------


def test_a_stretch_says_name_instructions_safety_then_positions_holds_and_releases():
    routine = make_routine(hold(seconds=10, safety="Ease off if it pinches."), hold("Second"))
    plan = build_plan(routine, PlanOptions(), quick)
    first = [(e.kind, e.role) for e in plan.events if e.stretch == 0]
    assert first == [
        ("say", "name"), ("pause", "gap"),
        ("say", "instructions"), ("pause", "gap"),
        ("say", "safety"), ("pause", "gap"),
        ("say", "position"), ("pause", "transition"),
        ("say", "start"), ("pause", "hold"),
        ("say", "count"), ("pause", "hold"),
        ("say", "count"), ("pause", "hold"),
        ("say", "count"), ("pause", "hold"),
        ("say", "release"), ("pause", "gap"),
        ("say", "preview"), ("pause", "rest"),
    ]
    assert [e.text for e in says(plan, stretch=0)][:3] == [
        "Hip hold.", "Do the Hip hold.", "Ease off if it pinches."
    ]


def test_a_stretch_without_its_own_safety_cue_gets_the_default_one():
    plan = build_plan(make_routine(hold()), PlanOptions(), quick)
    assert one(says(plan, "safety")).text == content.DEFAULT_SAFETY


def test_a_rep_stretch_says_its_form_cues_before_counting():
    routine = make_routine(reps(count=3, cues=["Shoulders level, arms even."]))
    plan = build_plan(routine, PlanOptions(), quick)
    assert [e.role for e in plan.says if e.stretch == 0] == [
        "name", "instructions", "safety", "position", "form", "start",
        "rep", "rep", "rep", "release",
    ]


def test_the_introduction_comes_right_after_the_disclaimer():
    plan = build_plan(make_routine(hold(), title="Hips"), PlanOptions(), quick)
    assert [e.role for e in plan.says[:5]] == ["disclaimer", "pain", "intro", "intro", "name"]
    assert plan.says[1].text == content.PAIN_RULE
    assert plan.says[2].text.startswith("Hips. About ")
    assert plan.says[3].text == content.LETS_START


# --- Inside a hold --------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [20, 30, 45, 60, 120, 600])
def test_a_long_hold_gets_a_halfway_cue_exactly_at_its_middle(seconds: int):
    plan = build_plan(make_routine(hold(seconds=seconds)), PlanOptions(), quick)
    start, _ = one(hold_windows(plan, 0))
    halfway = one(says(plan, "halfway"))
    assert halfway.text == content.HALFWAY
    assert halfway.start_ms - start.start_ms == seconds * 1000 // 2


@pytest.mark.parametrize("seconds", [5, 10, 15, 19.999])
def test_a_short_hold_has_no_halfway_cue(seconds: float):
    plan = build_plan(make_routine(hold(seconds=seconds)), PlanOptions(), quick)
    assert says(plan, "halfway") == []


@pytest.mark.parametrize("seconds", [5, 8, 20, 30, 90])
def test_a_hold_ends_with_3_2_1_one_second_apart(seconds: int):
    plan = build_plan(make_routine(hold(seconds=seconds)), PlanOptions(), quick)
    start, release = one(hold_windows(plan, 0))
    counts = says(plan, "count")
    assert [(c.text, c.start_ms - start.start_ms) for c in counts] == [
        ("3", (seconds - 3) * 1000), ("2", (seconds - 2) * 1000), ("1", (seconds - 1) * 1000)
    ]
    assert release.start_ms == start.start_ms + seconds * 1000


def test_the_countdown_is_left_out_rather_than_talked_over():
    # "Hold for 5 seconds." takes 2.5 s here, so "3" at 2 s would cut into it.
    def voice(text: str) -> float:
        return 0.5 if text.isdigit() else 2.5

    plan = build_plan(make_routine(hold(seconds=5)), PlanOptions(), voice)
    assert says(plan, "count") == []
    start, release = one(hold_windows(plan, 0))
    assert release.start_ms - start.start_ms == 5000
    assert start.duration_ms == 2500


# --- Reps -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "tempo"), [(1, 2.0), (8, 1.5), (12, 0.8), (15, 3.25)])
def test_reps_are_counted_on_the_beat(count: int, tempo: float):
    plan = build_plan(make_routine(reps(count=count, tempo=tempo)), PlanOptions(), quick)
    counted = says(plan, "rep")
    first = counted[0].start_ms
    assert [(e.text, e.start_ms - first) for e in counted] == [
        (str(k), (k - 1) * ms(tempo)) for k in range(1, count + 1)
    ]
    release = one(says(plan, "release"))
    assert release.text == content.STOP_REPS
    assert release.start_ms - first == count * ms(tempo)
    assert one(says(plan, "start")).text == content.start_reps(count)


def test_reps_without_a_tempo_are_two_seconds_apart():
    plan = build_plan(make_routine(reps(count=4)), PlanOptions(), quick)
    assert [e.start_ms - says(plan, "rep")[0].start_ms for e in says(plan, "rep")] == [
        0, 2000, 4000, 6000
    ]


def test_a_count_too_slow_for_the_beat_is_cut_at_the_next_count():
    plan = build_plan(make_routine(reps(count=3, tempo=1)), PlanOptions(), lambda t: 1.5)
    counted = says(plan, "rep")
    assert [(e.start_ms - counted[0].start_ms, e.duration_ms) for e in counted] == [
        (0, 1000), (1000, 1000), (2000, 1000)
    ]
    assert_contiguous(plan)


# --- Sides ----------------------------------------------------------------------------------


def test_each_side_does_left_then_switch_transition_and_right_with_the_same_hold():
    routine = make_routine(hold("Pigeon", 45, sides="each", cues=["Breathe."]), transition=7)
    plan = build_plan(routine, PlanOptions(), quick)
    spoken = [(e.role, e.side, e.text) for e in says(plan, stretch=0)]
    left_hold = [x for x in spoken if x[1] == "left"]
    right_hold = [x for x in spoken if x[1] == "right"]
    assert spoken[0] == ("name", "left", "Pigeon, left side.")
    assert [r for r, _, _ in left_hold] == [
        "name", "instructions", "safety", "position", "start", "form", "halfway",
        "remaining", "count", "count", "count", "release",
    ]
    assert [(r, t) for r, _, t in right_hold] == [
        ("switch", "Switch sides."),
        ("position", "Right side. Get into position."),
        ("start", "Hold for 45 seconds."),
        ("form", "Breathe."), ("halfway", "Halfway."), ("remaining", "10 seconds left."),
        ("count", "3"), ("count", "2"), ("count", "1"),
        ("release", "And release."),
    ]
    (l_start, l_release), (r_start, r_release) = hold_windows(plan, 0)
    assert l_release.start_ms - l_start.start_ms == r_release.start_ms - r_start.start_ms == 45000
    offsets = [
        [e.start_ms - s.start_ms for e in plan.says if s.start_ms <= e.start_ms < r.end_ms]
        for s, r in hold_windows(plan, 0)
    ]
    assert offsets[0] == offsets[1]
    assert transition_ms(plan, 0) == [7000, 7000]


def test_each_side_of_a_rep_stretch_gets_the_same_count():
    plan = build_plan(make_routine(reps(count=5, tempo=1.5, sides="each")), PlanOptions(), quick)
    for side in ("left", "right"):
        counted = [e for e in says(plan, "rep") if e.side == side]
        assert [e.start_ms - counted[0].start_ms for e in counted] == [0, 1500, 3000, 4500, 6000]
    assert one(says(plan, "switch")).side == "right"


# --- Between stretches and at the end -------------------------------------------------------


def test_a_rest_previews_the_next_stretch_between_stretches_and_not_after_the_last():
    routine = make_routine(hold("Pigeon"), reps("Leg swings"), hold("Butterfly"), rest=12)
    plan = build_plan(routine, PlanOptions(), quick)
    previews = says(plan, "preview")
    assert [(e.stretch, e.text) for e in previews] == [
        (0, "Rest. Next up: Leg swings."), (1, "Rest. Next up: Butterfly."),
    ]
    for preview in previews:
        index = plan.events.index(preview)
        assert plan.events[index + 1].role == "rest"
        assert plan.events[index + 1].end_ms - preview.start_ms == 12000
        assert plan.events[index + 2].role == "name"
    last_release = says(plan, "release")[-1]
    after_last = plan.events[plan.events.index(last_release) + 1:]
    assert [e.role for e in after_last if e.kind == "say"] == ["complete", "insoles"]


def test_a_single_stretch_routine_has_no_rest():
    plan = build_plan(make_routine(hold()), PlanOptions(), quick)
    assert [e for e in plan.events if e.role in ("rest", "preview")] == []


def test_a_rest_too_short_for_its_preview_still_lets_the_preview_finish():
    routine = make_routine(hold("A"), hold("B"), rest=0)
    plan = build_plan(routine, PlanOptions(), quick)
    preview = one(says(plan, "preview"))
    following = plan.events[plan.events.index(preview) + 1:]
    assert following[0].role == "rest" and following[0].duration_ms == GAP_MS
    assert following[1].role == "name"


def test_the_routine_ends_with_complete_then_the_insoles():
    plan = build_plan(make_routine(hold()), PlanOptions(), quick)
    assert [(e.role, e.text) for e in plan.says[-2:]] == [
        ("complete", content.COMPLETE), ("insoles", content.INSOLES),
    ]
    assert plan.events[-1].role == "insoles"


@pytest.mark.parametrize(
    "routine",
    [
        make_routine(hold()),
        make_routine(hold("A", sides="each"), reps("B", sides="each"), hold("C", 60)),
    ],
)
def test_without_insoles_only_the_insole_mention_goes(routine: Routine):
    with_insoles = build_plan(routine, PlanOptions(insoles=True), quick)
    without = build_plan(routine, PlanOptions(insoles=False), quick)
    # The mention and the gap that leads into it: the rest is the same, event for event.
    assert with_insoles.events[:-2] == without.events
    assert [e.role for e in with_insoles.events[-2:]] == ["gap", "insoles"]
    assert with_insoles.events[-2].kind == "pause"
    assert [e for e in with_insoles.says if e.role != "insoles"] == without.says
    assert without.says[-1].role == "complete"


# --- Options --------------------------------------------------------------------------------


def test_a_hold_override_sets_every_hold_and_leaves_reps_alone():
    routine = make_routine(hold("A", 30), reps("B", 6, tempo=1.5), hold("C", 60, sides="each"))
    plan = build_plan(routine, PlanOptions(hold=25), quick)
    assert [r.start_ms - s.start_ms for i in (0, 2) for s, r in hold_windows(plan, i)] == [
        25000, 25000, 25000
    ]
    assert {e.text for e in says(plan, "start") if e.stretch != 1} == {"Hold for 25 seconds."}
    counted = says(plan, "rep")
    assert counted[-1].start_ms - counted[0].start_ms == 5 * 1500


def test_hold_scale_scales_every_hold():
    routine = make_routine(hold("A", 30), hold("B", 45))
    plan = build_plan(routine, PlanOptions(hold_scale=1.5), quick)
    # 45 * 1.5 = 67.5 is rounded to whole seconds: the voice says "Hold for 68 seconds".
    assert [r.start_ms - s.start_ms for i in (0, 1) for s, r in hold_windows(plan, i)] == [
        45000, 68000
    ]
    assert [e.text for e in plan.says if e.role == "start"] == [
        "Hold for 45 seconds.", "Hold for 68 seconds."
    ]


def test_a_hold_override_wins_over_hold_scale():
    plan = build_plan(make_routine(hold(seconds=30)), PlanOptions(hold=20, hold_scale=2), quick)
    start, release = one(hold_windows(plan, 0))
    assert release.start_ms - start.start_ms == 20000


def test_transitions_come_from_the_routine_the_stretch_or_the_override():
    routine = make_routine(hold("A"), hold("B", transition=12), transition=6)
    plan = build_plan(routine, PlanOptions(), quick)
    assert [transition_ms(plan, 0), transition_ms(plan, 1)] == [[6000], [12000]]
    overridden = build_plan(routine, PlanOptions(transition=3), quick)
    assert [transition_ms(overridden, 0), transition_ms(overridden, 1)] == [[3000], [3000]]


def test_a_transition_too_short_for_its_cue_stays_silent():
    plan = build_plan(make_routine(hold(transition=1)), PlanOptions(), quick)
    assert says(plan, "position") == []
    transition = one([e for e in plan.events if e.role == "transition"])
    assert transition.duration_ms == 1000


def test_a_zero_transition_goes_straight_into_the_hold():
    plan = build_plan(make_routine(hold(transition=0)), PlanOptions(), quick)
    assert [e for e in plan.events if e.role in ("position", "transition")] == []
    safety = one(says(plan, "safety"))
    start = one(says(plan, "start"))
    assert start.start_ms == safety.end_ms + GAP_MS


def test_a_rest_override_changes_every_rest():
    routine = make_routine(hold("A"), hold("B"), hold("C"), rest=10)
    plan = build_plan(routine, PlanOptions(rest=20), quick)
    rests = [
        preview.duration_ms + plan.events[plan.events.index(preview) + 1].duration_ms
        for preview in says(plan, "preview")
    ]
    assert rests == [20000, 20000]


def test_the_rate_sets_the_estimated_speech_length():
    routine = make_routine(hold())
    slow_plan = build_plan(routine, PlanOptions(rate=100))
    fast_plan = build_plan(routine, PlanOptions(rate=250))
    assert slow_plan.says[0].duration_ms == ms(estimate_speech_seconds(content.DISCLAIMER, 100))
    assert fast_plan.says[0].duration_ms < slow_plan.says[0].duration_ms
    hold_lengths = {
        r.start_ms - s.start_ms for p in (slow_plan, fast_plan) for s, r in hold_windows(p, 0)
    }
    assert hold_lengths == {30000}


def test_estimated_speech_grows_with_words_and_pauses_and_shrinks_with_the_rate():
    three = estimate_speech_seconds("one two three", 120)
    fit = dict(SPEECH_FITS[DEFAULT_ENGINE])[120]  # fitted to the engine's clips at each rate
    assert three == pytest.approx(3 * fit.word + fit.offset)
    assert estimate_speech_seconds("one two three", 120, "espeak") != three
    assert estimate_speech_seconds("one two three four five six", 120) > 1.9 * three
    assert estimate_speech_seconds("One, two. Three!", 120) == pytest.approx(three + 3 * fit.pause)
    assert fit.pause > 0.3  # a pause takes as long as a word or more
    assert estimate_speech_seconds("one two three", 240) < 0.6 * three
    assert estimate_speech_seconds("Go", 300) == 0.2  # never shorter than a short word


# --- One whole timeline ---------------------------------------------------------------------


def test_a_small_routine_plans_exactly_this_timeline():
    routine = make_routine(
        hold("Hip hold", 10, cues=["Breathe."]),
        reps("Leg swings", 3, tempo=2, cues=["Stay tall."]),
        title="Tiny", transition=5, rest=10,
    )
    plan = build_plan(routine, PlanOptions(), quick)
    timeline = [(e.kind, e.start_ms, e.duration_ms, e.role, e.text, e.stretch) for e in plan.events]
    s, p = "say", "pause"
    assert timeline == [
        (s, 0, 1000, "disclaimer", content.DISCLAIMER, None),
        (p, 1000, 400, "gap", "", None),
        (s, 1400, 1000, "pain", content.PAIN_RULE, None),
        (p, 2400, 400, "gap", "", None),
        (s, 2800, 1000, "intro", "Tiny. About 1 minute.", None),
        (p, 3800, 400, "gap", "", None),
        (s, 4200, 1000, "intro", content.LETS_START, None),
        (p, 5200, 400, "gap", "", None),
        (s, 5600, 1000, "name", "Hip hold.", 0),
        (p, 6600, 400, "gap", "", 0),
        (s, 7000, 1000, "instructions", "Do the Hip hold.", 0),
        (p, 8000, 400, "gap", "", 0),
        (s, 8400, 1000, "safety", content.DEFAULT_SAFETY, 0),
        (p, 9400, 400, "gap", "", 0),
        (s, 9800, 1000, "position", "Get into position.", 0),
        (p, 10800, 4000, "transition", "", 0),
        (s, 14800, 1000, "start", "Hold for 10 seconds.", 0),
        (p, 15800, 2166, "hold", "", 0),
        (s, 17966, 1000, "form", "Breathe.", 0),
        (p, 18966, 2834, "hold", "", 0),
        (s, 21800, 500, "count", "3", 0),
        (p, 22300, 500, "hold", "", 0),
        (s, 22800, 500, "count", "2", 0),
        (p, 23300, 500, "hold", "", 0),
        (s, 23800, 500, "count", "1", 0),
        (p, 24300, 500, "hold", "", 0),
        (s, 24800, 1000, "release", "And release.", 0),
        (p, 25800, 400, "gap", "", 0),
        (s, 26200, 1000, "preview", "Rest. Next up: Leg swings.", 0),
        (p, 27200, 9000, "rest", "", 0),
        (s, 36200, 1000, "name", "Leg swings.", 1),
        (p, 37200, 400, "gap", "", 1),
        (s, 37600, 1000, "instructions", "Do the Leg swings.", 1),
        (p, 38600, 400, "gap", "", 1),
        (s, 39000, 1000, "safety", content.DEFAULT_SAFETY, 1),
        (p, 40000, 400, "gap", "", 1),
        (s, 40400, 1000, "position", "Get into position.", 1),
        (p, 41400, 4000, "transition", "", 1),
        (s, 45400, 1000, "form", "Stay tall.", 1),
        (p, 46400, 400, "gap", "", 1),
        (s, 46800, 1000, "start", "3 reps, with me.", 1),
        (p, 47800, 400, "gap", "", 1),
        (s, 48200, 500, "rep", "1", 1),
        (p, 48700, 1500, "reps", "", 1),
        (s, 50200, 500, "rep", "2", 1),
        (p, 50700, 1500, "reps", "", 1),
        (s, 52200, 500, "rep", "3", 1),
        (p, 52700, 1500, "reps", "", 1),
        (s, 54200, 1000, "release", "And relax.", 1),
        (p, 55200, 400, "gap", "", 1),
        (s, 55600, 1000, "complete", content.COMPLETE, None),
        (p, 56600, 400, "gap", "", None),
        (s, 57000, 1000, "insoles", content.INSOLES, None),
    ]
    assert plan.estimated_seconds == 58.0
    assert {e.side for e in plan.events} == {None}
    assert plan.stretch_start(1) == 30
    assert plan.stretch_names == ("Hip hold", "Leg swings")


def test_the_plan_as_json_has_the_documented_shape():
    plan = build_plan(make_routine(hold(seconds=10)), PlanOptions(), quick)
    data = plan.to_json()
    assert data["routine"] == "test"
    assert data["estimated_seconds"] == plan.estimated_seconds
    assert data["events"][0] == {
        "kind": "say", "at": 0.0, "seconds": 1.0, "text": content.DISCLAIMER,
        "role": "disclaimer", "stretch": None, "side": None,
    }
    assert data["events"][1] == {
        "kind": "pause", "at": 1.0, "seconds": 0.4, "role": "gap", "stretch": None, "side": None,
    }
    assert len(data["events"]) == len(plan.events)


def test_the_plan_is_pure_the_same_input_gives_the_same_plan():
    routine = make_routine(hold("A", sides="each", cues=["x"]), reps("B"))
    assert build_plan(routine) == build_plan(routine)


@pytest.mark.parametrize("transition", [0, 1, 2, 8])
def test_the_second_side_is_always_announced_whatever_the_transition(transition: int):
    routine = parse_routine(
        f"""
title: Sides
style: static
transition: {transition}
stretches:
  - name: Pigeon
    targets: [glutes]
    instructions: Fold forward over the front leg.
    sides: each
    hold: 20
""",
        "sides.yaml",
    )
    plan = build_plan(routine)
    right = [e.text for e in plan.says if e.side == "right"]
    assert right[0] == "Switch sides."
    assert right[1] in ("Right side.", "Right side. Get into position.")
    assert right[2] == "Hold for 20 seconds."
    assert transition_ms(plan, 0) == ([transition * 1000] * 2 if transition else [])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hold for 30 seconds.", "Hold for thirty seconds"),
        ("2024", "two thousand and twenty four"),
        ("1,000,000", "one million"),
        ("90% on 1.5 feet", "ninety percent on one point five feet"),
        ("3 + 3 = 6", "three plus three equals six"),
        ("Left/right, 10x", "Left slash right ten x"),
        ("It's #1 @ home", "It's hash one at home"),
        ("1234567890123456", "one two three four five six seven eight nine zero one two three "
         "four five six"),
    ],
)
def test_numbers_and_symbols_count_as_the_words_said_for_them(text: str, words: str) -> None:
    from voicecoach.plan.spoken import spoken_words

    assert spoken_words(text) == words.split()


def test_a_long_number_is_estimated_as_long_as_it_is_said() -> None:
    digits = "1234567890" * 4
    assert estimate_speech_seconds(digits, 160) > estimate_speech_seconds(
        " ".join(["one"] * 40), 160) * 0.99
