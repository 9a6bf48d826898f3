"""Voice commands: keyword spotting on the microphone, deaf while the coach itself speaks.

Importing this package is cheap; pocketsphinx is loaded only when a spotter is made.
"""

from __future__ import annotations

from voicecoach.listen.gate import Gate
from voicecoach.listen.vocabulary import (
    AGAIN,
    BACK,
    COMMANDS,
    NEXT,
    PAUSE,
    PHRASES,
    RESUME,
    SAMPLE_RATE,
    STOP,
    WAKE_WORD,
    Phrase,
)

__all__ = [
    "AGAIN",
    "BACK",
    "COMMANDS",
    "NEXT",
    "PAUSE",
    "PHRASES",
    "RESUME",
    "SAMPLE_RATE",
    "STOP",
    "WAKE_WORD",
    "Gate",
    "Phrase",
]
