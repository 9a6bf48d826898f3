"""The microphone, through miniaudio's capture device: 16 kHz mono 16-bit PCM in chunks."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from voicecoach.errors import ListenError
from voicecoach.listen.vocabulary import SAMPLE_RATE

CHUNK_MS = 100  # how much audio each hand-over carries: short enough to act quickly
INSTALL_HINT = "voice commands need miniaudio: pip install 'voicecoach[listen]'"


@dataclass(frozen=True)
class Microphone:
    """A capture device the system offers."""

    index: int
    name: str
    id: Any = None


def _miniaudio() -> Any:
    try:
        import miniaudio
    except ImportError as error:
        raise ListenError(INSTALL_HINT) from error
    return miniaudio


def microphones() -> list[Microphone]:
    """Every capture device, numbered from 1 in the system's order."""
    miniaudio = _miniaudio()
    try:
        found = miniaudio.Devices().get_captures()
    except Exception as error:  # MiniaudioError and the like: no audio system at all
        raise ListenError(f"no microphone can be opened here ({error})") from error
    return [Microphone(i, str(d["name"]), d.get("id")) for i, d in enumerate(found, 1)]


def find_microphone(wanted: str | None) -> Microphone | None:
    """The device named (a number from the list, or part of its name), None for the default."""
    if wanted is None or not wanted.strip():
        return None
    found = microphones()
    key = wanted.strip()
    if key.isdigit():
        match = [m for m in found if m.index == int(key)]
    else:
        match = [m for m in found if key.lower() in m.name.lower()]
    if len(match) == 1:
        return match[0]
    names = ", ".join(f"{m.index}: {m.name}" for m in found) or "none"
    problem = "matches more than one" if match else "matches no"
    raise ListenError(f"{wanted!r} {problem} microphone (microphones here: {names})")


class MicrophoneStream:
    """Captures from a microphone and hands each chunk of PCM to `on_audio`; stop with close()."""

    def __init__(self, device: Microphone | None = None) -> None:
        self.device = device
        self._capture: Any = None
        self.backend = ""

    def start(self, on_audio: Callable[[bytes], None]) -> None:
        miniaudio = _miniaudio()
        try:
            capture = miniaudio.CaptureDevice(
                input_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=SAMPLE_RATE,
                buffersize_msec=CHUNK_MS,
                device_id=self.device.id if self.device is not None else None,
                app_name="voicecoach",
            )
        except Exception as error:  # MiniaudioError: no device, or the system refused it
            raise ListenError(f"the microphone could not be opened ({error})") from error
        self.backend = str(capture.backend)
        if self.backend.lower() == "null":
            capture.close()
            raise ListenError("no microphone was found (no sound system answered)")

        def receive() -> Generator[None, bytes, None]:
            while True:
                data = yield
                on_audio(bytes(data))

        generator = receive()
        next(generator)
        try:
            capture.start(generator)
        except Exception as error:
            capture.close()
            raise ListenError(f"the microphone could not start ({error})") from error
        self._capture = capture

    def close(self) -> None:
        if self._capture is not None:
            capture, self._capture = self._capture, None
            capture.stop()
            capture.close()
