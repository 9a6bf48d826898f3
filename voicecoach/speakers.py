"""Speakers: what the player talks through. A text speaker prints each cue as it comes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.plan import Plan, PlanOptions
    from voicecoach.routine import Routine
    from voicecoach.speech import AudioOutput, ClipCache


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



class Voice:
    """The engine's rendered clips and an audio output: the real voice for `run`."""

    def __init__(self, clips: ClipCache, output: AudioOutput) -> None:
        from voicecoach.speech import AudioSpeaker

        self.clips = clips
        self.speaker = AudioSpeaker(clips, output)

    def begin(self, draft: Plan, clock: Clock) -> float:
        """Render and start the first line at once (the disclaimer); returns when it started.

        The rest is rendered while it plays (`timed`), so the first word comes quickly even
        when no line is cached yet."""
        first = draft.events[0].text
        self.clips.prepare([first])
        start = clock.now()
        self.speaker.say(first)
        return start

    def timed(self, routine: Routine, options: PlanOptions, draft: Plan) -> Plan:
        """Render every line of `draft` and time the plan from the clips' measured lengths."""
        return self.clips.timed_plan(routine, options, draft)


@contextmanager
def voiced(
    *, rate: int, voice: str | None = None, volume: float = 1.0, cache: bool = True
) -> Iterator[Voice]:
    """Start the speech engine and find an audio output; closes the output afterwards.
    Raises EngineError when the engine cannot start and NoAudioOutput when nothing here can
    play sound."""
    from voicecoach.speech import ClipCache, Synthesizer, open_audio_output

    clips = ClipCache(Synthesizer(voice=voice, rate=rate, volume=volume), enabled=cache)
    output = open_audio_output()
    try:
        yield Voice(clips, output)
    finally:
        output.close()
