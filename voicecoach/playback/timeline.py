"""The routine as one stream of samples: every line on its planned sample, pauses silent.

`run` plays it and `export` writes it, so both share one timeline. Rendering is random access:
any span of frames can be rendered on its own, in any order, which is what seeking needs. Line
`i` starts on frame `round(start_ms * sample_rate / 1000)`; a clip longer than its slot is cut
where the next event begins (faded, so it does not click). Volume is applied here, in the mix,
and the optional chime at each hold's start and end is mixed under the voice.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from voicecoach.errors import EngineError
from voicecoach.speech import SAMPLE_WIDTH, Clip, fade_out

if TYPE_CHECKING:
    from voicecoach.plan import Event, Plan

CHUNK_FRAMES = 4096  # what `chunks` yields by default: about 0.19 s at 22,050 Hz
FADE_SECONDS = 0.01  # a line cut where the next event begins fades out over this
CLIPS_KEPT = 4  # clips held while rendering in order (a chunk spans a few lines at most)


class ClipSource(Protocol):
    """Where the timeline gets each line's audio (a ClipCache)."""

    @property
    def sample_rate(self) -> int: ...

    def clip(self, text: str) -> Clip: ...


def sample_at(ms: int, sample_rate: int) -> int:
    """The frame where millisecond `ms` of the timeline falls: `round(ms * rate / 1000)`."""
    return (ms * sample_rate + 500) // 1000


def holds(plan: Plan) -> list[tuple[int, int]]:
    """Each hold as (start_ms, end_ms): from its start cue to the release that ends it."""
    events = plan.events
    found = []
    for i, event in enumerate(events):
        if event.kind != "say" or event.role != "start":
            continue
        for later in events[i + 1 :]:
            if (later.stretch, later.side) != (event.stretch, event.side) or later.role == "rep":
                break
            if later.role == "release":
                found.append((event.start_ms, later.start_ms))
                break
    return found


@dataclass(frozen=True)
class PlacedLine:
    """A line as it sits on the timeline: its event, first frame and how many frames it has."""

    index: int  # the event's index in the plan
    event: Event
    sample: int  # first frame
    frames: int  # frames of speech (the clip, cut if the next event begins first)
    sample_rate: int

    @property
    def at(self) -> float:
        return self.sample / self.sample_rate

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def to_json(self) -> dict[str, Any]:
        e = self.event
        return {
            "at": round(self.at, 6),
            "planned_at": e.at,
            "seconds": round(self.seconds, 6),
            "text": e.text,
            "role": e.role,
            "stretch": e.stretch,
            "side": e.side,
        }


