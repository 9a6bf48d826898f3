"""Speech: lines rendered to clips by the engine, cached on disk, played by a stoppable player.

Nothing here imports pyttsx3 until a Synthesizer is made, so importing this package is cheap.
"""

from __future__ import annotations

from voicecoach.speech.cache import ClipCache, clips_dir
from voicecoach.speech.clip import SAMPLE_RATE, Clip
from voicecoach.speech.engine import Synthesizer, Voice, list_voices, resolve_voice, warm_up
from voicecoach.speech.output import (
    AudioOutput,
    AudioSpeaker,
    NoAudioOutput,
    ProcessOutput,
    open_audio_output,
)

__all__ = [
    "SAMPLE_RATE",
    "AudioOutput",
    "AudioSpeaker",
    "Clip",
    "ClipCache",
    "NoAudioOutput",
    "ProcessOutput",
    "Synthesizer",
    "Voice",
    "clips_dir",
    "list_voices",
    "warm_up",
    "open_audio_output",
    "resolve_voice",
]
