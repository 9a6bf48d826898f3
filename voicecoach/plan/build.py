"""Building the plan: a pure function from a routine and options to the exact timed script.

Times are kept in whole milliseconds so that a hold of N seconds is exactly N seconds from its
start cue to its release cue, whatever the cues inside it. Nothing here does I/O or reads a clock.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from voicecoach import content
from voicecoach.plan.spoken import spoken_words
from voicecoach.plan.timeline import Cue, Event, Kind, Plan, PlanOptions, Role
from voicecoach.rates import DEFAULT_RATE, estimate_seconds
from voicecoach.routine import sides as sidetext
from voicecoach.routine.model import FLOOR

if TYPE_CHECKING:
    from voicecoach.routine.model import Routine, Stretch

GAP_MS = 400  # silence after a line of speech before the next one
CUE_GAP_MS = 250  # the least silence kept between two cues inside a hold
# Halfway and form cues keep this much silence around them, so no two crowd the ear.
OPTIONAL_GAP_MS = 1500
HALFWAY_FROM_S = 20  # holds at least this long get a halfway cue
REMAINING_FROM_S = 45  # holds at least this long also hear "10 seconds left."
REMAINING_S = 10
COUNTDOWN = 3
# The least time to get down to or up from the floor, or to change sides on it.
FLOOR_MOVE_MS = 8000
START_POSITION = "standing"  # where a routine begins

SpeechSeconds = Callable[[str], float]


def estimate_speech_seconds(
    text: str, rate: int = DEFAULT_RATE, engine: str | None = None
) -> float:
    """How long `engine` takes to say `text` at `rate` words per minute (an estimate).

    Fitted per engine to the trimmed clips of every shipped line at 80 to 300 words a minute
    (see `voicecoach.rates`). Numbers and symbols count as the words the engine says for them
    (`2024` is four words, `%` is one). `run` and `export` time the plan from the real clips
    instead."""
    words = len(spoken_words(text))
    pauses = len(re.findall(r"([.,;:!?]|\u2026)(\s|$)", text))
    return estimate_seconds(words, pauses, rate, engine)


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


@dataclass
class _Section:
    start_ms: int
    end_ms: int
    role: Role
    stretch: int | None
    side: str | None


class _Builder:
    """Places spoken lines on a millisecond timeline, then fills the gaps with pauses."""

    def __init__(self, speech_seconds: SpeechSeconds) -> None:
        self._speech = speech_seconds
        self._durations: dict[str, int] = {}
        self.says: list[Event] = []
        self.sections: list[_Section] = []  # they tile the timeline, in order
        self.t = 0
        self.stretch: int | None = None
        self.side: str | None = None

    def length(self, text: str) -> int:
        if text not in self._durations:
            self._durations[text] = max(1, _ms(self._speech(text)))
        return self._durations[text]

    def _event(self, at: int, text: str, role: Role) -> Event:
        return Event(Kind.SAY, at, self.length(text), role, text, self.stretch, self.side)

    def say(self, text: str, role: Role) -> None:
        """A line that flows: it starts now and the next thing starts after it and a short gap."""
        event = self._event(self.t, text, role)
        self.says.append(event)
        self.sections.append(
            _Section(self.t, event.end_ms + GAP_MS, Role.GAP, self.stretch, self.side)
        )
        self.t = event.end_ms + GAP_MS

    def window(
        self,
        length_ms: int,
        role: Role,
        fixed: list[Cue],
        optional: list[Cue] = (),
    ) -> None:
        """A stretch of time of exactly `length_ms` with cues at offsets inside it.

        `fixed` cues are always placed; `optional` ones only where they fit between the others
        (moved later if needed, or just before the line in the way when that is nearer; dropped
        if there is no room), so cues never lengthen the window.
        """
        start, end = self.t, self.t + length_ms
        placed = [self._event(start + offset, text, r) for offset, text, r in fixed]
        busy = sorted((e.start_ms, e.end_ms) for e in placed)

        def fits(at: int, size: int) -> bool:
            return start <= at and at + size + OPTIONAL_GAP_MS <= end and all(
                at >= b_end + OPTIONAL_GAP_MS or at + size + OPTIONAL_GAP_MS <= b_start
                for b_start, b_end in busy
            )

        for offset, text, r in optional:
            wanted, size = start + offset, self.length(text)
            at = wanted
            for b_start, b_end in busy:
                if at < b_end + OPTIONAL_GAP_MS and at + size + OPTIONAL_GAP_MS > b_start:
                    earlier = b_start - OPTIONAL_GAP_MS - size
                    if at == wanted and wanted - earlier < b_end + OPTIONAL_GAP_MS - wanted and (
                        fits(earlier, size)
                    ):
                        at = earlier
                        break
                    at = max(at, b_end + OPTIONAL_GAP_MS)
            if fits(at, size):
                placed.append(self._event(at, text, r))
                busy = sorted(busy + [(at, at + size)])
        self.says.extend(placed)
        self.sections.append(_Section(start, end, role, self.stretch, self.side))
        self.t = end

    def events(self) -> tuple[Event, ...]:
        says = sorted(self.says, key=lambda e: e.start_ms)
        section_starts = [s.start_ms for s in self.sections]
        out: list[Event] = []
        t = 0
        for i, say in enumerate(says):
            out.extend(self._pauses(t, say.start_ms, section_starts))
            next_start = says[i + 1].start_ms if i + 1 < len(says) else None
            if next_start is not None and say.end_ms > next_start:
                # Too slow a voice for the beat: the line is cut where the next one begins.
                say = Event(
                    Kind.SAY,
                    say.start_ms,
                    next_start - say.start_ms,
                    say.role,
                    say.text,
                    say.stretch,
                    say.side,
                )
            out.append(say)
            t = say.end_ms
        return tuple(out)  # the gap after the last line is not part of the routine

    def _pauses(self, start: int, end: int, section_starts: list[int]) -> list[Event]:
        """The silence from `start` to `end`, one pause per section it crosses (so a silent
        transition stays a transition instead of joining the gap before it)."""
        pauses = []
        i = max(0, bisect.bisect_right(section_starts, start) - 1)
        while i < len(self.sections) and self.sections[i].start_ms < end:
            section = self.sections[i]
            lo, hi = max(start, section.start_ms), min(end, section.end_ms)
            if lo < hi:
                pauses.append(
                    Event(Kind.PAUSE, lo, hi - lo, section.role, "", section.stretch, section.side)
                )
            i += 1
        return pauses


def _hold_cues(
    b: _Builder, hold_ms: int, start_text: str, cues: list[str]
) -> tuple[list[Cue], list[Cue]]:
    fixed = [(0, start_text, Role.START)]
    start_end = b.length(start_text) + CUE_GAP_MS
    countdown_at = hold_ms - COUNTDOWN * 1000
    counts = [(countdown_at + i * 1000, str(COUNTDOWN - i), Role.COUNT) for i in range(COUNTDOWN)]
    if countdown_at >= start_end and all(b.length(t) + 100 <= 1000 for _, t, _ in counts):
        fixed += counts
        free_until = countdown_at
    else:
        free_until = hold_ms
    remaining = content.seconds_left(REMAINING_S)
    remaining_at = hold_ms - REMAINING_S * 1000
    if (
        hold_ms >= REMAINING_FROM_S * 1000
        and remaining_at + b.length(remaining) + CUE_GAP_MS <= free_until
    ):
        fixed.append((remaining_at, remaining, Role.REMAINING))
        free_until = remaining_at
    optional = []
    if hold_ms >= HALFWAY_FROM_S * 1000:
        optional.append((hold_ms // 2, content.HALFWAY, Role.HALFWAY))
    if cues:
        span = max(0, free_until - start_end)
        for k, cue in enumerate(cues):
            optional.append((start_end + span * (2 * k + 1) // (2 * len(cues) + 1), cue, Role.FORM))
    return fixed, optional


def _sides(stretch: Stretch, tight_side: str | None) -> list[tuple[str | None, bool]]:
    """Each set of a stretch as (side, is the extra set on the tighter side)."""
    if stretch.sides != "each":
        return [(None, False)]
    if tight_side is None:
        return [("left", False), ("right", False)]
    return [(tight_side, False), (sidetext.other(tight_side), False), (tight_side, True)]


def _move(before: str | None, now: str | None) -> tuple[bool, str]:
    """Whether going from position `before` to `now` needs floor time, and what to say."""
    if before is None or now is None or before == now or not ({before, now} & FLOOR):
        return False, content.GET_IN_POSITION
    if now in FLOOR and before not in FLOOR:
        return True, content.COME_DOWN
    if before in FLOOR and now not in FLOOR:
        return True, content.COME_UP_TO_CHAIR if now == "chair" else content.COME_UP_TO_STAND
    return True, content.GET_IN_POSITION  # from one floor position to another


def _side_hint(stretch: Stretch, side: str) -> str:
    """The first sentence of the instructions that names a side, said for `side`."""
    for sentence in re.split(r"(?<=[.!?])\s+", stretch.instructions.strip()):
        if "{" in sentence:
            return sidetext.fill(sentence, side)
    return content.GET_IN_POSITION


def _stretch(
    b: _Builder, routine: Routine, stretch: Stretch, options: PlanOptions, before: str | None
) -> None:
    transition = (
        options.transition if options.transition is not None else routine.transition_for(stretch)
    )
    transition_ms = _ms(transition)
    sets = _sides(stretch, options.tight_side)
    first = sets[0][0]
    b.side = first
    b.say(content.announce(sidetext.fill(stretch.name, first), first), Role.NAME)
    b.say(sidetext.fill(stretch.instructions, first), Role.INSTRUCTIONS)
    if stretch.easier:
        b.say(sidetext.fill(stretch.easier, first), Role.EASIER)
    b.say(sidetext.fill(stretch.safety, first) if stretch.safety else content.DEFAULT_SAFETY,
          Role.SAFETY)
    for n, (side, extra) in enumerate(sets):
        b.side = side
        if n == 0:
            floor_move, cue = _move(before, stretch.position)
        else:
            b.say(content.SWITCH_SIDES, Role.SWITCH)
            hint = _side_hint(stretch, side)
            cue = content.extra_side(side, hint) if extra else content.switch_to(side, hint)
            floor_move = stretch.position in FLOOR
        if floor_move:
            # Said first, then silence long enough to get down, up or turned over.
            b.say(cue, Role.POSITION if n == 0 else Role.SIDE)
            b.window(max(transition_ms, FLOOR_MOVE_MS), Role.TRANSITION, [])
        elif transition_ms >= b.length(cue) + CUE_GAP_MS:
            b.window(transition_ms, Role.TRANSITION, [(0, cue, Role.POSITION)])
        else:
            if n > 0:  # the side is always said: just before the transition if not in it
                b.say(cue, Role.SIDE)
            b.window(transition_ms, Role.TRANSITION, [])
        _work(b, stretch, side, options)


def _work(b: _Builder, stretch: Stretch, side: str | None, options: PlanOptions) -> None:
    """One hold or one set of reps, from its start cue to its release."""
    cues = [sidetext.fill(cue, side) for cue in stretch.cues]
    if stretch.hold is not None:
        hold = options.hold if options.hold is not None else stretch.hold * options.hold_scale
        if options.hold is None and options.hold_scale != 1:
            hold = max(5, round(hold))  # said aloud: "Hold for 38 seconds", never 37.5
        hold_ms = _ms(hold)
        fixed, optional = _hold_cues(b, hold_ms, content.start_hold(hold), cues)
        b.window(hold_ms, Role.HOLD, fixed, optional)
        b.say(content.RELEASE, Role.RELEASE)
    else:
        for form in cues:  # before each side's set: the count leaves no room
            b.say(form, Role.FORM)
        b.say(content.start_reps(stretch.reps, each_side=stretch.alternating), Role.START)
        beat_ms = _ms(stretch.beat)
        counts = [(k * beat_ms, str(k + 1), Role.REP) for k in range(stretch.reps)]
        b.window(beat_ms * stretch.reps, Role.REPS, counts)
        b.say(content.STOP_REPS, Role.RELEASE)


def build_plan(
    routine: Routine,
    options: PlanOptions = PlanOptions(),
    speech_seconds: SpeechSeconds | None = None,
) -> Plan:
    """The timed script the voice follows. `speech_seconds` gives each line's spoken length
    (measured from rendered audio when available); by default it is estimated from the rate."""
    if speech_seconds is None:
        rate, engine = options.rate, options.engine
        speech_seconds = lambda text: estimate_speech_seconds(text, rate, engine)  # noqa: E731
    # The introduction announces the length without the closing insole mention, so that
    # leaving it out changes nothing else; a first pass measures it.
    draft = _script(routine, replace(options, insoles=False), speech_seconds, minutes=1)
    b = _script(routine, options, speech_seconds, minutes=max(1, round(draft.t / 60_000)))
    return Plan(
        routine=routine.name or "routine",
        title=routine.title,
        events=b.events(),
        stretch_names=tuple(s.name for s in routine.stretches),
        options=options,
    )


def _script(
    routine: Routine, options: PlanOptions, speech_seconds: SpeechSeconds, minutes: int
) -> _Builder:
    rest = routine.rest if options.rest is None else options.rest
    b = _Builder(speech_seconds)
    b.say(content.DISCLAIMER, Role.DISCLAIMER)
    b.say(content.PAIN_RULE, Role.PAIN)
    b.say(content.introduce(routine.title, minutes, routine.equipment), Role.INTRO)
    if routine.why:
        b.say(routine.why, Role.WHY)
    if options.tight_side and any(s.sides == "each" for s in routine.stretches):
        b.say(content.tight_side_plan(options.tight_side), Role.INTRO)
    b.say(content.LETS_START, Role.INTRO)
    before: str | None = START_POSITION
    stretches = routine.stretches
    for index, stretch in enumerate(stretches):
        b.stretch = index
        _stretch(b, routine, stretch, options, before)
        before = stretch.position
        if index + 1 < len(stretches):
            b.side = None
            upcoming = stretches[index + 1]
            after = upcoming.position
            text = content.preview(
                sidetext.fill(upcoming.name, _sides(upcoming, options.tight_side)[0][0]),
                rest=_ms(rest) > 0,
                to_floor=after in FLOOR and before is not None and before not in FLOOR,
            )
            rest_ms = max(_ms(rest), b.length(text) + GAP_MS)
            b.window(rest_ms, Role.REST, [(0, text, Role.PREVIEW)])
    b.stretch = b.side = None
    if stretches[-1].position in FLOOR:
        b.say(content.come_up(stretches[-1].position), Role.COME_UP)
        b.window(FLOOR_MOVE_MS, Role.TRANSITION, [])
    b.say(content.COMPLETE, Role.COMPLETE)
    if options.insoles:
        b.say(content.INSOLES, Role.INSOLES)
    return b
