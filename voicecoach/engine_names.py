"""Which speech engines there are and which are installed, known without importing any of them.

The speech package opens them (voicecoach.speech); the config file, the options and the plan
only need their names, and the plan's estimate which one will speak.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

# Engine name -> its module; the order is the order `voices` lists them in.
ENGINE_MODULES: dict[str, str] = {
    "natural": "voicecoach.speech.natural",
    "espeak": "voicecoach.speech.espeak",
    "piper": "voicecoach.speech.piper",
}
ENGINE_NAMES = tuple(ENGINE_MODULES)
# The packages each engine imports: an engine counts as installed when all of them are there.
NEEDS: dict[str, tuple[str, ...]] = {
    "natural": ("hibari", "onnxruntime", "numpy"),
    "espeak": ("pyttsx3",) + (("espeakng_loader",) if sys.platform.startswith("linux") else ()),
    "piper": ("piper", "onnxruntime", "numpy"),
}
DEFAULT_ENGINE = "natural"
FALLBACK_ENGINE = "espeak"


def installed_engines(modules: dict[str, str] = ENGINE_MODULES) -> list[str]:
    """The engines (of `modules`) whose packages are installed here, found without importing."""
    return [name for name in modules if all(find_spec(p) is not None for p in NEEDS.get(name, ()))]


def default_engine() -> str:
    """The engine that speaks when none is named: the natural voice if installed, else eSpeak."""
    return DEFAULT_ENGINE if DEFAULT_ENGINE in installed_engines() else FALLBACK_ENGINE


def engine_for_voice(voice: str | None) -> str | None:
    """The engine a voice implies when none is named: a `.onnx` file is a Piper voice."""
    return "piper" if voice and voice.strip().lower().endswith(".onnx") else None
