"""Export: a whole routine as one audio file, each line at its exact offset, pauses as silence.

The audio is the routine's timeline, the one `run` plays, produced a second at a time and encoded
as it comes, so memory stays flat however long the routine; voicecoach.encode writes the file
atomically, with a chapter per stretch and the routine's tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicecoach import content
from voicecoach.encode import AudioFormat, Chapter, choose_format, encode
from voicecoach.encode import check_target as encode_check_target
from voicecoach.playback.timeline import ClipSource, PlacedLine, sample_at  # noqa: F401
from voicecoach.speech import SAMPLE_WIDTH

if TYPE_CHECKING:
    from voicecoach.plan import Plan
    from voicecoach.playback.timeline import Timeline

CHUNK_SECONDS = 1
INTRODUCTION, THE_END = "Introduction", "The end"
ARTIST, ALBUM = "voicecoach", "voicecoach stretching routines"

Progress = Callable[[int, int], None]  # (milliseconds of the timeline written, total)
PlacedCue = PlacedLine  # a line as it sits in the file: its first sample and its length


@dataclass(frozen=True)
class ExportResult:
    """What was written: the file, its length, and where every line is in it."""

    path: Path
    sample_rate: int
    frames: int
    cues: tuple[PlacedCue, ...]
    format: str = "wav"

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def to_json(self, plan: Plan) -> dict[str, Any]:
        return {
            "routine": plan.routine,
            "file": str(self.path),
            "format": self.format,
            "sample_rate": self.sample_rate,
            "seconds": round(self.seconds, 6),
            "planned_seconds": plan.estimated_seconds,
            "cues": [c.to_json() for c in self.cues],
        }


def check_target(path: Path, fmt: str | None = None) -> AudioFormat:
    """The format to write `path` in; UsageError if it has none or its folder cannot be used."""
    audio_format = choose_format(path, fmt)
    encode_check_target(path)
    return audio_format


def plan_chapters(plan: Plan) -> list[Chapter]:
    """Chapters at the exact planned time of their first line: the introduction, each stretch
    (by name), the end."""
    chapters: list[Chapter] = []
    seen: set[int] = set()
    for event in plan.says:
        if not chapters:
            chapters.append((event.at, INTRODUCTION))
        elif event.stretch is not None and event.stretch not in seen:
            seen.add(event.stretch)
            chapters.append((event.at, plan.stretch_names[event.stretch]))
        elif event.role == "complete":
            chapters.append((event.at, THE_END))
    return chapters


def plan_tags(plan: Plan, note: str = "") -> dict[str, str]:
    """Title, artist, album and a comment carrying the disclaimer (and `note`, if any)."""
    comment = f"{content.DISCLAIMER} {note}".strip()
    return {"title": plan.title, "artist": ARTIST, "album": ALBUM, "comment": comment}


def export_wav(
    plan: Plan, clips: ClipSource, path: str | Path, progress: Progress | None = None, *,
    volume: float = 1.0, chime: bool = False,
) -> ExportResult:
    """Write `plan` as one audio file at `path` in the format its name says (WAV for .wav)."""
    return export_audio(plan, clips, path, progress=progress, volume=volume, chime=chime)


def export_audio(
    plan: Plan,
    clips: ClipSource,
    path: str | Path,
    *,
    fmt: str | None = None,
    bitrate: int | None = None,
    progress: Progress | None = None,
    note: str = "",
    volume: float = 1.0,
    chime: bool = False,
) -> ExportResult:
    """Write `plan` as one mono file at `path`: the timeline `run` plays, every line at its exact
    sample offset, `volume` applied and hold chimes mixed in as when played, with chapters and
    tags where the format has them. `note` ends the comment tag."""
    from voicecoach.playback.timeline import Timeline

    target = Path(path)
    audio_format = check_target(target, fmt)
    timeline = Timeline(plan, clips, volume=volume, chime=chime)
    frames = encode(
        render_pcm(timeline, progress),
        sample_rate=timeline.sample_rate,
        path=target,
        fmt=audio_format,
        bitrate=bitrate,
        chapters=plan_chapters(plan),
        tags=plan_tags(plan, note),
    )
    return ExportResult(target, timeline.sample_rate, frames, timeline.lines(), audio_format.name)


def render_pcm(timeline: Timeline, progress: Progress | None = None) -> Iterator[bytes]:
    """The timeline's audio as 16-bit mono PCM chunks of a second, reporting progress."""
    total_ms = timeline.plan.total_ms
    written = 0
    for chunk in timeline.chunks(size=timeline.sample_rate * CHUNK_SECONDS):
        yield chunk
        written += len(chunk) // SAMPLE_WIDTH
        if progress is not None:
            progress(min(total_ms, timeline.ms_at(written)), total_ms)
    if progress is not None:
        progress(total_ms, total_ms)
