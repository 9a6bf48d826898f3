"""The live view while a routine runs in a terminal: stretch and side, a countdown bar for the
hold, what comes next, and overall progress. `render` is plain text; `LiveDisplay` shows it."""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING, Any

from voicecoach.plan import Role
from voicecoach.player import Progress
from voicecoach.timefmt import clock

if TYPE_CHECKING:
    from voicecoach.plan import Plan

BAR_WIDTH = 30


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A bar `width` characters wide, filled to `fraction`."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def _work(plan: Plan, index: int, position_ms: int) -> tuple[str, int, int, str] | None:
    """The hold or set of reps playing at event `index`: label, start, end (ms), and detail."""
    around = plan.work_around(index)
    if around is None:
        return None
    begin, end = around
    events = plan.events
    reps = [e for e in events[begin:end] if e.role == Role.REP]
    if reps:
        done = sum(1 for e in reps if e.start_ms <= position_ms)
        return "Reps", reps[0].start_ms, events[end].start_ms, f"{done} of {len(reps)}"
    left = (events[end].start_ms - position_ms) / 1000
    return "Hold", events[begin].start_ms, events[end].start_ms, f"{max(0, round(left))} s left"


def render(progress: Progress, *, keys: bool = False, over: bool = False) -> list[str]:
    """The lines of the live view; `over`: as left on screen once the run has ended (nothing
    next, no keys)."""
    plan = progress.plan
    position = progress.position_ms
    index = progress.index
    event = plan.events[index]
    count = len(plan.stretch_names)
    lines = [plan.title + ("   (paused: press space to go on)" if progress.paused else "")]
    if progress.note:
        lines[0] += f"   ({progress.note})"

    first, _ = plan.stretch_bounds()
    first = len(plan.events) if first is None else first
    coming = ""
    if event.stretch is None:
        lines.append("Getting started" if index < first else "Finishing")
        upcoming = 0 if index < first else None
        if index >= first:
            coming = "the end"
    else:
        name = plan.stretch_names[event.stretch]
        if event.resting:
            lines.append(f"Rest after stretch {event.stretch + 1} of {count}: {name}")
        else:
            side = f", {event.side} side" if event.side else ""
            lines.append(f"Stretch {event.stretch + 1} of {count}: {name}{side}")
        upcoming = event.stretch + 1
        next_side = None if event.resting else plan.next_side(index)
        if next_side is not None:
            coming = f"{name}, {next_side} side"

    work = _work(plan, index, position)
    if work is not None:
        label, begin, end, detail = work
        fraction = (position - begin) / (end - begin) if end > begin else 1.0
        lines.append(f"{label:<5} {bar(fraction)}  {detail}")
    else:
        lines.append("")

    if over:
        pass
    elif coming:
        lines.append(f"Next: {coming}")
    elif upcoming is not None and upcoming < count:
        lines.append(f"Next: {plan.stretch_names[upcoming]}")
    else:
        lines.append("Next: routine complete")

    total = plan.total_ms
    done = position / total if total else 1.0
    lines.append(f"All   {bar(done)}  {clock(position / 1000)} / {clock(total / 1000)}")
    if keys and not over:
        from voicecoach.keys import HELP

        lines.append(HELP + "   (Ctrl-C stops)")
    return lines


class LiveDisplay:
    """The view redrawn in place (rich); cue lines printed above it as they come."""

    def __init__(self, plan: Plan, *, keys: bool = False, file: IO[str] | None = None) -> None:
        self.plan = plan
        self.keys = keys
        self.file = file
        self._live: Any = None
        self._shown: list[str] | None = None
        self._progress = Progress(plan, 0)

    def __enter__(self) -> LiveDisplay:
        from rich.console import Console
        from rich.live import Live

        console = Console(file=self.file or sys.stdout, highlight=False)
        self._live = Live(console=console, auto_refresh=False, redirect_stdout=False,
                          redirect_stderr=False)
        self._live.start()
        self.update(Progress(self.plan, 0))
        return self

    def __exit__(self, *exc: object) -> None:
        self._show(render(self._progress, over=True))  # nothing comes next, no key works now
        self._live.stop()

    def update(self, progress: Progress) -> None:
        self._progress = progress
        self._show(render(progress, keys=self.keys))

    def redraw(self) -> None:
        """Draw the view afresh below whatever the terminal shows now (after Ctrl-Z and fg)."""
        self._live._live_render._shape = None  # forget the old view: move up over nothing
        self._live.console.line()
        self._shown = None
        self.update(self._progress)

    def _show(self, lines: list[str]) -> None:
        from rich.text import Text

        if lines != self._shown:  # most ticks change nothing on screen
            self._shown = lines
            self._live.update(Text("\n".join(lines)), refresh=True)

    def write(self, line: str) -> None:
        self._live.console.print(line, markup=False, highlight=False)
