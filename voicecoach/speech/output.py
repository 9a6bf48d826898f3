"""Playing clips aloud with a player the program controls, and can silence at once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Protocol

from voicecoach.errors import VoicecoachError
from voicecoach.speech.clip import SAMPLE_RATE, Clip, write_wav

# Player programs in order of preference, with the arguments that keep them quiet.
PLAYERS: dict[str, list[tuple[str, list[str]]]] = {
    "linux": [("pw-play", []), ("paplay", []), ("aplay", ["-q"])],
    "darwin": [("afplay", [])],
}
PROBE_SECONDS = 0.05
PROBE_TIMEOUT = 3.0  # a player that has not played 50 ms of silence by then is not working


class NoAudioOutput(VoicecoachError):
    """No way to play sound here (no player program, or no audio device): fall back to text."""


class AudioOutput(Protocol):
    """Somewhere to play clips: one at a time, each replacing the last."""

    name: str

    def play(self, clip: Clip) -> None: ...  # starts playing and returns at once
    def stop(self) -> None: ...  # silences at once
    def close(self) -> None: ...


def _players() -> list[tuple[str, list[str]]]:
    key = "linux" if sys.platform.startswith(("linux", "freebsd", "openbsd")) else sys.platform
    return PLAYERS.get(key, [])


def _reason(stderr: bytes, code: int) -> str:
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    detail = lines[-1] if lines else f"exit status {code}"
    return detail if len(detail) <= 120 else detail[:117] + "..."


class ProcessOutput:
    """Plays each clip by running a player program on a temporary WAV file; stop() kills it."""

    def __init__(self, command: list[str], name: str | None = None) -> None:
        self.command = list(command)
        self.name = name or Path(command[0]).name
        self._folder = Path(tempfile.mkdtemp(prefix="voicecoach-play-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._file: Path | None = None
        self._count = 0
        self._lock = threading.Lock()
        self._next: object | None = None  # the clip waiting for the one playing to end

    def _write(self, clip: Clip) -> Path:
        self._count += 1
        path = self._folder / f"line-{self._count}.wav"
        write_wav(path, clip)
        return path

    def probe(self) -> str | None:
        """Play a short silence; None if the player works, else why it does not (one line)."""
        path = self._write(Clip(bytes(int(SAMPLE_RATE * PROBE_SECONDS) * 2)))
        try:
            done = subprocess.run(
                [*self.command, str(path)], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=PROBE_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return f"it did not finish a {PROBE_SECONDS * 1000:g} ms test sound"
        except OSError as error:
            return str(error)
        finally:
            path.unlink(missing_ok=True)
        return None if done.returncode == 0 else _reason(done.stderr, done.returncode)

    def play(self, clip: Clip) -> None:
        with self._lock:
            self._play(clip)

    def _play(self, clip: Clip) -> None:
        self._stop()
        self._file = self._write(clip)
        self._process = subprocess.Popen(
            [*self.command, str(self._file)], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def play_next(self, clip: Clip) -> None:
        """Play `clip` as soon as the clip playing now ends (at once if none is). A stop or
        another clip before then cancels it."""
        token = object()
        with self._lock:
            process, self._next = self._process, token

        def follow() -> None:
            if process is not None:
                process.wait()
            with self._lock:
                if self._next is token:
                    self._play(clip)

        threading.Thread(target=follow, name="voicecoach-play-next", daemon=True).start()

    def playing(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        self._next = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._process = None
        if self._file is not None:
            self._file.unlink(missing_ok=True)
            self._file = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> ProcessOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WinsoundOutput:
    """Windows: the standard library's winsound, asynchronous, stopped by a purge."""

    name = "winsound"

    def __init__(self) -> None:
        import winsound  # type: ignore[import-not-found]

        self._winsound = winsound
        self._folder = Path(tempfile.mkdtemp(prefix="voicecoach-play-"))
        self._count = 0

    def _write(self, clip: Clip) -> Path:
        self._count += 1
        path = self._folder / f"line-{self._count % 4}.wav"  # a few names, reused
        write_wav(path, clip)
        return path

    def probe(self) -> str | None:
        w = self._winsound
        try:
            w.PlaySound(str(self._write(Clip(bytes(1102 * 2)))), w.SND_FILENAME | w.SND_NODEFAULT)
        except RuntimeError as error:
            return str(error) or "no audio device"
        return None

    def play(self, clip: Clip) -> None:
        w = self._winsound
        self.stop()
        w.PlaySound(str(self._write(clip)), w.SND_FILENAME | w.SND_ASYNC | w.SND_NODEFAULT)

    def stop(self) -> None:
        self._winsound.PlaySound(None, self._winsound.SND_PURGE)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._folder, ignore_errors=True)


def open_audio_output() -> AudioOutput:
    """The first player that can play a short silence here; NoAudioOutput says why none can."""
    if sys.platform == "win32":
        output = WinsoundOutput()
        problem = output.probe()
        if problem is None:
            return output
        output.close()
        raise NoAudioOutput(f"no audio output: {problem}")
    candidates = _players()
    found = [(shutil.which(name), args) for name, args in candidates]
    found = [(path, args) for path, args in found if path]
    if not found:
        names = ", ".join(name for name, _ in candidates) or "none known for this system"
        raise NoAudioOutput(f"no audio player program found (looked for {names})")
    problems = []
    for path, args in found:
        output = ProcessOutput([path, *args])
        problem = output.probe()
        if problem is None:
            return output
        output.close()
        problems.append(f"{output.name}: {problem}")
    raise NoAudioOutput(f"no audio device ({'; '.join(problems)})")

