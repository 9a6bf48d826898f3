"""The player: walks a plan against a clock and a speaker, every cue on an absolute deadline.

The start time is read once; each event is due at `start + shift + event.start_ms / 1000`, where
`shift` only changes when the person pauses or skips. A line that takes longer to say than planned
makes at most the next cue late; everything after it is back on its own deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from voicecoach.outcome import FINISHED, INTERRUPTED, QUITTED, SKIPPED, Outcome
from voicecoach.plan import Kind
from voicecoach.play_report import CueTiming, PlayReport, Progress, where  # noqa: F401

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.plan import Plan
    from voicecoach.speakers import Speaker

PAUSE, NEXT, BACK, QUIT = "pause", "next", "back", "quit"
# Spoken commands say what they mean, where a key toggles: pause only, resume only, and the
# last line said again.
HOLD, RESUME, AGAIN = "hold", "resume", "again"
TICK = 0.1  # seconds between looks at the keys (and display updates) while waiting
BACK_RESTART_MS = 10_000  # `back` this far into a stretch restarts it rather than going back one
NOTE_SECONDS = 2.0  # how long a note about a key that did nothing stays in view


class Controls(Protocol):
    """Commands from the person: `pause` (toggles), `hold`, `resume`, `next`, `back`, `again`,
    `quit`."""

    def poll(self) -> str | None:
        """The next command, if one came; never waits."""
        ...


def play(
    plan: Plan,
    speaker: Speaker,
    clock: Clock,
    *,
    controls: Controls | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    tick: float = TICK,
    started: tuple[float, int] | None = None,
) -> PlayReport:
    """Speak `plan` through `speaker` on time; Ctrl-C silences the speaker and ends the run.

    `started=(start, n)`: the caller already began the plan at clock time `start` by saying its
    first `n` events itself (e.g. the disclaimer while the rest of the voice was prepared)."""
    player = _Player(plan, speaker, clock, controls, on_progress, tick)
    return player.run(started)


class _Player:
    def __init__(
        self,
        plan: Plan,
        speaker: Speaker,
        clock: Clock,
        controls: Controls | None,
        on_progress: Callable[[Progress], None] | None,
        tick: float,
    ) -> None:
        self.plan = plan
        self.events = plan.events
        self.speaker = speaker
        self.clock = clock
        self.controls = controls
        self.on_progress = on_progress
        self.tick = tick
        self.index = 0  # the next event to start; len(events) stands for the end
        self.shift = 0.0  # seconds added to every deadline by pauses and skips
        self.start = 0.0
        self.sounding: int | None = None  # the line last started, while it may still be heard
        self.last_started: int | None = None
        self.paused_at: float | None = None
        self.paused_seconds = 0.0
        self.cues: list[CueTiming] = []
        self.completed: set[int] = set()
        self.outcome: Outcome = FINISHED
        self.ended: float | None = None
        self.note = ""
        self.note_until = 0.0
        self.skipped = False  # a part of the routine was skipped with `n`

    # --- the schedule ---------------------------------------------------------------------

    def due(self, ms: int) -> float:
        return self.start + self.shift + ms / 1000

    def position_ms(self) -> int:
        now = self.paused_at if self.paused_at is not None else self.clock.now()
        position = round((now - self.start - self.shift) * 1000)
        return max(0, min(self.plan.total_ms, position))

    def run(self, started: tuple[float, int] | None = None) -> PlayReport:
        self.start = self.clock.now()
        if started is None:
            self._follow()
        else:
            self.start, self.index = started
            if self.index > 0:
                self.sounding = self.last_started = self.index - 1
                self.cues.append(
                    CueTiming(self.index - 1, self.events[self.index - 1].text, 0.0, 0.0)
                )
        try:
            self._loop()
        except KeyboardInterrupt:
            self.speaker.stop()
            self.outcome = INTERRUPTED
        return self._report()

    def _loop(self) -> None:
        count = len(self.events)
        while True:
            target = self.events[self.index].start_ms if self.index < count else self.plan.total_ms
            if not self._wait(target):
                if self.outcome != FINISHED:
                    return
                continue  # moved by a key: wait for the new event instead
            self._complete_before(self.index)
            if self.index == count:
                self.ended = self.clock.now()
                self._progress()
                return
            event = self.events[self.index]
            self.sounding = None
            if event.kind == Kind.SAY:
                self.cues.append(
                    CueTiming(
                        self.index,
                        event.text,
                        planned=self.due(event.start_ms) - self.start,
                        actual=self.clock.now() - self.start,
                    )
                )
                self.sounding = self.index
                self.speaker.say(event.text)
            self.last_started = self.index
            self.index += 1
            self._progress()

    def _complete_before(self, index: int) -> None:
        """A stretch counts as done once playback runs on from its last event by itself."""
        previous = index - 1
        if previous < 0 or self.last_started != previous:
            return
        stretch = self.events[previous].stretch
        after = self.events[index].stretch if index < len(self.events) else None
        if stretch is not None and after != stretch:
            self.completed.add(stretch)

    def _wait(self, target_ms: int) -> bool:
        """Wait for `target_ms` on the timeline; False when a key moved playback or ended it."""
        polling = self.controls is not None or self.on_progress is not None
        while True:
            if self.controls is not None:
                command = self.controls.poll()
                if command is not None and self._obey(command):
                    return False
            now = self.clock.now()
            due = self.due(target_ms)
            if now >= due:
                return True
            if polling:
                self._progress()  # before sleeping, so drawing never delays a cue
                self.clock.sleep_until(min(due, self.clock.now() + self.tick))
            else:
                self.clock.sleep_until(due)

    def _progress(self) -> None:
        if self.on_progress is not None:
            note = self.note if self.clock.now() < self.note_until else ""
            self.on_progress(
                Progress(
                    self.plan, self.position_ms(), self.paused_at is not None,
                    len(self.completed), note,
                )
            )

    # --- keys -----------------------------------------------------------------------------

    def _obey(self, command: str) -> bool:
        """Carry out a command; True when playback moved or ended."""
        if command == QUIT:
            self.speaker.stop()
            self.outcome = QUITTED
            return True
        if command in (PAUSE, HOLD):
            return self._pause()
        if command == AGAIN:
            target = self._again_target()
        else:  # `resume` while playing: nothing to do
            target = self._target(command) if command in (NEXT, BACK) else None
        if target is None:
            self.note = self._why_not(command)
            self.note_until = self.clock.now() + NOTE_SECONDS
            return False
        self.skipped = self.skipped or command == NEXT
        self._jump(target)
        return True

    def _jump(self, index: int) -> None:
        """Go to event `index` now: silence, and shift the schedule so it is due at once."""
        self.speaker.stop()
        self.index = index
        self.shift = self.clock.now() - self.start - self.events[index].start_ms / 1000
        self.sounding = None
        self.last_started = None
        self._follow()

    def _follow(self) -> None:
        """Tell a speaker that plays the timeline itself (the audio stream) where its start now
        falls on the clock, after a pause or a jump moved the schedule."""
        follow = getattr(self.speaker, "follow", None)
        if follow is not None:
            follow(self.start + self.shift)

    def _pause(self) -> bool:
        paused_at = self.clock.now()
        self.paused_at = paused_at
        self.speaker.stop()
        cut = self.sounding
        if cut is not None and paused_at >= self.due(self.events[cut].end_ms):
            cut = None  # it had been heard out
        self._progress()
        follow = None
        assert self.controls is not None
        while True:
            command = self.controls.poll()
            if command in (PAUSE, RESUME):
                break
            if command in (NEXT, BACK, QUIT, AGAIN):
                follow = command
                break
            self.clock.sleep_until(self.clock.now() + self.tick)
            self._progress()
        resumed = self.clock.now()
        self.paused_seconds += resumed - paused_at
        self.shift += resumed - paused_at
        self.paused_at = None
        if follow is not None and self._obey(follow):
            return True
        if cut is not None:
            self._jump(cut)  # the line the pause cut off is said again from its start
        else:
            self._follow()
        return True

    def _again_target(self) -> int | None:
        """The last line started, or else the last one due by now."""
        if self.last_started is not None and self.events[self.last_started].kind == "say":
            return self.last_started
        current = min(self.plan.event_at(self.position_ms()), self.index - 1)
        return next((i for i in range(current, -1, -1) if self.events[i].kind == "say"), None)

    def _target(self, command: str) -> int | None:
        """The event `next` or `back` goes to; None to stay where it is."""
        current = self.plan.event_at(self.position_ms())
        first, closing = self.plan.stretch_bounds()
        if first is None:
            return None
        stretch = self.events[current].stretch
        if command == NEXT:
            return self._next_target(current, first, closing, stretch)
        return self._back_target(current, first, stretch)

    def _why_not(self, command: str) -> str:
        """Why `next` or `back` stays where it is, in a few words."""
        current = self.plan.event_at(self.position_ms())
        first, _ = self.plan.stretch_bounds()
        if command == BACK:
            return "nothing to go back to yet"
        if first is None or current >= first:
            return "no stretch left to skip to"
        return "the disclaimer is always heard out"

    def _next_target(
        self, current: int, first: int, closing: int | None, stretch: int | None
    ) -> int | None:
        if stretch is None:
            if current >= first:
                return None  # already past the last stretch
            if self.position_ms() < self.events[0].end_ms:
                return None  # the disclaimer is always heard out
            return first
        if stretch + 1 < len(self.plan.stretch_names):
            return self.plan.stretch_start(stretch + 1)
        return closing

    def _back_target(self, current: int, first: int, stretch: int | None) -> int | None:
        if stretch is None:
            if current < first:
                return None  # nothing before the first stretch to go back to
            return self.plan.stretch_start(len(self.plan.stretch_names) - 1)
        begin = self.plan.stretch_start(stretch)
        if stretch == 0 or self.position_ms() - self.events[begin].start_ms > BACK_RESTART_MS:
            return begin
        return self.plan.stretch_start(stretch - 1)

    # --- the end --------------------------------------------------------------------------

    def _report(self) -> PlayReport:
        now = self.ended if self.ended is not None else self.clock.now()
        position = self.plan.total_ms if self.outcome == FINISHED else self.position_ms()
        outcome = SKIPPED if self.outcome == FINISHED and self.skipped else self.outcome
        return PlayReport(
            plan=self.plan,
            outcome=outcome,
            skipped=self.skipped,
            cues=tuple(self.cues),
            position_ms=position,
            stretches_completed=len(self.completed),
            paused_seconds=self.paused_seconds,
            elapsed=now - self.start,
            planned_end=self.due(self.plan.total_ms) - self.start,
        )
