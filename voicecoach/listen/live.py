"""Listening during a run: the recogniser, the gate and the microphone, opened and closed as one."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from voicecoach.listen.controls import VoiceControls
from voicecoach.listen.gate import Gate
from voicecoach.listen.microphone import MicrophoneStream, find_microphone
from voicecoach.listen.vocabulary import VOCABULARY, Vocabulary

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.listen.spotter import Detection
    from voicecoach.speech import Clip

CHIRP_NOTES = ((660.0, 0.06), (990.0, 0.08))  # Hz, seconds: a short rising "got it"


@contextmanager
def listening(
    clock: Clock,
    *,
    device: str | None = None,
    on_heard: Callable[[Detection], None] | None = None,
    words: Vocabulary = VOCABULARY,
    lines: Iterable[str] = (),
) -> Iterator[VoiceControls]:
    """Voice controls on the microphone `device` (default: the system's); ListenError if the
    recogniser or the microphone cannot be had. `lines`: what the coach will say, so that its
    own speech is not taken for a command."""
    from voicecoach.listen.spotter import KeywordSpotter

    spotter = KeywordSpotter(words, lines)
    controls = VoiceControls(spotter, Gate(), clock, on_heard)
    try:
        controls.listen(MicrophoneStream(find_microphone(device)))
        yield controls
    finally:
        controls.close()
        spotter.close()


def said(detection: Detection, words: Vocabulary = VOCABULARY) -> str:
    """What the person said, as the live view shows it: `okay coach, pause`."""
    return f"{words.wake}, {detection.phrase}" if words.wake else detection.phrase


def chirp(sample_rate: int = 22_050, volume: float = 0.4) -> Clip:
    """Two short rising notes, faded in and out: the sound that says a command was heard."""
    from array import array

    from voicecoach.speech.clip import Clip, to_bytes

    values = array("h")
    for frequency, seconds in CHIRP_NOTES:
        n = int(sample_rate * seconds)
        fade = max(1, int(sample_rate * 0.01))
        for i in range(n):
            envelope = min(1.0, i / fade, (n - i) / fade)
            sample = math.sin(2 * math.pi * frequency * i / sample_rate)
            values.append(int(32767 * volume * envelope * sample))
    return Clip(to_bytes(values), sample_rate)
