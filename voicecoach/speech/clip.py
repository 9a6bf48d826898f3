"""Rendered speech as plain PCM: trimming, volume, and reading and writing WAV files."""

from __future__ import annotations

import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SAMPLE_RATE = 22_050  # what eSpeak NG always renders; every clip is brought to it
SAMPLE_WIDTH = 2  # bytes: 16-bit signed PCM
SILENCE_PEAK = 100  # about -50 dBFS: below this a 5 ms window counts as silence
WINDOW_SECONDS = 0.005
MARGIN_SECONDS = 0.010  # kept on each side of the sound so onsets and tails are not clipped


@dataclass(frozen=True)
class Clip:
    """One rendered line: 16-bit mono PCM (little-endian), leading/trailing silence trimmed."""

    frames: bytes
    sample_rate: int = SAMPLE_RATE

    @property
    def nframes(self) -> int:
        return len(self.frames) // SAMPLE_WIDTH

    @property
    def seconds(self) -> float:
        return self.nframes / self.sample_rate


def samples(frames: bytes) -> array:
    """The 16-bit samples of little-endian PCM bytes."""
    values = array("h")
    values.frombytes(frames[: len(frames) - len(frames) % SAMPLE_WIDTH])
    if sys.byteorder == "big":
        values.byteswap()
    return values


def to_bytes(values: array) -> bytes:
    """Little-endian PCM bytes of 16-bit samples."""
    if sys.byteorder == "big":
        values = array("h", values)
        values.byteswap()
    return values.tobytes()


def trim(frames: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    """`frames` without the silence before and after the sound, keeping a short margin."""
    values = samples(frames)
    window = max(1, int(sample_rate * WINDOW_SECONDS))
    margin = int(sample_rate * MARGIN_SECONDS)

    def loud(start: int) -> bool:
        part = values[start : start + window]
        return max(part) > SILENCE_PEAK or min(part) < -SILENCE_PEAK

    starts = range(0, len(values), window)
    first = next((s for s in starts if loud(s)), None)
    if first is None:
        return b""
    last = next(s for s in reversed(starts) if loud(s))
    begin = max(0, first - margin)
    end = min(len(values), last + window + margin)
    return frames[begin * SAMPLE_WIDTH : end * SAMPLE_WIDTH]


def scale(frames: bytes, volume: float) -> bytes:
    """`frames` with every sample multiplied by `volume` (0..1)."""
    if volume >= 1.0:
        return frames
    values = samples(frames)
    return to_bytes(array("h", [int(v * volume) for v in values]))


def fade_out(frames: bytes, sample_rate: int = SAMPLE_RATE, seconds: float = 0.01) -> bytes:
    """`frames` with its last `seconds` faded to silence (a cut line does not end in a click)."""
    values = samples(frames)
    n = min(len(values), int(sample_rate * seconds))
    if n == 0:
        return frames
    tail = values[len(values) - n :]
    faded = array("h", [int(v * (n - 1 - i) / n) for i, v in enumerate(tail)])
    return frames[: (len(values) - n) * SAMPLE_WIDTH] + to_bytes(faded)


def _mono(values: array, channels: int) -> array:
    if channels == 1:
        return values
    return array("h", [
        sum(values[i : i + channels]) // channels for i in range(0, len(values), channels)
    ])


def _resample(values: array, rate: int, target: int) -> array:
    """Linear-interpolation resampling: good enough for speech from another platform's engine."""
    if rate == target or not values:
        return values
    count = max(1, round(len(values) * target / rate))
    step = rate / target
    last = len(values) - 1
    out = array("h", bytes(2 * count))
    for i in range(count):
        pos = i * step
        j = int(pos)
        if j >= last:
            out[i] = values[last]
        else:
            frac = pos - j
            out[i] = int(values[j] + (values[j + 1] - values[j]) * frac)
    return out


def normalise(
    frames: bytes, channels: int, width: int, rate: int, target: int = SAMPLE_RATE
) -> bytes:
    """PCM in any common layout as 16-bit mono at `target` Hz."""
    if width == 2:
        values = samples(frames)
    elif width == 1:  # WAV 8-bit is unsigned
        values = array("h", [(b - 128) << 8 for b in frames])
    elif width in (3, 4):
        values = array("h", [
            int.from_bytes(frames[i + width - 2 : i + width], "little", signed=True)
            for i in range(0, len(frames) - width + 1, width)
        ])
    else:
        raise ValueError(f"unsupported sample width: {width} bytes")
    return to_bytes(_resample(_mono(values, channels), rate, target))


def read_wav(source: str | Path | BinaryIO, rate: int | None = SAMPLE_RATE) -> Clip:
    """A WAV file as a Clip, converted to 16-bit mono at `rate` Hz (None: the file's own rate)
    if it is not already."""
    with wave.open(source if not isinstance(source, Path) else str(source), "rb") as w:
        channels, width, own = w.getnchannels(), w.getsampwidth(), w.getframerate()
        frames = w.readframes(w.getnframes())
    target = own if rate is None else rate
    if (channels, width, own) != (1, SAMPLE_WIDTH, target):
        frames = normalise(frames, channels, width, own, target)
    return Clip(frames, target)


def write_wav(target: str | Path | BinaryIO, clip: Clip) -> None:
    """Write `clip` as a mono 16-bit WAV file."""
    with wave.open(target if not isinstance(target, Path) else str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(SAMPLE_WIDTH)
        w.setframerate(clip.sample_rate)
        w.writeframes(clip.frames)
