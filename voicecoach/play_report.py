"""How a run went and where it is: the progress shown, each cue's timing and the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from voicecoach.outcome import FINISHED, SKIPPED, Outcome

if TYPE_CHECKING:
    from voicecoach.plan import Event, Plan


@dataclass(frozen=True)
class Progress:
    """Where playback is, for a display."""

    plan: Plan
    position_ms: int  # on the plan's timeline
    paused: bool = False
    stretches_completed: int = 0
    note: str = ""  # why the last key did nothing, for a moment after it was pressed

    @property
    def index(self) -> int:
        return self.plan.event_at(self.position_ms)

    @property
    def event(self) -> Event:
        return self.plan.events[self.index]


@dataclass(frozen=True)
class CueTiming:
    """When one line was due and when it was actually started, in seconds after the start."""

    index: int  # the event in the plan
    text: str
    planned: float  # includes the shift from pauses and skips
    actual: float

    @property
    def drift(self) -> float:
        return self.actual - self.planned


@dataclass(frozen=True)
class PlayReport:
    """How a run went: every cue's timing, and how far it got."""

    plan: Plan
    outcome: Outcome
    cues: tuple[CueTiming, ...]
    position_ms: int  # how far along the plan's timeline it got
    stretches_completed: int
    paused_seconds: float
    elapsed: float  # wall-clock seconds from start to end
    planned_end: float  # when the end was due, seconds after the start (pauses and skips included)

    skipped: bool = False  # parts were skipped with `n`

    @property
    def finished(self) -> bool:
        """Whether it reached the end (heard out, or with parts skipped)."""
        return self.outcome in (FINISHED, SKIPPED)

    @property
    def seconds_done(self) -> float:
        """How much of the routine was done: after a skip, the time actually spent in it."""
        if self.skipped:
            return max(0.0, self.elapsed - self.paused_seconds)
        return self.position_ms / 1000

    @property
    def final_drift(self) -> float:
        """How late the end came compared to its deadline."""
        return self.elapsed - self.planned_end

    @property
    def max_drift(self) -> float:
        return max((c.drift for c in self.cues), default=0.0)

    def stop_line(self) -> str:
        """One sentence saying where the run stopped."""
        return f"Stopped {where(self.plan, self.position_ms)}."


def where(plan: Plan, position_ms: int) -> str:
    """`at stretch 3 of 7: Pigeon pose (left side)` and the like, for a point on the timeline."""
    if not plan.events:
        return "before it began"
    index = plan.event_at(position_ms)
    event = plan.events[index]
    if event.stretch is None:
        first, _ = plan.stretch_bounds()
        if first is not None and index < first:
            return "before the first stretch"
        return "after the last stretch"
    name = plan.stretch_names[event.stretch]
    count = f"stretch {event.stretch + 1} of {len(plan.stretch_names)}"
    if event.resting:
        return f"in the rest after {count}: {name}"
    side = f" ({event.side} side)" if event.side else ""
    return f"at {count}: {name}{side}"
