"""Speech: the one way into the speech engines, their clips, the clip cache and audio output.

Engines are modules named in `ENGINES`, imported only when opened, so importing this package is
cheap. Adding an engine is one module with `open_engine(*, voice, rate, volume)` (and, if it is
slow to load, `warm_up()`) plus one entry in `ENGINES`.
"""

from __future__ import annotations

import threading
from importlib import import_module
from types import ModuleType

from voicecoach.errors import EngineError, UsageError
from voicecoach.rates import DEFAULT_RATE
from voicecoach.speech.cache import ClipCache, clips_dir
from voicecoach.speech.clip import SAMPLE_RATE, SAMPLE_WIDTH, Clip, fade_out
from voicecoach.speech.engine import Engine, Voice
from voicecoach.speech.output import AudioOutput, NoAudioOutput, open_audio_output

ENGINES: dict[str, str] = {
    "espeak": "voicecoach.speech.espeak",
}
DEFAULT_ENGINE = "espeak"

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "SAMPLE_RATE",
    "SAMPLE_WIDTH",
    "AudioOutput",
    "Clip",
    "ClipCache",
    "Engine",
    "NoAudioOutput",
    "Voice",
    "clips_dir",
    "engine_names",
    "fade_out",
    "open_audio_output",
    "open_engine",
    "warm_up",
]


def engine_names() -> list[str]:
    """The engines this program knows, by name."""
    return list(ENGINES)


def _module(name: str | None) -> ModuleType:
    name = DEFAULT_ENGINE if name is None else name
    if name not in ENGINES:
        raise UsageError(f"unknown speech engine {name!r} (engines: {', '.join(ENGINES)})")
    try:
        return import_module(ENGINES[name])
    except ImportError as error:
        raise EngineError(f"the {name} speech engine cannot load: {error}") from error


def open_engine(
    name: str | None = None, *, voice: str | None = None, rate: int = DEFAULT_RATE,
    volume: float = 1.0,
) -> Engine:
    """Engine `name` (None: the default) speaking with this voice, rate and volume.

    EngineError if it cannot load; UsageError for an unknown engine or voice, or a rate or
    volume out of range."""
    return _module(name).open_engine(voice=voice, rate=rate, volume=volume)


def warm_up(name: str | None = None) -> None:
    """Start loading engine `name` in the background; errors surface when it is next opened."""

    def start() -> None:
        try:
            module = _module(name)
        except Exception:  # reported by the next open_engine
            return
        if hasattr(module, "warm_up"):
            module.warm_up()

    threading.Thread(target=start, name="voicecoach-engine-load", daemon=True).start()
