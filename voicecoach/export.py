"""Export: a whole routine as one audio file, each line at its exact offset, pauses as silence.

The audio is produced in chunks (silence a second at a time, clips one at a time) and encoded as
it comes, so memory stays flat however long the routine; voicecoach.encode writes the file
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
from voicecoach.errors import EngineError
from voicecoach.speech import SAMPLE_WIDTH, fade_out

if TYPE_CHECKING:
    from voicecoach.plan import Event, Plan
    from voicecoach.speech import ClipCache

SILENCE_CHUNK_SECONDS = 1
FADE_SECONDS = 0.01  # a line cut short where the next begins is faded out, not clicked off
INTRODUCTION, THE_END = "Introduction", "The end"
ARTIST, ALBUM = "voicecoach", "voicecoach stretching routines"

Progress = Callable[[int, int], None]  # (milliseconds of the timeline written, total)


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


def sample_at(ms: int, sample_rate: int) -> int:
    """The sample where millisecond `ms` of the timeline falls (rounded, never drifting)."""
    return (ms * sample_rate + 500) // 1000


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
    plan: Plan, clips: ClipCache, path: str | Path, progress: Progress | None = None
) -> ExportResult:
    """Write `plan` as one audio file at `path` in the format its name says (WAV for .wav)."""
    return export_audio(plan, clips, path, progress=progress)


def export_audio(
    plan: Plan,
    clips: ClipCache,
    path: str | Path,
    *,
    fmt: str | None = None,
    bitrate: int | None = None,
    progress: Progress | None = None,
    note: str = "",
) -> ExportResult:
    """Write `plan` as one mono file at `path`: every line at its exact sample offset, pauses as
    silence, with chapters and tags where the format has them. `note` ends the comment tag."""
    target = Path(path)
    audio_format = check_target(target, fmt)
    rate = clips.sample_rate
    cues: list[PlacedCue] = []
    frames = encode(
        render_pcm(plan, clips, cues, progress),
        sample_rate=rate,
        path=target,
        fmt=audio_format,
        bitrate=bitrate,
        chapters=plan_chapters(plan),
        tags=plan_tags(plan, note),
    )
    return ExportResult(target, rate, frames, tuple(cues), audio_format.name)


def render_pcm(
    plan: Plan,
    clips: ClipCache,
    cues: list[PlacedCue] | None = None,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The plan's audio as 16-bit mono PCM chunks: each clip at its line's exact sample, the rest
    silence. Each line placed is appended to `cues`."""
    rate = clips.sample_rate
    total = sample_at(plan.total_ms, rate)
    silence = bytes(SAMPLE_WIDTH * rate * SILENCE_CHUNK_SECONDS)

    def quiet(frames: int) -> Iterator[bytes]:
        while frames > 0:
            n = min(frames, len(silence) // SAMPLE_WIDTH)
            yield silence[: n * SAMPLE_WIDTH]
            frames -= n

    position = 0
    for event in plan.events:
        start, end = sample_at(event.start_ms, rate), sample_at(event.end_ms, rate)
        if start > position:  # never, for a plan: its events are contiguous
            yield from quiet(start - position)
            position = start
        if event.kind == "say" and end > position:
            cue, frames = _place(event, clips, rate, position, end)
            if cues is not None:
                cues.append(cue)
            yield frames
            position += cue.frames
        if end > position:
            yield from quiet(end - position)
            position = end
        if progress is not None:
            progress(event.end_ms, plan.total_ms)
    yield from quiet(total - position)


def _place(
    event: Event, clips: ClipCache, rate: int, start: int, end: int
) -> tuple[PlacedCue, bytes]:
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
    return PlacedCue(event, start, len(frames) // SAMPLE_WIDTH, rate), frames
