"""Spoken commands as a source of player commands, beside the keys; deaf while the coach speaks."""

from __future__ import annotations

import queue
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from voicecoach import player
from voicecoach.closing import ClosedOnExit
from voicecoach.listen.gate import Gate, GatedListener
from voicecoach.listen.vocabulary import AGAIN, BACK, NEXT, PAUSE, RESUME, SAMPLE_RATE, STOP

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.listen.microphone import MicrophoneStream
    from voicecoach.listen.spotter import Detection, KeywordSpotter
    from voicecoach.speakers import Speaker

# What each spoken command asks the player to do.
PLAYER_COMMANDS = {
    PAUSE: player.HOLD,
    RESUME: player.RESUME,
    NEXT: player.NEXT,
    BACK: player.BACK,
    AGAIN: player.AGAIN,
    STOP: player.QUIT,
}


class VoiceControls(ClosedOnExit):
    """Commands heard on the microphone, handed to the player one per `poll`."""

    def __init__(
        self,
        spotter: KeywordSpotter,
        gate: Gate,
        clock: Clock,
        on_heard: Callable[[Detection], None] | None = None,
    ) -> None:
        self.listener = GatedListener(spotter, gate)
        self.gate = gate
        self.clock = clock
        self.on_heard = on_heard
        self.heard: list[Detection] = []
        self.peak = 0  # the loudest sample of the latest audio, out of 32767
        self._pending: deque[Detection] = deque()
        self._audio: queue.SimpleQueue[tuple[bytes, float]] = queue.SimpleQueue()
        self._stream: MicrophoneStream | None = None

    def hear(self, pcm: bytes, start: float) -> None:
        """Listen to `pcm` (16 kHz mono), whose first sample was heard at `start` on the clock."""
        self.peak = _peak(pcm)
        for detection in self.listener.hear(pcm, SAMPLE_RATE, start):
            self.heard.append(detection)
            self._pending.append(detection)

    def poll(self) -> str | None:
        """The player command for the next phrase heard, acknowledged; None if none came.

        Audio that came from the microphone since the last poll is recognised here, on the
        player's own thread (a tenth of a second takes a few milliseconds)."""
        while True:
            try:
                item = self._audio.get_nowait()
            except queue.Empty:
                break
            self.hear(*item)
        if not self._pending:
            return None
        detection = self._pending.popleft()
        if self.on_heard is not None:
            self.on_heard(detection)
        return PLAYER_COMMANDS[detection.command]

    # --- the live microphone -------------------------------------------------------------

    def listen(self, stream: MicrophoneStream) -> None:
        """Start hearing `stream`; what it captures is recognised at the next `poll`."""
        self._stream = stream

        def arrived(pcm: bytes) -> None:
            # The chunk has just been handed over: its first sample was heard its length ago.
            self._audio.put((pcm, self.clock.now() - len(pcm) / 2 / SAMPLE_RATE))

        stream.start(arrived)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class Controls:
    """Keys and voice as one source: whichever has a command first."""

    def __init__(self, *sources: player.Controls | None) -> None:
        self.sources = [s for s in sources if s is not None]

    def poll(self) -> str | None:
        for source in self.sources:
            command = source.poll()
            if command is not None:
                return command
        return None


class GatingSpeaker:
    """A speaker that closes the gate while each of its lines plays, and a tail after."""

    def __init__(
        self, speaker: Speaker, gate: Gate, clock: Clock, seconds: Callable[[str], float]
    ) -> None:
        self.speaker = speaker
        self.gate = gate
        self.clock = clock
        self.seconds = seconds

    def say(self, text: str) -> None:
        now = self.clock.now()
        self.gate.close(now, now + self.seconds(text))
        self.speaker.say(text)

    def stop(self) -> None:
        self.speaker.stop()
        self.gate.cut(self.clock.now())


def _peak(pcm: bytes) -> int:
    from voicecoach.speech.clip import samples

    values = samples(pcm)
    return max(max(values, default=0), -min(values, default=0))
