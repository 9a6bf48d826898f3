"""Rendered clips kept on disk, so a routine is synthesised once and then reused."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from voicecoach import paths
from voicecoach.files import AtomicFile, read_capped
from voicecoach.speech.clip import SAMPLE_WIDTH, Clip

if TYPE_CHECKING:
    from voicecoach.speech.engine import Engine

FORMAT = 2  # bump when the way clips are rendered or stored changes: old files are then unused
MAGIC = b"voicecoach clip\n"
MAX_CLIP_SECONDS = 600  # far past the longest line a routine may hold
SENTENCE_GAP = 0.4  # seconds between the two parts of a line rendered sentence by sentence
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def first_sentence(text: str) -> tuple[str, str] | None:
    """`text` as its first sentence and the rest, or None if it is one sentence."""
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else None


def clips_dir() -> Path:
    """Where rendered clips live: `clips/` in the user's cache folder."""
    return paths.cache_dir() / "clips"


class ClipCache:
    """Clips of one engine, on disk and keyed by engine, voice, rate, volume and text."""

    def __init__(
        self, engine: Engine, *, enabled: bool = True, folder: Path | None = None,
        by_sentence: Iterable[str] = (),
    ):
        self.engine = engine
        self.enabled = enabled
        # Lines rendered as their first sentence, a short silence and the rest, so that the
        # first sentence can play while the rest renders.
        self.by_sentence = frozenset(by_sentence)
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
        if self.split(text) is not None:
            fields.append("by sentence")  # not the clip of the line rendered whole
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()

    def path(self, text: str) -> Path:
        key = self.key(text)
        return self.folder / key[:2] / f"{key}.clip"

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
        clip = self._render(text)
        self._seconds[text] = clip.seconds
        if not (self.enabled and self._write(text, clip)):
            self._memory[text] = clip
        return clip

    def split(self, text: str) -> tuple[str, str] | None:
        """The first sentence of `text` and the rest, if it is rendered in two parts."""
        return first_sentence(text) if text in self.by_sentence else None

    def _render(self, text: str) -> Clip:
        parts = self.split(text)
        if parts is None:
            return self.engine.render(text)
        head, rest = self.clip(parts[0]), self.clip(parts[1])
        gap = bytes(2 * round(SENTENCE_GAP * self.sample_rate))
        return Clip(head.frames + gap + rest.frames, self.sample_rate)

    def cached(self, text: str) -> bool:
        """Whether the clip of `text` is at hand without rendering (not read to check it)."""
        return text in self._memory or (self.enabled and self.path(text).is_file())

    def seconds(self, text: str) -> float:
        """How long `text` lasts once spoken, measured from its clip (to time a plan)."""
        if text not in self._seconds:
            self.clip(text)  # reads the whole file: a damaged one is caught here, not mid-export
        return self._seconds[text]

    def prepare(
        self, texts: Iterable[str], progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Render every line not cached yet; `progress(done, total)` over the distinct lines.
        An engine that renders several lines at once (`parallel` > 1) gets that many."""
        lines = list(dict.fromkeys(texts))
        workers = int(getattr(self.engine, "parallel", 1))
        if workers > 1 and len(lines) > 1:
            from concurrent.futures import ThreadPoolExecutor, as_completed

            # Lines render the same alone or after others, so their order does not matter.
            with ThreadPoolExecutor(workers, thread_name_prefix="voicecoach-render") as pool:
                futures = [pool.submit(self.seconds, t) for t in lines if t not in self._seconds]
                done = len(lines) - len(futures)
                for future in as_completed(futures):
                    future.result()
                    done += 1
                    if progress is not None:
                        progress(done, len(lines))
            if progress is not None and not futures:
                progress(len(lines), len(lines))
            return
        for done, text in enumerate(lines, 1):
            if text not in self._seconds:
                self.seconds(text)
            if progress is not None:
                progress(done, len(lines))

    def _read(self, text: str) -> Clip | None:
        """The stored clip of `text`, or None when it is missing or does not match what was
        recorded when it was written (its length, format, rate and a digest of its sound)."""
        limit = len(MAGIC) + 1024 + MAX_CLIP_SECONDS * self.sample_rate * SAMPLE_WIDTH
        try:
            data = read_capped(self.path(text), limit)
        except OSError:  # missing, a folder, a pipe: rendered again
            return None
        if not data.startswith(MAGIC) or len(data) > limit:
            return None
        line, _, frames = data[len(MAGIC):].partition(b"\n")
        try:
            record = json.loads(line)
        except ValueError:
            return None
        expected = {
            "format": FORMAT, "sample_rate": self.sample_rate, "sample_width": SAMPLE_WIDTH,
            "channels": 1, "bytes": len(frames), "sha256": hashlib.sha256(frames).hexdigest(),
        }
        return Clip(frames, self.sample_rate) if record == expected else None

    def _write(self, text: str, clip: Clip) -> bool:
        """Store `clip` atomically with what it must match when read back; False if the cache
        folder cannot be written."""
        record = {
            "format": FORMAT, "sample_rate": clip.sample_rate, "sample_width": SAMPLE_WIDTH,
            "channels": 1, "bytes": len(clip.frames),
            "sha256": hashlib.sha256(clip.frames).hexdigest(),
        }
        try:
            with AtomicFile(self.path(text), suffix=".part", sync=False) as file:
                file.write(MAGIC + json.dumps(record).encode() + b"\n")
                file.write(clip.frames)
        except OSError:
            return False
        return True
