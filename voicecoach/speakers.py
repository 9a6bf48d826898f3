"""Speakers: what the player talks through. The voice plays each line's clip, a text speaker
prints each cue as it comes, and a group does both."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.speech import AudioOutput, Clip, ClipCache


class Speaker(Protocol):
    """Says lines of a routine; the player decides when.

    A speaker that plays the whole timeline by itself (the audio stream) also has
    `follow(origin)`: the player calls it whenever a pause or a jump moves the schedule."""

    def say(self, text: str) -> None:
        """Start speaking `text`; may return before it is heard out."""
        ...

    def stop(self) -> None:
        """Silence at once (Ctrl-C, pause, skip, quit)."""
        ...


def stamp(seconds: float) -> str:
    """`[m:ss]` for a time since the start."""
    from voicecoach.timefmt import clock

    return f"[{clock(seconds)}]"


def _print(line: str) -> None:
    print(line, flush=True)  # sys.stdout is looked up per call: tests and views swap it


class TextSpeaker:
    """Prints each cue as it comes, stamped with the time since the first one (`--text`)."""

    def __init__(self, clock: Clock, write: Callable[[str], None] = _print) -> None:
        self._clock = clock
        self._write = write
        self._started: float | None = None

    def say(self, text: str) -> None:
        now = self._clock.now()
        if self._started is None:
            self._started = now
        self._write(f"{stamp(now - self._started)} {text}")

    def stop(self) -> None:
        """Nothing to silence: a printed line is already there."""


class SpeakerGroup:
    """Several speakers as one, e.g. the voice plus printed captions."""

    def __init__(self, *speakers: Speaker) -> None:
        self.speakers = speakers

    def say(self, text: str) -> None:
        for speaker in self.speakers:
            speaker.say(text)

    def stop(self) -> None:
        for speaker in self.speakers:
            speaker.stop()

    def follow(self, origin: float) -> None:
        """Pass the schedule on to the speakers that play the timeline themselves."""
        for speaker in self.speakers:
            follow = getattr(speaker, "follow", None)
            if follow is not None:
                follow(origin)



class AudioSpeaker:
    """Speaks each line by playing its clip; say() returns at once, stop() silences at once."""

    def __init__(self, clips: ClipCache, output: AudioOutput) -> None:
        self.clips = clips
        self.output = output

    def say(self, text: str) -> None:
        if not text.strip():
            return
        self.output.play(self.clips.clip(text))

    def play(self, clip: Clip) -> None:
        """Play a clip that is not a whole line (the first part of one)."""
        self.output.play(clip)

    def follows(self) -> bool:
        """Whether the output can play a clip right after the one playing (`follow`)."""
        return hasattr(self.output, "play_next")

    def follow(self, clip: Clip) -> None:
        """Play `clip` as soon as the clip playing now ends."""
        self.output.play_next(clip)  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.output.stop()
