"""Test doubles for the speech engine."""

from __future__ import annotations

import re

from tests.audio_check import tone
from voicecoach.errors import EngineError
from voicecoach.speech import SAMPLE_RATE, Clip, Voice

VOICES = [Voice("fake/en", "Fake English", ["en"]), Voice("fake/fr", "Fake French", ["fr"])]


class FakeEngine:
    """Renders each line as a tone whose length is known: `seconds_per_word` per word."""

    name = "fake"
    sample_rate = SAMPLE_RATE
    identity = "fake 1.0"

    def __init__(
        self, voice: str = "fake/en", rate: int = 160, volume: float = 1.0,
        seconds_per_word: float = 0.2, fail_on: str | None = None,
    ) -> None:
        self.voice, self.rate, self.volume = voice, rate, volume
        self.seconds_per_word = seconds_per_word
        self.fail_on = fail_on
        self.rendered: list[str] = []

    def length(self, text: str) -> float:
        return max(1, len(re.findall(r"[\w']+", text))) * self.seconds_per_word

    def spoken(self, text: str) -> float:
        """How long the clip cache's clip of `text` lasts: the disclaimer comes in two parts
        (its first sentence, a short gap, the rest), every other line whole."""
        from voicecoach import content
        from voicecoach.speech.cache import SENTENCE_GAP, first_sentence

        parts = first_sentence(text) if text == content.DISCLAIMER else None
        if parts is None:
            return self.length(text)
        return self.length(parts[0]) + SENTENCE_GAP + self.length(parts[1])

    def render(self, text: str) -> Clip:
        if self.fail_on is not None and self.fail_on in text:
            raise EngineError(f"could not render {text!r}")
        self.rendered.append(text)
        return Clip(tone(self.length(text), amplitude=int(8000 * self.volume)), self.sample_rate)

    def voices(self) -> list[Voice]:
        return list(VOICES)

    def check_voice(self, requested: str) -> str:
        from voicecoach.speech.engine import resolve_voice

        return resolve_voice(requested, VOICES)


def open_engine(*, voice: str | None = None, rate: int = 160, volume: float = 1.0) -> FakeEngine:
    """The registry's way in, so that this module can stand as an engine module in tests."""
    engine = FakeEngine(rate=rate, volume=volume)
    if voice:
        engine.voice = engine.check_voice(voice)
    return engine
