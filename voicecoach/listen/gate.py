"""Never hear ourselves: the microphone is ignored while the coach speaks and for a tail after."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicecoach.listen.spotter import Detection, KeywordSpotter
    from voicecoach.plan import Plan

# Covers the output's latency and a room's echo after a line (0.5 s of reverberation). In the
# benchmark no tail and this one left the same false alarms: they came from the silences.
TAIL_SECONDS = 0.5


class Gate:
    """Spans of time (seconds on one clock) in which audio must be ignored."""

    def __init__(self, tail: float = TAIL_SECONDS) -> None:
        self.tail = tail
        self._spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    @classmethod
    def from_plan(cls, plan: Plan, tail: float = TAIL_SECONDS, offset: float = 0.0) -> Gate:
        """Closed for every line of `plan`, its timeline starting at `offset` (all of them kept:
        a live gate forgets spans a minute old, as lines are closed while they play)."""
        gate = cls(tail)
        gate._spans = [(offset + e.start_ms / 1000, offset + e.end_ms / 1000 + tail)
                       for e in plan.says]
        return gate

    def close(self, start: float, end: float) -> None:
        """Ignore audio from `start` until `tail` after `end` (a line playing over that span)."""
        with self._lock:
            self._spans.append((start, end + self.tail))
            self._forget(start - 60.0)

    def cut(self, at: float) -> None:
        """The sound stopped at `at`: every span still running now ends `tail` after it."""
        with self._lock:
            self._spans = [(s, min(e, at + self.tail)) if s <= at else (s, e)
                           for s, e in self._spans]

    def is_open(self, start: float, end: float) -> bool:
        """Whether no span overlaps `start`..`end`."""
        with self._lock:
            return not any(s < end and start < e for s, e in self._spans)

    def open_from(self, start: float, end: float) -> float | None:
        """Where the open part of `start`..`end` begins if the rest of it is open, else None."""
        with self._lock:
            begin = start
            for s, e in sorted(self._spans):
                if s < end and begin < e:
                    begin = e
            return begin if begin < end else None

    def spans(self) -> list[tuple[float, float]]:
        with self._lock:
            return list(self._spans)

    def _forget(self, before: float) -> None:
        self._spans = [(s, e) for s, e in self._spans if e >= before]


class GatedListener:
    """Feeds a spotter only the audio the gate lets through, timing it by samples counted."""

    def __init__(self, spotter: KeywordSpotter, gate: Gate | None, origin: float = 0.0) -> None:
        self.spotter = spotter
        self.gate = gate
        self.origin = origin  # the time of the stream's first sample, on the gate's clock
        self._samples = 0
        self._muted = False

    def hear(self, pcm: bytes, sample_rate: int, start: float | None = None) -> list[Detection]:
        """The commands heard in the next `pcm` of the stream (those in closed spans dropped).

        `start`: when its first sample was heard, on the gate's clock; by default it follows on
        from the audio heard before."""
        n = len(pcm) // 2
        if start is None:
            start = self.origin + self._samples / sample_rate
        self._samples += n
        if self.gate is None:
            return self.spotter.feed(pcm)
        end = start + n / sample_rate
        begin = self.gate.open_from(start, end)
        if begin is None:
            self._muted = True
            self.spotter.skip(n)
            return []
        skipped = min(n, max(0, round((begin - start) * sample_rate)))
        if skipped or self._muted:
            self.spotter.skip(skipped)  # also starts afresh: nothing before the gap counts
            self._muted = False
        return self.spotter.feed(pcm[skipped * 2 :])
