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
from voicecoach.plan.timeline import Cue, Event, Kind, Plan, PlanOptions, Role
from voicecoach.rates import DEFAULT_RATE

if TYPE_CHECKING:
    from voicecoach.routine.model import Routine, Stretch

GAP_MS = 400  # silence after a line of speech before the next one
CUE_GAP_MS = 250  # the least silence kept between two cues inside a hold
HALFWAY_FROM_S = 20  # holds at least this long get a halfway cue
COUNTDOWN = 3

SpeechSeconds = Callable[[str], float]


def estimate_speech_seconds(text: str, rate: int = DEFAULT_RATE) -> float:
    """How long the engine takes to say `text` at `rate` words per minute (an estimate).

    Fitted to eSpeak NG's trimmed clips of every shipped line at 80 to 300 words a minute:
    within 3 % over a routine. `run` and `export` time the plan from the real clips instead."""
    words = len(re.findall(r"[\w']+", text))
    pauses = len(re.findall(r"[.,;:!?](\s|$)", text))
    beat = 60.0 / rate
    return max(0.2, words * (0.6 * beat + 0.014) + pauses * (1.27 * beat + 0.014) - 0.09)


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
        (moved later if needed, dropped if there is no room), so cues never lengthen the window.
        """
        start, end = self.t, self.t + length_ms
        placed = [self._event(start + offset, text, r) for offset, text, r in fixed]
        busy = sorted((e.start_ms, e.end_ms) for e in placed)
        for offset, text, r in optional:
            at, size = start + offset, self.length(text)
            for b_start, b_end in busy:
                if at < b_end + CUE_GAP_MS and at + size + CUE_GAP_MS > b_start:
                    at = max(at, b_end + CUE_GAP_MS)
            fits = at + size + CUE_GAP_MS <= end and all(
                at >= b_end + CUE_GAP_MS or at + size + CUE_GAP_MS <= b_start
                for b_start, b_end in busy
            )
            if fits:
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
    optional = []
    if hold_ms >= HALFWAY_FROM_S * 1000:
        optional.append((hold_ms // 2, content.HALFWAY, Role.HALFWAY))
    if cues:
        span = max(0, free_until - start_end)
        for k, cue in enumerate(cues):
            optional.append((start_end + span * (2 * k + 1) // (2 * len(cues) + 1), cue, Role.FORM))
    return fixed, optional


def _stretch(b: _Builder, routine: Routine, stretch: Stretch, options: PlanOptions) -> None:
    transition = (
        options.transition if options.transition is not None else routine.transition_for(stretch)
    )
    transition_ms = _ms(transition)
    sides = stretch.sides_list
    b.side = sides[0]
    b.say(content.announce(stretch.name, sides[0]), Role.NAME)
    b.say(stretch.instructions, Role.INSTRUCTIONS)
    b.say(stretch.safety or content.DEFAULT_SAFETY, Role.SAFETY)
    for n, side in enumerate(sides):
        b.side = side
        if n > 0:
            b.say(content.SWITCH_SIDES, Role.SWITCH)
        # The side is always said: in the transition if it fits there, else just before it.
        cues = [content.position(side, first_side=n == 0)]
        if n > 0:
            cues.append(content.announce_side(side))
        cue = next((c for c in cues if transition_ms >= b.length(c) + CUE_GAP_MS), None)
        if cue is None and n > 0:
            b.say(cues[-1], Role.SIDE)
        b.window(transition_ms, Role.TRANSITION, [(0, cue, Role.POSITION)] if cue else [])
        if stretch.hold is not None:
            hold = options.hold if options.hold is not None else stretch.hold * options.hold_scale
            if options.hold is None and options.hold_scale != 1:
                hold = max(5, round(hold))  # said aloud: "Hold for 38 seconds", never 37.5
            hold_ms = _ms(hold)
            fixed, optional = _hold_cues(b, hold_ms, content.start_hold(hold), list(stretch.cues))
            b.window(hold_ms, Role.HOLD, fixed, optional)
            b.say(content.RELEASE, Role.RELEASE)
        else:
            for form in stretch.cues:  # before each side's set: the count leaves no room
                b.say(form, Role.FORM)
            b.say(content.start_reps(stretch.reps), Role.START)
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
        rate = options.rate
        speech_seconds = lambda text: estimate_speech_seconds(text, rate)  # noqa: E731
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
    b.say(content.introduce(routine.title, minutes), Role.INTRO)
    for index, stretch in enumerate(routine.stretches):
        b.stretch = index
        _stretch(b, routine, stretch, options)
        if index + 1 < len(routine.stretches):
            b.side = None
            text = content.preview(routine.stretches[index + 1].name)
            rest_ms = max(_ms(rest), b.length(text) + GAP_MS)
            b.window(rest_ms, Role.REST, [(0, text, Role.PREVIEW)])
    b.stretch = b.side = None
    b.say(content.COMPLETE, Role.COMPLETE)
    if options.insoles:
        b.say(content.INSOLES, Role.INSOLES)
    return b
