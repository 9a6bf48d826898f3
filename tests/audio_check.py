"""Measuring audio in tests: frame energy, sound segments, tones."""

from __future__ import annotations

import math
import operator
import wave
from array import array
from pathlib import Path

from voicecoach.speech.clip import SAMPLE_RATE, samples, to_bytes

FRAME_SECONDS = 0.02
THRESHOLD_DBFS = -40.0


def tone(
    seconds: float, amplitude: int = 8000, hz: float = 441.0, rate: int = SAMPLE_RATE
) -> bytes:
    """A sine tone as 16-bit PCM bytes (built from whole periods when they fit: fast)."""
    n = int(round(seconds * rate))
    period = rate / hz
    if period == int(period):
        one = to_bytes(array("h", [int(amplitude * math.sin(2 * math.pi * i / period))
                                   for i in range(int(period))]))
        whole, rest = divmod(n, int(period))
        return one * whole + one[: 2 * rest]
    points = [int(amplitude * math.sin(2 * math.pi * hz * i / rate)) for i in range(n)]
    return to_bytes(array("h", points))


def silence(seconds: float, rate: int = SAMPLE_RATE) -> bytes:
    return bytes(2 * int(round(seconds * rate)))


def frame_dbfs(
    frames: bytes, rate: int = SAMPLE_RATE, frame_seconds: float = FRAME_SECONDS
) -> list[float]:
    """RMS level of each frame in dBFS (-inf for digital silence)."""
    values = samples(frames)
    size = int(rate * frame_seconds)
    levels = []
    for start in range(0, len(values) - size + 1, size):
        part = values[start : start + size]
        if max(part) == min(part) == 0:  # digital silence, the common case: skip the squares
            levels.append(float("-inf"))
            continue
        every = part[::3]  # a third of the samples estimate a 20 ms frame's energy well enough
        energy = sum(map(operator.mul, every, every)) / len(every)
        levels.append(10 * math.log10(energy / 32768**2) if energy else float("-inf"))
    return levels


def loud_frames(frames: bytes, rate: int = SAMPLE_RATE) -> list[bool]:
    return [level > THRESHOLD_DBFS for level in frame_dbfs(frames, rate)]


def read_pcm(path: Path) -> tuple[bytes, int]:
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        return w.readframes(w.getnframes()), w.getframerate()
