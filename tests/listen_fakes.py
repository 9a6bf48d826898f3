"""Spoken commands for tests: rendered with eSpeak NG at 16 kHz, and a microphone that plays them
into the room at chosen moments of a fake clock."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from tests.fakes import FakeClock
from voicecoach.listen.vocabulary import SAMPLE_RATE

CHUNK = SAMPLE_RATE // 10  # the microphone hands over a tenth of a second at a time
FLOOR = 0.01  # a lived-in room (fan, traffic): about -40 dBFS of noise, as a microphone hears it


@functools.lru_cache(maxsize=64)
def said(text: str, voice: str | None = None, rate: int = 160) -> np.ndarray:
    """`text` spoken by eSpeak NG, as float samples at 16 kHz."""
    from voicecoach import speech

    clip = speech.open_engine("espeak", voice=voice, rate=rate).render(text)
    x = np.frombuffer(clip.frames, dtype="<i2").astype(np.float64) / 32768
    n, m = len(x), round(len(x) * SAMPLE_RATE / clip.sample_rate)
    spectrum = np.zeros(m // 2 + 1, dtype=complex)
    source = np.fft.rfft(x)
    count = min(len(spectrum), len(source))
    spectrum[:count] = source[:count]
    return np.fft.irfft(spectrum, m) * (m / n)


def pcm(x: np.ndarray) -> bytes:
    return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()


def room(seconds: float, parts: list[tuple[float, np.ndarray]], seed: int = 0) -> np.ndarray:
    """`seconds` of a quiet room with each clip of `parts` starting at its time."""
    rng = np.random.default_rng(seed)
    audio = rng.normal(0.0, FLOOR, int(seconds * SAMPLE_RATE))
    for at, clip in parts:
        start = int(at * SAMPLE_RATE)
        audio[start : start + len(clip)] += clip[: len(audio) - start]
    return audio


class FakeMicrophone:
    """A microphone whose room audio is known in advance; the clock hands it over as time passes."""

    def __init__(self, audio: np.ndarray) -> None:
        self.audio = audio
        self.on_audio: Callable[[bytes], None] | None = None
        self.sent = 0  # samples handed over
        self.closed = False

    def start(self, on_audio: Callable[[bytes], None]) -> None:
        self.on_audio = on_audio

    def close(self) -> None:
        self.closed = True

    def until(self, seconds: float) -> None:
        """Hand over every whole chunk heard by `seconds` after the start."""
        while self.on_audio is not None and (self.sent + CHUNK) / SAMPLE_RATE <= seconds + 1e-9:
            chunk = self.audio[self.sent : self.sent + CHUNK]
            if len(chunk) < CHUNK:
                raise AssertionError(f"the room's audio ran out at {seconds:.1f} s (stuck?)")
            self.sent += CHUNK
            self.on_audio(pcm(chunk))


class ListeningClock(FakeClock):
    """A fake clock that lets the microphone hand over the audio of each moment as it passes."""

    def __init__(self, microphone: FakeMicrophone, start: float = 1000.0) -> None:
        super().__init__(start)
        self.microphone = microphone

    def sleep_until(self, t: float) -> None:
        super().sleep_until(t)
        self.microphone.until(self.elapsed)

    def advance(self, seconds: float) -> None:
        super().advance(seconds)
        self.microphone.until(self.elapsed)
