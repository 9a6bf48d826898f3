"""The voice as one stream: `run` speaks through this when an audio device is there.

The first line (the disclaimer) starts as soon as its clip is ready; the rest of the voice is
rendered while it plays, and the plan timed from the clips then takes over the same stream
without a gap. The player drives it like any speaker, and keeps time by the stream's clock.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from voicecoach.playback.timeline import ClipSource, Timeline

if TYPE_CHECKING:
    from voicecoach.plan import Plan
    from voicecoach.playback.stream import Stream

TICK = 0.01  # seconds between looks at the keys: a pause key is obeyed within 10 ms
HEARD_OUT_SECONDS = 0.5  # more than the device holds: the last line is heard to its end


class StreamSpeaker:
    """A speaker whose lines are already on the stream's timeline: `say` has nothing to start,
    `stop` silences the stream, `follow` sets the schedule after a pause or a jump."""

    def __init__(self, stream: Stream) -> None:
        self.stream = stream

    def say(self, text: str) -> None:
        """The stream is already saying it, on its planned frame."""

    def stop(self) -> None:
        self.stream.hold()

    def follow(self, origin: float) -> None:
        """Play on from here: timeline 0 falls at clock time `origin` (the player's start plus
        the shift that pauses and skips have added)."""
        self.stream.follow(origin)


class StreamVoice:
    """An engine's clips played as one stream; the stream is also the player's clock."""

    def __init__(
        self, stream: Stream, clips: ClipSource, *, volume: float = 1.0, chime: bool = False
    ) -> None:
        self.stream = stream
        self.clips = clips
        self.volume = volume
        self.chime = chime
        self.speaker = StreamSpeaker(stream)
        self._begun: tuple[str, float] | None = None  # the first line, and when it started

    @property
    def clock(self) -> Stream:
        return self.stream

    def begin(self, draft: Plan) -> float:
        """Start the first line at once; returns the clock time it started. Once started (the
        stream may start with it), beginning again with the same line changes nothing.

        A line rendered sentence by sentence and not cached yet starts with its first sentence
        as soon as that is ready; the whole line (the same samples, a short gap and the rest)
        takes over once rendered, the gap waiting for it if rendering outlasted the sentence."""
        first = draft.events[0]
        if self._begun is not None and self._begun[0] == first.text:
            return self._begun[1]
        split = getattr(self.clips, "split", None)
        cached = getattr(self.clips, "cached", None)
        parts = split(first.text) if split and cached and not cached(first.text) else None
        if parts is None:
            start = self.stream.play_from(0, self._alone(draft, first.text))
        else:
            head = self._alone(draft, parts[0])
            self.stream.play_from(0, head)
            whole = self._alone(draft, first.text)
            start = self.stream.replace(whole, not_past_ms=head.plan.total_ms)
        self._begun = (first.text, start)
        return start

    def _alone(self, draft: Plan, text: str) -> Timeline:
        """A timeline of `text` alone, as the first line of `draft`, its clip read."""
        clip = self.clips.clip(text)
        first = replace(draft.events[0], text=text,
                        duration_ms=max(1, math.ceil(clip.seconds * 1000)))
        timeline = Timeline(replace(draft, events=(first,)), self.clips, volume=self.volume,
                            keep_clips=True)
        timeline.preload()
        return timeline

    @property
    def begun(self) -> bool:
        """Whether the first line has been started."""
        return self._begun is not None

    def take_over(self, plan: Plan, said: int = 1) -> float:
        """Play the timed `plan` from here on, its first `said` lines already under way; returns
        the clock time of its start (later than `begin`'s if rendering outlasted them)."""
        timeline = Timeline(plan, self.clips, volume=self.volume, chime=self.chime,
                            keep_clips=True)
        timeline.preload()  # nothing is read from disk while the device waits for frames
        upcoming = next(
            (e.start_ms for e in plan.events[said:] if e.kind == "say"), plan.total_ms
        )
        return self.stream.replace(timeline, not_past_ms=upcoming)

    def finish(self) -> None:
        """Let the last line be heard out: the device takes frames ahead of what is heard, and
        closing it drops them."""
        end = self.stream.now() + HEARD_OUT_SECONDS
        while self.stream.now() < end:
            self.stream.sleep_until(end)
