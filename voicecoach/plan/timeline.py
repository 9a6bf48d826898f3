"""The timeline a plan is made of: events with a kind and a role, and the queries the player
and the live view ask of it (where a stretch or a hold begins and ends, what plays when)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from voicecoach.rates import DEFAULT_ENGINE, DEFAULT_RATE


class Kind(StrEnum):
    """What an event is: a line spoken, or silence."""

    SAY = "say"
    PAUSE = "pause"


class Role(StrEnum):
    """What an event is for in the routine (its value is what `plan --json` shows)."""

    DISCLAIMER = "disclaimer"
    PAIN = "pain"  # the general pain rule, right after the disclaimer
    INTRO = "intro"
    WHY = "why"
    NAME = "name"
    INSTRUCTIONS = "instructions"
    EASIER = "easier"
    SAFETY = "safety"
    SWITCH = "switch"
    SIDE = "side"
    TRANSITION = "transition"
    POSITION = "position"
    HOLD = "hold"
    REPS = "reps"
    START = "start"
    COUNT = "count"
    REP = "rep"
    HALFWAY = "halfway"
    REMAINING = "remaining"  # "10 seconds left."
    FORM = "form"
    RELEASE = "release"
    REST = "rest"
    PREVIEW = "preview"
    GAP = "gap"
    COME_UP = "come-up"  # getting up at the end of a routine that finishes on the floor
    COMPLETE = "complete"
    INSOLES = "insoles"


RESTING = (Role.REST, Role.PREVIEW)
Cue = tuple[int, str, Role]  # offset (ms) into a window, text, role


@dataclass(frozen=True)
class PlanOptions:
    """The knobs that `plan`, `run` and `export` share."""

    insoles: bool = True
    hold: float | None = None  # every hold lasts this many seconds
    hold_scale: float = 1.0  # or every hold is scaled by this
    rate: int = DEFAULT_RATE
    transition: float | None = None  # overrides the routine's transition seconds
    rest: float | None = None  # overrides the routine's rest seconds
    engine: str = DEFAULT_ENGINE  # whose speech lengths the estimate is fitted to
    tight_side: str | None = None  # "left" | "right": first, and once more at the end


@dataclass(frozen=True)
class Event:
    """One step of the script: a line spoken (`say`) or silence (`pause`)."""

    kind: Kind
    start_ms: int
    duration_ms: int
    role: Role
    text: str = ""
    stretch: int | None = None  # index into the routine's stretches
    side: str | None = None

    @property
    def at(self) -> float:
        return self.start_ms / 1000

    @property
    def seconds(self) -> float:
        return self.duration_ms / 1000

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @property
    def resting(self) -> bool:
        """In the rest after a stretch (the rest itself or the preview of the next)."""
        return self.role in RESTING

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": str(self.kind), "at": self.at, "seconds": self.seconds}
        if self.kind == Kind.SAY:
            data["text"] = self.text
        data["role"] = str(self.role)
        data["stretch"] = self.stretch
        data[Role.SIDE] = self.side
        return data


@dataclass(frozen=True)
class Plan:
    """The timed script for one routine: contiguous events from 0 to `total_ms`."""

    routine: str
    title: str
    events: tuple[Event, ...]
    stretch_names: tuple[str, ...]
    options: PlanOptions = field(default_factory=PlanOptions)

    @property
    def total_ms(self) -> int:
        return self.events[-1].end_ms if self.events else 0

    @property
    def estimated_seconds(self) -> float:
        return self.total_ms / 1000

    @property
    def says(self) -> list[Event]:
        return [e for e in self.events if e.kind == Kind.SAY]

    def stretch_start(self, index: int) -> int:
        """Index of the first event of stretch `index`."""
        return next(i for i, e in enumerate(self.events) if e.stretch == index)

    def event_at(self, position_ms: int) -> int:
        """Index of the event playing at `position_ms` on the timeline."""
        starts = [e.start_ms for e in self.events]
        return max(0, min(len(starts) - 1, bisect.bisect_right(starts, position_ms) - 1))

    def stretch_bounds(self) -> tuple[int | None, int | None]:
        """The first stretch's first event and the closing's first (None: there is none)."""
        inside = [i for i, e in enumerate(self.events) if e.stretch is not None]
        if not inside:
            return None, None
        closing = inside[-1] + 1
        return inside[0], closing if closing < len(self.events) else None

    def next_side(self, index: int) -> str | None:
        """The side of the next set of the stretch that event `index` is part of (None: that
        stretch has no set after this one)."""
        event = self.events[index]
        if event.stretch is None or event.side is None:
            return None
        for later in self.events[index + 1:]:
            if later.stretch != event.stretch or later.resting:
                return None
            if later.side is not None and later.side != event.side:
                return later.side
        return None

    def work_around(self, index: int) -> tuple[int, int] | None:
        """The hold or set of reps that event `index` is part of: the events of its start cue
        and of its release (None outside one, and on the release itself)."""
        events = self.events
        event = events[index]
        if event.stretch is None or event.role == Role.RELEASE:
            return None

        def same(e: Event) -> bool:
            return e.stretch == event.stretch and e.side == event.side

        begin = None
        for i in range(index, -1, -1):
            if not same(events[i]) or (events[i].role == Role.RELEASE and i != index):
                break
            if events[i].role == Role.START and events[i].kind == Kind.SAY:
                begin = i
                break
        if begin is None:
            return None
        end = next(
            (j for j in range(begin, len(events))
             if events[j].role == Role.RELEASE and same(events[j])),
            None,
        )
        return None if end is None else (begin, end)

    def to_json(self) -> dict[str, Any]:
        return {
            "routine": self.routine,
            "title": self.title,
            "estimated_seconds": self.estimated_seconds,
            "events": [e.to_json() for e in self.events],
        }
