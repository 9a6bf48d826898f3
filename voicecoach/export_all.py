"""Every routine (built-in and the user's) exported into one folder, with an M3U playlist.

A file is up to date when the export key in its comment tag matches: a hash of everything its
audio is made from (the routine, the plan options, the engine and its voice, rate and volume,
the format and bit rate, and this program's version). Unchanged routines are not rendered or
encoded again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach import __version__
from voicecoach.errors import UsageError, VoicecoachError

if TYPE_CHECKING:
    from voicecoach.routine import Routine
    from voicecoach.session import Settings, Steps
    from voicecoach.speech import ClipCache

PLAYLIST = "voicecoach.m3u"
KEY_NOTE = re.compile(r"\(voicecoach [^,()]+, export ([0-9a-f]{16})\)")

WRITTEN, UP_TO_DATE, FAILED = "written", "up to date", "failed"


@dataclass(frozen=True)
class Exported:
    """What became of one routine: its file, what happened, its length, or why it failed."""

    name: str
    title: str
    path: Path
    status: str
    seconds: float = 0.0
    error: str = ""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "routine": self.name, "file": str(self.path), "status": self.status,
            "seconds": round(self.seconds, 3),
        }
        if self.error:
            data["error"] = self.error
        return data


def export_key(
    routine: Routine, settings: Settings, clips: ClipCache, fmt: str, bitrate: int | None
) -> str:
    """A short hash of everything the exported audio is made from."""
    engine = clips.engine
    parts = {
        "routine": routine.model_dump(mode="json"),
        "options": asdict(settings.options),
        "engine": [engine.name, engine.identity, engine.voice, engine.rate, engine.volume],
        "volume": settings.volume,
        "chime": getattr(settings, "chime", None),  # hold chimes, where the mix has them
        "format": [fmt, bitrate],
        "version": __version__,
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def key_note(key: str) -> str:
    """The words that end the comment tag and carry the key."""
    return f"(voicecoach {__version__}, export {key})"


def stored_key(path: Path) -> str | None:
    """The export key in a file's comment tag; None if there is no readable file or key."""
    if not path.is_file():
        return None
    try:
        import av

        with av.open(str(path)) as container:
            tags = dict(container.metadata)
            for stream in container.streams:
                tags.update(stream.metadata)
    except Exception:  # not a file we can read: export it again
        return None
    found = KEY_NOTE.search(tags.get("comment", ""))
    return found.group(1) if found else None


def stored_seconds(path: Path) -> float:
    """A file's length as its container states it."""
    import av

    with av.open(str(path)) as container:
        return (container.duration or 0) / 1_000_000


def export_all(
    folder: Path,
    settings: Settings,
    clips: ClipCache,
    *,
    fmt: str,
    bitrate: int | None = None,
    steps: Callable[[str], Steps] | None = None,
    report: Callable[[Exported], None] = lambda done: None,
) -> list[Exported]:
    """Export every routine into `folder` as NAME.FORMAT (skipping files already up to date),
    then write the playlist. `steps(name)` gives the progress steps for one routine."""
    from voicecoach import catalog
    from voicecoach.encode import FORMATS, check_target
    from voicecoach.routine.loader import load_routine
    from voicecoach.session import export_routine

    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(f"{folder} {what}; create it first")
    check_target(folder / PLAYLIST)
    audio_format = FORMATS[fmt]
    entries = catalog.entries()
    clashing = catalog.clashes(entries)
    done: list[Exported] = []
    for entry in entries:
        path = folder / f"{entry.name}.{audio_format.name}"
        if entry.name in clashing:
            if entry is clashing[entry.name][0]:
                reason = catalog.describe_clash(entry.name, clashing[entry.name])
                done.append(Exported(entry.name, entry.name, path, FAILED, error=reason))
                report(done[-1])
            continue
        try:
            routine = load_routine(entry.path)
            key = export_key(routine, settings, clips, audio_format.name, bitrate)
            if stored_key(path) == key:
                outcome = Exported(
                    entry.name, routine.title, path, UP_TO_DATE, stored_seconds(path)
                )
            else:
                _, result = export_routine(
                    routine, settings, path, clips=clips, fmt=audio_format.name,
                    bitrate=bitrate, note=key_note(key),
                    steps=steps(entry.name) if steps else _quiet,
                )
                outcome = Exported(entry.name, routine.title, path, WRITTEN, result.seconds)
        except VoicecoachError as error:
            outcome = Exported(entry.name, entry.name, path, FAILED, error=_first_line(error))
        done.append(outcome)
        report(outcome)
    write_playlist(folder / PLAYLIST, [d for d in done if d.status != FAILED])
    return done


def _quiet(label: str) -> Callable[[int, int], None]:
    return lambda done, total: None


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [""])[0]


def write_playlist(path: Path, items: list[Exported]) -> None:
    """An extended M3U (UTF-8): each file by its name relative to the playlist, with its title
    and length, in the order `list` shows the routines."""
    from voicecoach.files import atomic_write

    lines = ["#EXTM3U"]
    for item in items:
        title = item.title.replace("\n", " ")
        lines += [f"#EXTINF:{round(item.seconds)},{title}", item.path.name]
    try:
        atomic_write(path, "\n".join(lines) + "\n")
    except OSError as error:
        raise VoicecoachError(f"{path}: could not be written ({error.strerror or error})") from None

