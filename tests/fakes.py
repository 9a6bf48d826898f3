"""Test doubles: a clock that only moves when asked, a speaker that records, scripted keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicecoach.speech.clip import Clip


class FakeClock:
    """Time that jumps instead of passing; optionally a Ctrl-C at a chosen moment."""

    def __init__(self, start: float = 1000.0, interrupt_at: float | None = None) -> None:
        self.t = start
        self.origin = start
        self.interrupt_at = interrupt_at  # seconds after `start`
        self.sleeps = 0

    def now(self) -> float:
        return self.t

    def sleep_until(self, t: float) -> None:
        self.sleeps += 1
        if self.interrupt_at is not None and t >= self.origin + self.interrupt_at:
            self.t = max(self.t, self.origin + self.interrupt_at)
            raise KeyboardInterrupt
        self.t = max(self.t, t)

    def advance(self, seconds: float) -> None:
        self.t += seconds

    @property
    def elapsed(self) -> float:
        return self.t - self.origin


@dataclass
class RecordingSpeaker:
    """Records `(seconds since the clock's origin, text)`; `length` makes each line block."""

    clock: FakeClock
    length: Callable[[str], float] | None = None
    interrupt_on: int | None = None  # raise KeyboardInterrupt on this (0-based) line
    said: list[tuple[float, str]] = field(default_factory=list)
    stops: list[float] = field(default_factory=list)

    def say(self, text: str) -> None:
        if self.interrupt_on is not None and len(self.said) == self.interrupt_on:
            raise KeyboardInterrupt
        self.said.append((self.clock.elapsed, text))
        if self.length is not None:
            self.clock.advance(self.length(text))

    def stop(self) -> None:
        self.stops.append(self.clock.elapsed)

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.said]


class ScriptedControls:
    """Key commands that arrive at chosen times (seconds since the clock's origin)."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, str]]) -> None:
        self.clock = clock
        self.script = sorted(script)
        self.delivered: list[tuple[float, str]] = []

    def poll(self) -> str | None:
        if self.script and self.clock.elapsed >= self.script[0][0] - 1e-9:
            _, command = self.script.pop(0)
            self.delivered.append((self.clock.elapsed, command))
            return command
        return None


class RecordingOutput:
    """An audio output that keeps what it was asked to play, with the clock's time."""

    name = "recording"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.played: list[tuple[float, object]] = []
        self.stops = 0
        self.closed = False

    def play(self, clip: object) -> None:
        self.played.append((self.clock.elapsed, clip))

    def play_next(self, clip: Clip) -> None:
        """Played right after the last clip, with no seam: kept as one clip with it."""
        from voicecoach.speech.clip import Clip

        at, last = self.played[-1]
        self.played[-1] = (at, Clip(last.frames + clip.frames, last.sample_rate))  # type: ignore

    def stop(self) -> None:
        self.stops += 1

    def close(self) -> None:
        self.closed = True
