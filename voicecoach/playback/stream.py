"""One continuous stream: an audio device pulls the timeline's frames, and time is what it pulled.

The device asks for frames on its own thread; the stream answers with the timeline from wherever
playback is. Nothing is scheduled by a timer, so a line can only start late if the device plays
late. The stream is also the player's clock: `now()` counts the frames the device has taken, so
the live view, the keys and the captions follow the sound rather than the other way round.

Playback follows a schedule set by `follow(origin)`: timeline frame 0 plays at clock time
`origin`, so frame `f` goes out as device frame `origin * rate + f`. `hold()` silences the
stream from the next frame the device takes (pause, skip, quit, Ctrl-C), which bounds the sound
left to what the device has already buffered.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Protocol

from voicecoach.closing import ClosedOnExit
from voicecoach.errors import AudioError

if TYPE_CHECKING:
    from voicecoach.playback.timeline import Timeline

WAIT_SLICE = 0.1  # seconds: the longest sleep_until waits before letting its caller look again
STALL_SECONDS = 2.0  # a device that takes no frames for this long has stopped working
FIRST_PULL_SECONDS = 0.5  # a device that has not asked for sound by then is not playing

Source = Generator[bytes, int, None]


class Device(Protocol):
    """Something that pulls frames: a miniaudio playback device, or a fake one in tests."""

    name: str
    sample_rate: int
    self_driven: bool  # True: pulls on its own thread; False: pulls only inside `pump`

    def start(self, source: Source) -> None:
        """Begin pulling from `source` (already primed): it is sent a frame count, yields PCM."""
        ...

    def pump(self, frames: int) -> None:
        """Pull at least `frames` frames now (devices that do not pull by themselves)."""
        ...

    def stop(self) -> None:
        """Stop at once, dropping what it still holds (it is not started again)."""
        ...

    def close(self) -> None: ...


class Stream(ClosedOnExit):
    """Plays a timeline through a device; a clock (`now`, `sleep_until`) in device time.

    With `fresh` (a way to open another device like it), a hold stops the device at once,
    dropping the sound it has buffered, and playing on starts a new one: the buffer can then be
    generous (it rides out a busy machine) without delaying a stop, a pause or a skip. Without
    it, one device runs throughout and a hold is silent after what it has buffered."""

    def __init__(
        self, device: Device, timeline: Timeline | None = None, *,
        fresh: Callable[[], Device] | None = None, wall: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeline is not None and timeline.sample_rate != device.sample_rate:
            raise ValueError("the timeline and the device must share a sample rate")
        self.device = device  # the device pulling now, or the last one
        self.sample_rate = device.sample_rate
        self._timeline = timeline
        self._fresh = fresh
        self._wall = wall
        self._changed = threading.Condition()
        self._pulled = 0  # frames the devices have taken: the clock
        self._origin: int | None = None  # clock frame where timeline frame 0 plays; None: held
        self._held_at = 0  # timeline frame where playback was held
        self._error: BaseException | None = None
        self._started = False
        self._closed = False
        self._running = False  # whether `device` is pulling (and its pulls count)
        self._generation = 0  # pulls from the sources of earlier devices do not count
        self._spare: Device | None = None
        self._spare_thread: threading.Thread | None = None
        self._last_pull = wall()
        self._silence = b""

    # --- the device's side ------------------------------------------------------------------

    def _source(self, generation: int) -> Source:
        frames = yield b""
        while True:
            frames = yield self._pull(frames, generation)

    def _pull(self, frames: int, generation: int) -> bytes:
        with self._changed:
            if generation != self._generation:
                return self._quiet(frames)  # a device already stopped: nothing of it is heard
            first = self._pulled
            origin, timeline = self._origin, self._timeline
            self._pulled += frames
            self._last_pull = self._wall()
            self._changed.notify_all()
        if origin is None or timeline is None or self._error is not None:
            return self._quiet(frames)
        try:
            return timeline.render(first - origin, frames)
        except BaseException as error:  # surfaces on the player's thread, not the device's
            self._error = error
            return self._quiet(frames)

    def _quiet(self, frames: int) -> bytes:
        if len(self._silence) != 2 * frames:
            self._silence = bytes(2 * frames)
        return self._silence

    # --- devices ----------------------------------------------------------------------------

    def _run(self, device: Device) -> None:
        """Make `device` the one pulling; its first frame continues the clock."""
        with self._changed:
            self._generation += 1
            generation = self._generation
            self.device = device
            self._running = True
            self._last_pull = self._wall()
        source = self._source(generation)
        next(source)
        device.start(source)

    def _stop_running(self) -> None:
        """Stop the pulling device at once; it is released in the background."""
        with self._changed:
            if not self._running:
                return
            self._running = False
            self._generation += 1
            device = self.device
        device.stop()
        threading.Thread(target=device.close, name="voicecoach-audio-close", daemon=True).start()

    def _prepare_spare(self) -> None:
        if self._fresh is None or self._spare is not None or self._spare_thread is not None:
            return

        def open_spare() -> None:
            try:
                self._spare = self._fresh()  # type: ignore[misc]
            except Exception:  # noqa: BLE001 - opened again, in the open, when it is needed
                self._spare = None

        self._spare_thread = threading.Thread(target=open_spare, name="voicecoach-audio-open",
                                              daemon=True)
        self._spare_thread.start()

    def _take_spare(self) -> Device:
        assert self._fresh is not None
        if self._spare_thread is not None:
            self._spare_thread.join()
            self._spare_thread = None
        device, self._spare = self._spare, None
        if device is None:
            device = self._fresh()
        self._prepare_spare()
        return device

    def _renew(self) -> None:
        """Go on with a new device: the old one stops, with whatever it still held."""
        if self._fresh is None or self._closed:
            return
        self._stop_running()
        self._run(self._take_spare())

    # --- control ----------------------------------------------------------------------------

    def start(self) -> None:
        """Let the device start pulling (silence until `follow`)."""
        if self._started:
            return
        self._started = True
        self._run(self.device)
        self._prepare_spare()

    def wait_for_device(self, seconds: float = FIRST_PULL_SECONDS) -> bool:
        """True once the device has asked for sound; False if it has not within `seconds`."""
        if not self.device.self_driven:
            return True
        with self._changed:
            return self._changed.wait_for(lambda: self._pulled > 0, timeout=seconds)

    def _play(self, set_origin: Callable[[], None]) -> None:
        """Set the schedule; from silence, on a new device, so that nothing buffered delays it."""
        with self._changed:
            renew = (self._origin is None or not self._running) and self._started
        renew = renew and self._fresh is not None and not self._closed
        if renew:
            self._stop_running()  # first, so that no frame of the old one counts any more
        with self._changed:
            set_origin()
        if renew:
            self._run(self._take_spare())

    def follow(self, origin: float, timeline: Timeline | None = None) -> None:
        """Play the timeline so that its frame 0 falls at clock time `origin` (seconds)."""
        if timeline is not None:
            self._check_rate(timeline)

        def set_origin() -> None:
            if timeline is not None:
                self._timeline = timeline
            self._origin = round(origin * self.sample_rate)

        self._play(set_origin)

    def play_from(self, ms: int, timeline: Timeline | None = None) -> float:
        """Play from millisecond `ms` of the timeline (or of a new `timeline`) with the next
        frame the device takes; returns the clock time of timeline 0 on the new schedule."""
        if timeline is not None:
            self._check_rate(timeline)

        def set_origin() -> None:
            if timeline is not None:
                self._timeline = timeline
            self._origin = self._pulled - self._frame(ms)

        self._play(set_origin)
        assert self._origin is not None
        return self._origin / self.sample_rate

    def hold(self) -> None:
        """Silence at once (with `fresh`) or from the next frame taken; the position stays."""
        with self._changed:
            if self._origin is not None:
                self._held_at = self._pulled - self._origin
            self._origin = None
        if self._fresh is not None:
            self._stop_running()

    def replace(self, timeline: Timeline, *, not_past_ms: int | None = None) -> float:
        """Play `timeline` from here on, on the same schedule (e.g. once the plan is timed);
        returns the clock time of timeline 0. If playback has already passed `not_past_ms`,
        the schedule moves so that that point plays next instead of being skipped."""
        self._check_rate(timeline)
        with self._changed:
            self._timeline = timeline
            if self._origin is not None and not_past_ms is not None:
                frame = self._frame(not_past_ms)
                if self._pulled - self._origin > frame:
                    self._origin = self._pulled - frame
            origin = self._origin if self._origin is not None else self._pulled - self._held_at
            return origin / self.sample_rate

    def _check_rate(self, timeline: Timeline) -> None:
        if timeline.sample_rate != self.sample_rate:
            raise ValueError("the timeline and the device must share a sample rate")

    @property
    def playing(self) -> bool:
        return self._origin is not None

    @property
    def timeline(self) -> Timeline | None:
        return self._timeline

    def position_frame(self) -> int:
        """The timeline frame the device takes next (where it was held, while held)."""
        with self._changed:
            return self._held_at if self._origin is None else self._pulled - self._origin

    def close(self) -> None:
        """Silence and release the devices."""
        self.hold()
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            running, self._running = self._running, False
        if running:
            self.device.stop()
            self.device.close()
        if self._spare_thread is not None:
            self._spare_thread.join()
        if self._spare is not None:
            self._spare.close()
            self._spare = None

    # --- the clock --------------------------------------------------------------------------

    @property
    def pulled(self) -> int:
        return self._pulled

    def now(self) -> float:
        """Seconds of sound the device has taken since it started."""
        return self._pulled / self.sample_rate

    def sleep_until(self, t: float) -> None:
        """Wait until the device has taken the frames up to clock time `t`.

        Returns after at most WAIT_SLICE even if it has not, so the caller can look at the keys;
        raises AudioError if the device stopped taking frames or rendering failed."""
        target = math.ceil(t * self.sample_rate - 1e-6)
        if self._started and not self._running and not self._closed:
            self._renew()  # held on a stopped device: a new one pulls silence, time goes on
        if not self.device.self_driven:
            if target > self._pulled and self._running:
                self.device.pump(target - self._pulled)
        else:
            wait = min(WAIT_SLICE, max(0.001, t - self.now()))
            with self._changed:
                self._changed.wait_for(
                    lambda: self._pulled >= target or self._closed, timeout=wait
                )
        self.check()

    def check(self) -> None:
        """Raise what went wrong on the device's side, if anything did."""
        if self._error is not None:
            error, self._error = self._error, None
            self.hold()
            raise error
        if self.device.self_driven and self._running and not self._closed:
            if self._wall() - self._last_pull > STALL_SECONDS:
                raise AudioError(f"the audio device ({self.device.name}) stopped playing")

    def _frame(self, ms: int) -> int:
        return (ms * self.sample_rate + 500) // 1000
