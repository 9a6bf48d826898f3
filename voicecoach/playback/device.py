"""The sound card through miniaudio: PulseAudio (and PipeWire), ALSA or JACK on Linux, CoreAudio
on macOS, WASAPI on Windows. No player program and no system package is needed."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from types import ModuleType
from typing import Any

from voicecoach.errors import AudioError

# What the sound server is asked to hold: enough to ride out a busy machine (a late callback
# on a loaded 2-core machine took 56 ms; reading the clips while the first line plays, more).
# A stop does not wait for it: the device is stopped, dropping what it holds, and a new one
# takes over when playback goes on.
PERIOD_MS = 200
PERIODS = 2
APP_NAME = "voicecoach"

# Backends tried in order. miniaudio's NULL backend (a silent device) is never on this list: it
# would "play" with no sound at all. Tests ask for it by name.
BACKENDS: dict[str, tuple[str, ...]] = {
    "linux": ("PULSEAUDIO", "ALSA", "JACK"),
    "darwin": ("COREAUDIO",),
    "win32": ("WASAPI", "DSOUND", "WINMM"),
}
NOISY = ("ALSA", "JACK", "OSS")  # libraries that print their errors on stderr themselves


def platform_backends(*, quiet: bool = False) -> tuple[str, ...]:
    """The backends worth trying on this system, best first (`quiet`: only those that never
    print on stderr, so they can be tried in the background)."""
    key = "linux" if sys.platform.startswith(("linux", "freebsd", "openbsd")) else sys.platform
    return tuple(b for b in BACKENDS.get(key, ()) if not (quiet and b in NOISY))


class MiniaudioDevice:
    """A miniaudio playback device: 16-bit mono at `sample_rate`, pulling on its own thread."""

    self_driven = True

    def __init__(self, device: Any, sample_rate: int, backend: str) -> None:
        self._device = device
        self.sample_rate = sample_rate
        self.name = str(device.backend)
        self.backend = backend  # its key in BACKENDS, to open another like it

    def start(self, source: Any) -> None:
        self._device.start(source)

    def pump(self, frames: int) -> None:
        raise NotImplementedError("a miniaudio device pulls by itself")

    def stop(self) -> None:
        """Stop at once: PulseAudio corks the stream, ALSA drops what it holds."""
        self._device.stop()

    def close(self) -> None:
        self._device.close()

    def another(self) -> MiniaudioDevice:
        """A new device like this one (same backend and rate), not started."""
        return open_device(self.sample_rate, backends=(self.backend,), quiet=False)


def open_device(
    sample_rate: int, *, backends: tuple[str, ...] | None = None,
    period_ms: int = PERIOD_MS, periods: int = PERIODS, quiet: bool = True,
) -> MiniaudioDevice:
    """Open the first working playback device; AudioError says why none could be opened.
    `quiet`: keep what ALSA and JACK print on stderr while probing off the terminal."""
    names = platform_backends() if backends is None else backends
    if not names:
        raise AudioError(f"no audio backend known for this system ({sys.platform})")
    miniaudio = load_library()
    chosen = [miniaudio.Backend[name] for name in names]
    noisy = quiet and any(name in NOISY for name in names)
    with _quiet_stderr() if noisy else nullcontext(lambda: "") as said:
        try:
            device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                sample_rate=sample_rate, buffersize_msec=period_ms, callback_periods=periods,
                backends=chosen, app_name=APP_NAME,
            )
        except Exception as error:  # miniaudio raises its own error with a result code
            detail = _last_line(said()) or str(error)
            tried = ", ".join(name.lower() for name in names)
            raise AudioError(f"no audio device could be opened (tried {tried}): {detail}") from None
    backend = miniaudio.Backend(device._device.pContext.backend).name
    return MiniaudioDevice(device, sample_rate, backend)


def load_library() -> ModuleType:
    """The miniaudio module; AudioError if it cannot be loaded.

    miniaudio imports numpy when it can, only to accept numpy arrays, which this program never
    hands it; that import is most of the cost of loading it (about 80 ms), paid while the
    first word waits. So where numpy is not loaded yet, miniaudio is loaded seeing none."""
    loaded = sys.modules.get("miniaudio")
    if loaded is not None:
        return loaded
    try:
        if "numpy" in sys.modules:
            import miniaudio

            return miniaudio
        return _import_without("miniaudio", "numpy")
    except ImportError as error:
        raise AudioError(f"the miniaudio package cannot be loaded ({error})") from None


def _import_without(name: str, hidden: str) -> ModuleType:
    """Import module `name` as if package `hidden` were not installed.

    Only `name`'s own imports are refused (through builtins of its own), so other threads
    importing `hidden` meanwhile are not affected."""
    import builtins
    import importlib.util

    with _import_lock:
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        module = importlib.util.module_from_spec(spec)

        def refusing(wanted: str, *args: Any, **kwargs: Any) -> Any:
            if wanted == hidden or wanted.startswith(hidden + "."):
                raise ModuleNotFoundError(f"No module named {wanted!r}", name=wanted)
            return builtins.__import__(wanted, *args, **kwargs)

        module.__builtins__ = {**vars(builtins), "__import__": refusing}  # type: ignore[attr-defined]
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module


_import_lock = threading.Lock()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


@contextmanager
def _quiet_stderr() -> Iterator[Any]:
    """Keep what C libraries print while probing (ALSA's errors) off the terminal, but readable.

    The file descriptor itself is redirected: the messages come from C, not from Python."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield lambda: ""
        return
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            def said() -> str:
                caught.seek(0)
                return caught.read().decode(errors="replace")

            yield said
        finally:
            os.dup2(saved, 2)
            os.close(saved)
