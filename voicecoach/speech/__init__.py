"""Speech: the one way into the speech engines, their clips, the clip cache and audio output.

Engines are modules named in `ENGINES`, imported only when opened, so importing this package is
cheap. Adding an engine is one module with `open_engine(*, voice, rate, volume)` (and, if it is
slow to load, `warm_up()`) plus one entry in `ENGINES` (kept in voicecoach/engine_names.py with
the packages it imports, so that the config and the plan know the names without this package).
The default is the natural voice where it is installed and loads, else eSpeak NG.
"""

from __future__ import annotations

import threading
from importlib import import_module
from types import ModuleType

from voicecoach.engine_names import (
    DEFAULT_ENGINE,
    ENGINE_MODULES,
    FALLBACK_ENGINE,
    engine_for_voice,
)
from voicecoach.engine_names import installed_engines as _installed
from voicecoach.errors import EngineError, UsageError
from voicecoach.rates import DEFAULT_RATE
from voicecoach.speech.cache import ClipCache, clips_dir
from voicecoach.speech.clip import SAMPLE_RATE, SAMPLE_WIDTH, Clip, fade_out
from voicecoach.speech.engine import Engine, Voice
from voicecoach.speech.output import AudioOutput, NoAudioOutput, open_audio_output

ENGINES: dict[str, str] = dict(ENGINE_MODULES)  # name -> module: one entry per engine

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
    "default_engine",
    "engine_names",
    "engine_rate",
    "engine_voices",
    "installed_engines",
    "fade_out",
    "open_audio_output",
    "open_engine",
    "opens_lazily",
    "warm_up",
]


def engine_names() -> list[str]:
    """The engines this program knows, by name."""
    return list(ENGINES)


def installed_engines() -> list[str]:
    """The engines whose packages are installed here (found without importing them)."""
    return _installed(ENGINES)


def default_engine() -> str:
    """The engine that speaks when none is named: the natural voice if installed, else eSpeak."""
    return DEFAULT_ENGINE if DEFAULT_ENGINE in installed_engines() else FALLBACK_ENGINE


def check_engine(name: str) -> str:
    """`name` if it is an engine installed here; UsageError saying what is, otherwise."""
    wanted = name.strip().lower()
    if wanted not in ENGINES:
        raise UsageError(f"unknown speech engine {name!r} (engines: {', '.join(ENGINES)})")
    if wanted not in installed_engines():
        hint = " (pip install 'voicecoach[piper]')" if wanted == "piper" else ""
        raise UsageError(f"the {wanted} speech engine is not installed here{hint}; installed: "
                         f"{', '.join(installed_engines()) or 'none'}")
    return wanted


def _module(name: str | None) -> ModuleType:
    name = default_engine() if name is None else name
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
    volume out of range. With no name, a voice file (`.onnx`) is spoken by Piper, and eSpeak NG
    stands in when the natural voice cannot load or lacks the voice asked for."""
    name = name if name is not None else engine_for_voice(voice)
    if name is not None:
        return _module(name).open_engine(voice=voice, rate=rate, volume=volume)
    first = default_engine()
    try:
        return _module(first).open_engine(voice=voice, rate=rate, volume=volume)
    except (EngineError, UsageError) as error:
        if first == FALLBACK_ENGINE or (isinstance(error, UsageError) and not voice):
            raise
        # Not the natural voice's: eSpeak NG's, or its error (it names `voicecoach voices`).
        return _module(FALLBACK_ENGINE).open_engine(voice=voice, rate=rate, volume=volume)


def engine_voices(name: str) -> tuple[list[Voice], str | None]:
    """Engine `name`'s voices, English first, and the id of the one it speaks with by default.
    Engines that can list their voices without loading (natural, piper) are not loaded."""
    module = _module(name)
    if hasattr(module, "voices"):
        found, default = module.voices(), getattr(module, "DEFAULT_VOICE", None)
    else:
        engine = module.open_engine()
        found, default = engine.voices(), engine.voice

    def english_first(v: Voice) -> tuple[bool, str]:
        return (not any(code.lower().startswith("en") for code in v.languages), v.id.lower())

    return sorted(found, key=english_first), default


def engine_rate(name: str | None = None) -> int | None:
    """The sample rate engine `name` (None: the default) renders at, known without loading it;
    None where it depends on the voice (a Piper voice file says) or the engine cannot load."""
    try:
        rate = getattr(_module(name), "SAMPLE_RATE", None)
    except (EngineError, UsageError):
        return None
    return rate if isinstance(rate, int) else None


def opens_lazily(name: str | None = None) -> bool:
    """Whether engine `name` opens without loading its model (so its clip cache can be asked
    whether loading is needed at all)."""
    try:
        return bool(getattr(_module(name), "LAZY", False))
    except (EngineError, UsageError):
        return False


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