class Timeline:
    """A timed plan rendered on demand as 16-bit mono PCM at the clip source's sample rate."""

    def __init__(
        self, plan: Plan, clips: ClipSource, *, volume: float = 1.0, chime: bool = False,
        keep_clips: bool = False,
    ) -> None:
        """`keep_clips`: hold every clip once read (playback: nothing is read mid-stream);
        otherwise only the last few (export: memory stays flat)."""
        if not 0.0 <= volume <= 1.0:
            raise ValueError(f"volume must be between 0 and 1, not {volume}")
        self.plan = plan
        self.clips = clips
        self.volume = volume
        self.sample_rate = rate = clips.sample_rate
        self.total_frames = sample_at(plan.total_ms, rate)
        self._slots = [
            (i, sample_at(e.start_ms, rate), sample_at(e.end_ms, rate))
            for i, e in enumerate(plan.events)
            if e.kind == "say" and e.text.strip()
        ]
        self._starts = [start for _, start, _ in self._slots]
        self._keep_all = keep_clips
        self._bodies: OrderedDict[int, bytes] = OrderedDict()
        self._lengths: dict[int, int] = {}  # frames of each line rendered so far
        self.chimes: tuple[tuple[int, bool], ...] = ()  # (first frame, is the end chime)
        if chime:
            self.chimes = tuple(sorted(
                (sample_at(ms, rate), end)
                for start_ms, end_ms in holds(plan)
                for ms, end in ((start_ms, False), (end_ms, True))
            ))

    # --- where things are -------------------------------------------------------------------

    def frame_at(self, ms: int) -> int:
        """The frame where millisecond `ms` of the plan falls."""
        return sample_at(ms, self.sample_rate)

    def ms_at(self, frame: int) -> int:
        """The millisecond of the plan that frame `frame` belongs to (rounded down)."""
        return frame * 1000 // self.sample_rate

    def line_starts(self) -> list[tuple[int, int]]:
        """(event index, first frame) of every spoken line, in order; reads no clip."""
        return [(i, start) for i, start, _ in self._slots]

    def lines(self) -> tuple[PlacedLine, ...]:
        """Every spoken line with its first frame and length (reads the clips not rendered yet)."""
        events = self.plan.events
        return tuple(
            PlacedLine(i, events[i], start, self._length(i, start, end), self.sample_rate)
            for i, start, end in self._slots
        )

    def _length(self, index: int, start: int, end: int) -> int:
        if index not in self._lengths:
            self._body(index, start, end)
        return self._lengths[index]

    def preload(self) -> None:
        """Read every clip now (and keep them when `keep_clips`), and make the chimes, so that
        rendering (on the audio device's thread, when playing) reads and imports nothing."""
        for i, start, end in self._slots:
            self._body(i, start, end)
        if self.chimes:
            import numpy  # noqa: F401

            from voicecoach.playback.chime import chime

            chime(self.sample_rate), chime(self.sample_rate, end=True)

    # --- rendering --------------------------------------------------------------------------

    def render(self, start: int, count: int) -> bytes:
        """Frames `start` to `start + count` as PCM bytes; silence before 0 and after the end."""
        out = bytearray(count * SAMPLE_WIDTH)
        if count <= 0:
            return bytes(out)
        stop = start + count
        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        for i, begin, end in self._slots[first:]:
            if begin >= stop:
                break
            if end <= start:
                continue
            body = self._body(i, begin, end)
            lo, hi = max(start, begin), min(stop, begin + len(body) // SAMPLE_WIDTH)
            if lo < hi:
                out[(lo - start) * SAMPLE_WIDTH : (hi - start) * SAMPLE_WIDTH] = body[
                    (lo - begin) * SAMPLE_WIDTH : (hi - begin) * SAMPLE_WIDTH
                ]
        if self.chimes:
            self._mix_chimes(out, start, stop)
        return bytes(out)

    def chunks(self, start: int = 0, size: int = CHUNK_FRAMES) -> Iterator[bytes]:
        """The timeline from frame `start` to its end, `size` frames at a time."""
        for at in range(start, self.total_frames, size):
            yield self.render(at, min(size, self.total_frames - at))

    def _body(self, index: int, start: int, end: int) -> bytes:
        """Line `index` as it is heard: volume applied, cut (and faded) at its slot's end."""
        body = self._bodies.get(index)
        if body is not None:
            self._bodies.move_to_end(index)
            return body
        clip = self.clips.clip(self.plan.events[index].text)
        if clip.sample_rate != self.sample_rate:
            raise EngineError(
                f"a clip came at {clip.sample_rate} Hz, the timeline is {self.sample_rate} Hz: "
                "clear the clip cache"
            )
        room = end - start
        body = clip.frames
        if clip.nframes > room:
            body = body[: room * SAMPLE_WIDTH]
            # A clip a sample or two longer than its slot (rounding) is trimmed silently.
            if clip.nframes - room > self.sample_rate // 1000:
                body = fade_out(body, self.sample_rate, FADE_SECONDS)
        if self.volume < 1.0:
            body = scaled(body, self.volume)
        self._bodies[index] = body
        self._lengths[index] = len(body) // SAMPLE_WIDTH
        if not self._keep_all and len(self._bodies) > CLIPS_KEPT:
            self._bodies.popitem(last=False)
        return body

    def _mix_chimes(self, out: bytearray, start: int, stop: int) -> None:
        from voicecoach.playback.chime import chime

        import numpy as np

        first = bisect.bisect_left(self.chimes, (start - self._longest_chime(), False))
        mixed = None
        for at, end in self.chimes[first:]:
            if at >= stop:
                break
            sound = chime(self.sample_rate, end=end)
            lo, hi = max(start, at), min(stop, at + len(sound))
            if lo >= hi:
                continue
            if mixed is None:
                mixed = np.frombuffer(out, dtype="<i2").astype(np.int32)
            part = np.asarray(sound[lo - at : hi - at], dtype=np.int32)
            mixed[lo - start : hi - start] += (part * self.volume).astype(np.int32)
        if mixed is not None:
            out[:] = np.clip(mixed, -32768, 32767).astype("<i2").tobytes()

    def _longest_chime(self) -> int:
        from voicecoach.playback.chime import CHIME_SECONDS

        return round(CHIME_SECONDS * self.sample_rate) + 1


def scaled(frames: bytes, volume: float) -> bytes:
    """`frames` with each sample times `volume`, rounded toward zero as `clip.scale` does."""
    import numpy as np

    values = np.frombuffer(frames, dtype="<i2")
    return (values * volume).astype("<i2").tobytes()
