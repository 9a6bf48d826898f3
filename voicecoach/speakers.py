"""Speakers: what the player talks through. A text speaker prints each cue as it comes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from voicecoach.clock import Clock
    from voicecoach.plan import Plan, PlanOptions
    from voicecoach.routine import Routine


class Speaker(Protocol):
    """Says lines of a routine; the player decides when."""

    def say(self, text: str) -> None:
        """Start speaking `text`; may return before it is heard out."""
        ...

    def stop(self) -> None:
        """Silence at once (Ctrl-C, pause, skip, quit)."""
        ...


def stamp(seconds: float) -> str:
    """`[m:ss]` for a time since the start."""
    minutes, rest = divmod(int(max(0.0, seconds)), 60)
    return f"[{minutes}:{rest:02d}]"


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



@contextmanager
def voiced(
    routine: Routine,
    options: PlanOptions,
    *,
    voice: str | None = None,
    volume: float = 1.0,
    cache: bool = True,
    on_render: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[Plan, Speaker]]:
    """Start the speech engine, find an audio output and render every line; yields the plan,
    timed from the rendered clips, and the voice to say it. Raises EngineError when the engine
    cannot start and NoAudioOutput when nothing here can play sound (both before rendering)."""
    from voicecoach.plan import build_plan
    from voicecoach.speech import AudioSpeaker, ClipCache, Synthesizer, open_audio_output

    clips = ClipCache(Synthesizer(voice=voice, rate=options.rate, volume=volume), enabled=cache)
    output = open_audio_output()
    try:
        draft = build_plan(routine, options)  # estimated lengths: which lines there are
        clips.prepare(list(dict.fromkeys(e.text for e in draft.says)), on_render)
        plan = build_plan(routine, options, speech_seconds=clips.seconds)
        yield plan, AudioSpeaker(clips, output)
    finally:
        output.close()
