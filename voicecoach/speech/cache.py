"""Rendered clips kept on disk, so a routine is synthesised once and then reused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach import paths
from voicecoach.files import AtomicFile
from voicecoach.speech.clip import Clip, read_wav, write_wav

if TYPE_CHECKING:
    from voicecoach.speech.engine import Engine

FORMAT = 1  # bump when the way clips are rendered or trimmed changes: old files are then unused


def clips_dir() -> Path:
    """Where rendered clips live: `clips/` in the user's cache folder."""
    return paths.cache_dir() / "clips"


class ClipCache:
    """Clips of one engine, on disk and keyed by engine, voice, rate, volume and text."""

    def __init__(self, engine: Engine, *, enabled: bool = True, folder: Path | None = None):
        self.engine = engine
        self.enabled = enabled
        self.folder = folder if folder is not None else clips_dir()
        self.hits = 0
        self.misses = 0
        self._seconds: dict[str, float] = {}
        self._memory: dict[str, Clip] = {}  # only when the disk is not used

    @property
    def sample_rate(self) -> int:
        return self.engine.sample_rate

    def key(self, text: str) -> str:
        e = self.engine
        fields = [FORMAT, e.name, e.identity, e.voice, e.rate, round(e.volume, 3), text]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()

    def path(self, text: str) -> Path:
        key = self.key(text)
        return self.folder / key[:2] / f"{key}.wav"

    def clip(self, text: str) -> Clip:
        """The clip of `text`: from the cache if there, else rendered (and stored)."""
        if text in self._memory:
            self.hits += 1
            return self._memory[text]
        if self.enabled:
            clip = self._read(text)
            if clip is not None:
                self.hits += 1
                self._seconds[text] = clip.seconds
                return clip
        self.misses += 1
        clip = self.engine.render(text)
        self._seconds[text] = clip.seconds
        if not (self.enabled and self._write(text, clip)):
            self._memory[text] = clip
        return clip

    def seconds(self, text: str) -> float:
        """How long `text` lasts once spoken, measured from its clip (to time a plan)."""
        if text not in self._seconds:
            self.clip(text)  # reads the whole file: a damaged one is caught here, not mid-export
        return self._seconds[text]

    def prepare(
        self, texts: Iterable[str], progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Render every line not cached yet; `progress(done, total)` over the distinct lines."""
        lines = list(dict.fromkeys(texts))
        for done, text in enumerate(lines, 1):
            if text not in self._seconds:
                self.seconds(text)
            if progress is not None:
                progress(done, len(lines))

    def _read(self, text: str) -> Clip | None:
        path = self.path(text)
        try:
            clip = read_wav(path)
        except Exception:  # missing, or damaged: rendered again and replaced
            return None
        return clip if clip.sample_rate == self.sample_rate else None

    def _write(self, text: str, clip: Clip) -> bool:
        """Store `clip` atomically; False if the cache folder cannot be written."""
        path = self.path(text)
        try:
            with AtomicFile(path, suffix=".part", sync=False) as file:
                write_wav(file, clip)
        except OSError:
            return False
        return True
