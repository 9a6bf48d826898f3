"""Export: a whole routine as one WAV file, each line at its exact offset, pauses as silence.

The file is streamed: silence is written in chunks and clips one at a time, so memory stays flat
however long the routine. It is written to a temporary file beside the target and moved into
place at the end, so an interrupted or failed export leaves no partial file and never replaces a
good one.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from voicecoach.errors import EngineError, UsageError, VoicecoachError
from voicecoach.files import AtomicFile
from voicecoach.speech.clip import SAMPLE_WIDTH, Clip, fade_out

if TYPE_CHECKING:
    from voicecoach.plan import Event, Plan

SILENCE_CHUNK_SECONDS = 1
FADE_SECONDS = 0.01  # a line cut short where the next begins is faded out, not clicked off

Progress = Callable[[int, int], None]  # (milliseconds of the timeline written, total)


class ClipSource(Protocol):
    """Where the exporter gets each line's audio (a ClipCache)."""

    @property
    def sample_rate(self) -> int: ...

    def clip(self, text: str) -> Clip: ...


@dataclass(frozen=True)
class PlacedCue:
    """A line as it sits in the file: where it starts and how much of it there is."""

    event: Event
    sample: int  # first sample of the line in the file
    frames: int  # samples of speech written (the clip, cut if the next line starts first)
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


@dataclass(frozen=True)
class ExportResult:
    """What was written: the file, its length, and where every line is in it."""

    path: Path
    sample_rate: int
    frames: int
    cues: tuple[PlacedCue, ...]

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def to_json(self, plan: Plan) -> dict[str, Any]:
        return {
            "routine": plan.routine,
            "file": str(self.path),
            "sample_rate": self.sample_rate,
            "seconds": round(self.seconds, 6),
            "planned_seconds": plan.estimated_seconds,
            "cues": [c.to_json() for c in self.cues],
        }


def sample_at(ms: int, sample_rate: int) -> int:
    """The sample where millisecond `ms` of the timeline falls (rounded, never drifting)."""
    return (ms * sample_rate + 500) // 1000


def check_target(path: Path) -> None:
    """UsageError unless `path` is a WAV file name in a folder that exists."""
    if path.suffix.lower() != ".wav":
        raise UsageError(f"{path}: the export is a WAV file; give a name ending in .wav")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name ending in .wav")
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        raise UsageError(f"{path}: the folder {path.parent} {what}")
    if not os.access(path.parent, os.W_OK):
        raise UsageError(f"{path}: the folder {path.parent} cannot be written to")


def export_wav(
    plan: Plan, clips: ClipSource, path: str | Path, progress: Progress | None = None
) -> ExportResult:
    """Write `plan` as one mono 16-bit WAV at `path`: every line at its exact sample offset."""
    target = Path(path)
    check_target(target)
    rate = clips.sample_rate
    total = sample_at(plan.total_ms, rate)
    try:
        output = AtomicFile(target, suffix=".part")
    except OSError as error:
        raise VoicecoachError(f"{target}: cannot write there ({error.strerror or error})") from None
    try:  # Ctrl-C too: the partial file is removed, and an old file stays as it was
        with output as file:
            cues = _write(plan, clips, file, rate, total, progress)
    except OSError as error:  # a full disk, a vanished folder: nothing half-written is left
        raise VoicecoachError(
            f"{target}: could not be written ({error.strerror or error})"
        ) from None
    return ExportResult(target, rate, total, tuple(cues))


def _write(
    plan: Plan,
    clips: ClipSource,
    file: IO[bytes],
    rate: int,
    total: int,
    progress: Progress | None,
) -> list[PlacedCue]:
    silence = memoryview(bytes(SAMPLE_WIDTH * rate * SILENCE_CHUNK_SECONDS))

    def write_silence(frames: int) -> None:
        while frames > 0:
            n = min(frames, len(silence) // SAMPLE_WIDTH)
            w.writeframesraw(silence[: n * SAMPLE_WIDTH])
            frames -= n

    cues: list[PlacedCue] = []
    with wave.open(file, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(rate)
        w.setnframes(total)  # known up front: the header is right even before it is closed
        position = 0
        for event in plan.events:
            start, end = sample_at(event.start_ms, rate), sample_at(event.end_ms, rate)
            if start > position:  # never, for a plan: its events are contiguous
                write_silence(start - position)
                position = start
            if event.kind == "say" and end > position:
                cue = _place(event, clips, rate, position, end, w.writeframesraw)
                cues.append(cue)
                position += cue.frames
            if end > position:
                write_silence(end - position)
                position = end
            if progress is not None:
                progress(event.end_ms, plan.total_ms)
        write_silence(total - position)
    return cues


def _place(
    event: Event,
    clips: ClipSource,
    rate: int,
    start: int,
    end: int,
    write: Callable[[bytes], None],
) -> PlacedCue:
    clip = clips.clip(event.text)
    if clip.sample_rate != rate:
        raise EngineError(
            f"a clip came at {clip.sample_rate} Hz, the file is {rate} Hz: clear the clip cache"
        )
    room = end - start
    frames = clip.frames
    if clip.nframes > room:
        cut = frames[: room * SAMPLE_WIDTH]
        # A clip a sample or two longer than its slot (rounding) is trimmed silently.
        frames = fade_out(cut, rate, FADE_SECONDS) if clip.nframes - room > rate // 1000 else cut
    write(frames)
    return PlacedCue(event, start, len(frames) // SAMPLE_WIDTH, rate)

