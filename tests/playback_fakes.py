"""Test doubles for playback: a device that pulls frames only when pumped, and records them."""

from __future__ import annotations

from voicecoach.speech.clip import SAMPLE_RATE


class FakeDevice:
    """Pulls `period` frames at a time, as a sound card would, but only when `pump`ed."""

    self_driven = False

    def __init__(self, sample_rate: int = SAMPLE_RATE, period: int = 220, name: str = "fake"):
        self.sample_rate = sample_rate
        self.period = period
        self.name = name
        self.heard = bytearray()  # every frame it was given, in order
        self.source: object = None
        self.closed = False
        self.stopped = False

    def start(self, source: object) -> None:
        self.source = source

    def pump(self, frames: int) -> None:
        assert self.source is not None, "pumped before it was started"
        assert not self.stopped, "pumped after it was stopped"
        while frames > 0:
            data = self.source.send(self.period)  # type: ignore[attr-defined]
            assert len(data) == 2 * self.period
            self.heard += data
            frames -= self.period

    def stop(self) -> None:
        self.stopped = True

    def close(self) -> None:
        self.closed = True

    @property
    def frames(self) -> int:
        return len(self.heard) // 2

    def span(self, start: int, count: int) -> bytes:
        """Frames `start` to `start + count` of what it was given."""
        return bytes(self.heard[2 * start : 2 * (start + count)])


class StallingDevice(FakeDevice):
    """A device that says it pulls by itself, then never does."""

    self_driven = True


def timed(name: str = "busy-day") -> tuple[object, object]:
    """A shipped routine's plan timed from fake clips, and the clip cache (in memory)."""
    from tests.speech_fakes import FakeEngine
    from voicecoach import catalog
    from voicecoach.plan import build_plan
    from voicecoach.speech import ClipCache

    cache = ClipCache(FakeEngine(), enabled=False)
    return build_plan(catalog.load(name), speech_seconds=cache.seconds), cache


class FakeDevices:
    """Opens FakeDevices on demand, as a stream asks for fresh ones; keeps them in order."""

    def __init__(self, sample_rate: int = SAMPLE_RATE, period: int = 220) -> None:
        self.sample_rate = sample_rate
        self.period = period
        self.opened: list[FakeDevice] = []

    def __call__(self) -> FakeDevice:
        self.opened.append(FakeDevice(self.sample_rate, self.period))
        return self.opened[-1]
