"""Finding a way to be heard: the in-process stream first, then a player program, then text."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from voicecoach.errors import AudioError

if TYPE_CHECKING:
    from voicecoach.playback.device import MiniaudioDevice
    from voicecoach.playback.stream import Device, Stream
    from voicecoach.playback.timeline import ClipSource
    from voicecoach.speech import AudioOutput, Clip

NO_DEVICE = "No audio device found; printing the cues instead."
# Set to "players" to skip the stream and play each line with a player program (a way round a
# device that misbehaves, and the baseline of the timing benchmark).
OUTPUT_VARIABLE = "VOICECOACH_OUTPUT"


@dataclass
class Found:
    """What will carry the voice: a stream, else a player program, else nothing (text)."""

    stream: Stream | None = None
    process: AudioOutput | None = None
    reasons: list[str] = field(default_factory=list)  # why the better ones were passed over

    @property
    def kind(self) -> str:
        return "stream" if self.stream else "process" if self.process else "text"

    def messages(self, *, verbose: bool = False) -> list[str]:
        """What to tell the person: one line when falling back to text, reasons when verbose."""
        lines = []
        if self.kind == "text":
            lines.append(NO_DEVICE)
        if verbose:
            if self.stream is not None:
                lines.append(f"Playing through {self.stream.device.name}.")
            elif self.process is not None:
                lines.append(f"Playing each line with {self.process.name}.")
            lines.extend(f"  {reason}" for reason in self.reasons)
        return lines

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        if self.process is not None:
            self.process.close()


def _default_device(sample_rate: int) -> MiniaudioDevice:
    from voicecoach.playback.device import open_device

    early = _take_early(sample_rate)
    return early if early is not None else open_device(sample_rate)


class _Early:
    """A device opened in the background: its library is loaded at once, and the device opened
    at the rate `likely()` guesses while the engine's own is not known yet (`at`); at that one
    once it is, opened again if the guess was wrong."""

    def __init__(self, likely: Callable[[], int | None] | None = None) -> None:
        self.sample_rate: int | None = None
        self.device: MiniaudioDevice | None = None
        self.likely = likely
        self._rate_known = threading.Event()
        self.thread = threading.Thread(target=self._open, name="voicecoach-audio", daemon=True)
        self.thread.start()

    def at(self, sample_rate: int | None) -> None:
        """Open the device at `sample_rate` (None: not known before the engine opens, as for
        a Piper voice; open none)."""
        self.sample_rate = sample_rate
        self._rate_known.set()

    def _open(self) -> None:
        from voicecoach.playback.device import load_library

        try:
            load_library()
        except AudioError:
            pass  # said by the full search, which runs again later
        device, rate = None, None
        if self.likely is not None and not self._rate_known.is_set():
            try:
                rate = self.likely()
            except Exception:  # noqa: BLE001 - only a guess
                rate = None
            device = self._try(rate)
        self._rate_known.wait()
        if self.sample_rate != rate:
            if device is not None:
                device.close()
            device = self._try(self.sample_rate)
        self.device = device

    @staticmethod
    def _try(sample_rate: int | None) -> MiniaudioDevice | None:
        if sample_rate is None:
            return None
        from voicecoach.playback.device import open_device, platform_backends

        try:
            return open_device(sample_rate, backends=platform_backends(quiet=True))
        except Exception:  # noqa: BLE001 - the full search, with its reasons, runs again later
            return None


_early: _Early | None = None


def open_early(
    sample_rate: int | None = None, *, likely: Callable[[], int | None] | None = None
) -> None:
    """Start opening the audio device now, in the background (it takes about 0.1 s), so it is
    ready when the first line is: at `sample_rate`, or once `open_early_at` gives the engine's
    rate (meanwhile at the rate `likely()` guesses, if given). Only backends that print nothing
    are tried here."""
    global _early
    if _early is None and os.environ.get(OUTPUT_VARIABLE, "").strip().lower() != "players":
        _early = _Early(likely)
        if sample_rate is not None:
            _early.at(sample_rate)


def open_early_at(sample_rate: int | None) -> None:
    """The sample rate the device started by `open_early` is opened at (None: unknown)."""
    if _early is not None:
        _early.at(sample_rate)


def _take_early(sample_rate: int) -> MiniaudioDevice | None:
    global _early
    early, _early = _early, None
    if early is None:
        return None
    if not early._rate_known.is_set():
        early.at(sample_rate)  # asked for before the engine's rate was told: it is this one
    early.thread.join()
    if early.device is not None and early.sample_rate != sample_rate:
        early.device.close()  # opened for another rate: open again at the engine's
        return None
    return early.device


def _default_process() -> AudioOutput:
    from voicecoach.speech import open_audio_output

    return open_audio_output()


def find_output(
    sample_rate: int, *,
    open_device: Callable[[int], Device] = _default_device,
    open_process: Callable[[], AudioOutput] | None = _default_process,
    wait: float | None = None, first: Callable[[Stream], None] | None = None,
) -> Found:
    """The best output that works here. The stream is started and must be heard from within
    `wait` seconds; a player program is probed by playing a short silence. `first(stream)`,
    called before the stream starts, sets what it plays from its first frame (else silence)."""
    from voicecoach.playback.stream import FIRST_PULL_SECONDS, Stream
    from voicecoach.speech import NoAudioOutput

    wait = FIRST_PULL_SECONDS if wait is None else wait
    found = Found()
    try:
        if os.environ.get(OUTPUT_VARIABLE, "").strip().lower() == "players":
            raise AudioError(f"left out ({OUTPUT_VARIABLE}=players)")
        device = open_device(sample_rate)
    except AudioError as error:
        found.reasons.append(f"stream: {error}")
    else:
        stream = Stream(device, fresh=getattr(device, "another", None))
        if first is not None:
            try:
                first(stream)
            except BaseException:  # not the device's failure: said as it is
                stream.close()
                device.close()
                raise
        try:
            stream.start()
            started = stream.wait_for_device(wait)
        except Exception as error:  # noqa: BLE001 - any device failure means: try the next way
            started, problem = False, f"failed to start ({error})"
        else:
            problem = f"asked for no sound within {wait:g} s"
        if started:
            found.stream = stream
            return found
        stream.close()
        found.reasons.append(f"stream: the audio device ({device.name}) {problem}")
    if open_process is None:
        return found
    try:
        found.process = open_process()
    except NoAudioOutput as error:
        found.reasons.append(f"player programs: {error}")
    return found


class ScaledClips:
    """Clips with the volume applied, for outputs that cannot mix (the player programs)."""

    def __init__(self, clips: ClipSource, volume: float) -> None:
        self.clips = clips
        self.volume = volume

    @property
    def sample_rate(self) -> int:
        return self.clips.sample_rate

    def clip(self, text: str) -> Clip:
        from voicecoach.playback.timeline import scaled
        from voicecoach.speech import Clip

        clip = self.clips.clip(text)
        if self.volume >= 1:
            return clip
        return Clip(scaled(clip.frames, self.volume), clip.sample_rate)

    def __getattr__(self, name: str) -> object:
        return getattr(self.clips, name)  # prepare, seconds, ...: as the clips underneath
