"""Voice commands: keyword spotting on the microphone, deaf while the coach itself speaks.

Importing this package is cheap; pocketsphinx and miniaudio are loaded only when used.
"""

from __future__ import annotations

from voicecoach.listen.gate import Gate
from voicecoach.listen.vocabulary import (
    AGAIN,
    BACK,
    COMMANDS,
    NEXT,
    PAUSE,
    RESUME,
    SAMPLE_RATE,
    STOP,
    VOCABULARY,
    WAKE_WORD,
    Phrase,
    Vocabulary,
)

__all__ = [
    "AGAIN",
    "BACK",
    "COMMANDS",
    "NEXT",
    "PAUSE",
    "RESUME",
    "SAMPLE_RATE",
    "STOP",
    "VOCABULARY",
    "WAKE_WORD",
    "Gate",
    "Phrase",
    "Vocabulary",
]
