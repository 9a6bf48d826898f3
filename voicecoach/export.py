"""Export: a whole routine as one WAV file, each line at its exact offset, pauses as silence.

The file is the routine's timeline, the one `run` plays, written a second at a time, so memory
stays flat however long the routine. It is written to a temporary file beside the target and
moved into place at the end, so an interrupted or failed export leaves no partial file and never
replaces a good one.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from voicecoach.errors import UsageError, VoicecoachError
from voicecoach.files import AtomicFile
from voicecoach.playback.timeline import ClipSource, PlacedLine, sample_at  # noqa: F401
from voicecoach.speech import SAMPLE_WIDTH

if TYPE_CHECKING:
    from voicecoach.plan import Event, Plan
    from voicecoach.playback.timeline import Timeline

CHUNK_SECONDS = 1

Progress = Callable[[int, int], None]  # (milliseconds of the timeline written, total)
PlacedCue = PlacedLine  # a line as it sits in the file: its first sample and its length


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


def check_target(path: Path) -> None:
    """UsageError unless `path` is a WAV file name in a folder that exists."""
    if path.suffix.lower() != ".wav":
        raise UsageError(f"{path}: the export is a WAV file; give a name ending in .wav")
    longest = _name_max(path.parent) - len(".12345678.part") - 1  # the partial file's name
    if len(os.fsencode(path.name)) > longest:
        raise UsageError(
            f"{path}: the file name is too long ({len(os.fsencode(path.name))} bytes; "
            f"at most {longest} here)"
        )
    try:
        _check_folder(path)
    except OSError as error:  # a folder that cannot be searched, a path too long
        raise UsageError(f"{path}: {error.strerror or error}") from None


def _name_max(folder: Path) -> int:
    """The longest file name (in bytes) the folder's file system takes."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # not said here (Windows): the usual limit
        return 255


def _check_folder(path: Path) -> None:
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name ending in .wav")
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        raise UsageError(f"{path}: the folder {path.parent} {what}")
    if not os.access(path.parent, os.W_OK):
        raise UsageError(f"{path}: the folder {path.parent} cannot be written to")


def export_wav(
    plan: Plan, clips: ClipSource, path: str | Path, progress: Progress | None = None, *,
    volume: float = 1.0, chime: bool = False,
) -> ExportResult:
    """Write `plan` as one mono 16-bit WAV at `path`: the timeline `run` plays, every line at
    its exact sample offset, `volume` applied and hold chimes mixed in as when played."""
    from voicecoach.playback.timeline import Timeline

    target = Path(path)
    check_target(target)
    timeline = Timeline(plan, clips, volume=volume, chime=chime)
    try:
        output = AtomicFile(target, suffix=".part")
    except OSError as error:
        raise VoicecoachError(f"{target}: cannot write there ({error.strerror or error})") from None
    try:  # Ctrl-C too: the partial file is removed, and an old file stays as it was
        with output as file:
            _write(timeline, file, progress)
    except OSError as error:  # a full disk, a vanished folder: nothing half-written is left
        raise VoicecoachError(
            f"{target}: could not be written ({error.strerror or error})"
        ) from None
    return ExportResult(target, timeline.sample_rate, timeline.total_frames, timeline.lines())


def _write(timeline: Timeline, file: IO[bytes], progress: Progress | None) -> None:
    total_ms = timeline.plan.total_ms
    with wave.open(file, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(timeline.sample_rate)
        w.setnframes(timeline.total_frames)  # known up front: the header is right at once
        written = 0
        for chunk in timeline.chunks(size=timeline.sample_rate * CHUNK_SECONDS):
            w.writeframesraw(chunk)
            written += len(chunk) // SAMPLE_WIDTH
            if progress is not None:
                progress(min(total_ms, timeline.ms_at(written)), total_ms)
    if progress is not None:
        progress(total_ms, total_ms)
