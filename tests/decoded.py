"""Reading exported files back the way a player does: decoded with PyAV, tags with mutagen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

# Samples per coded frame: the "one audio frame" a timing may be off by.
FRAME_SAMPLES = {"wav": 1, "mp3": 576, "m4a": 1024, "opus": 960}


@dataclass
class Decoded:
    """A file's audio (floats, -1..1), its rate, chapters (start s, end s, title) and tags."""

    audio: np.ndarray
    rate: int
    chapters: list[tuple[float, float, str]]
    tags: dict[str, str]

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.rate


def decode(path: Path) -> Decoded:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.channels == 1, "mono"
        parts = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
        rate = stream.codec_context.sample_rate
        chapters = [
            (
                float(c["start"] * c["time_base"]),
                float(c["end"] * c["time_base"]),
                c["metadata"].get("title", ""),
            )
            for c in container.chapters()
        ]
        tags = {**container.metadata, **stream.metadata}
    audio = np.concatenate(parts)
    if audio.dtype == np.int16:
        audio = audio / 32768.0
    return Decoded(audio.astype(np.float64), rate, chapters, tags)


def onsets(
    audio: np.ndarray, rate: int, after_silence: float = 0.2, level: float = 0.05
) -> list[float]:
    """Where sound first passes `level` (of full scale) after `after_silence` s below it."""
    loud = np.flatnonzero(np.abs(audio) > level)
    if len(loud) == 0:
        return []
    starts = [loud[0]] + [b for a, b in zip(loud, loud[1:]) if b - a > after_silence * rate]
    return [s / rate for s in starts]


def lag_ms(decoded: np.ndarray, reference: np.ndarray, at: int, rate: int) -> float:
    """How far (ms) the decoded audio around sample `at` is shifted against the reference:
    the best normalised cross-correlation of 0.3 s from `at`, within 50 ms either way."""
    span, reach = int(0.3 * rate), int(0.05 * rate)
    ref = reference[at : at + span]
    lo = max(0, at - reach)
    window = decoded[lo : at + reach + len(ref)]
    scores = np.correlate(window, ref, mode="valid")
    energy = np.convolve(window**2, np.ones(len(ref)), mode="valid")
    best = int(np.argmax(scores / np.sqrt(np.maximum(energy, 1e-12))))
    return (lo + best - at) * 1000 / rate
