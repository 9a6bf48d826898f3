"""The "espeak" engine: pyttsx3 rendering each line to a clip with `save_to_file`.

On Linux the engine is the eSpeak NG library and data shipped in the `espeakng-loader` wheel, so
no system package is needed. pyttsx3 keeps one engine per process and must be driven from one
thread, so a single worker thread owns it and every call goes through that thread.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from voicecoach.errors import EngineError
from voicecoach.rates import DEFAULT_RATE
from voicecoach.speech.clip import SAMPLE_RATE, Clip, read_wav, scale, trim
from voicecoach.speech.engine import Voice, check_levels, resolve_voice

T = TypeVar("T")
# eSpeak NG settings appended to every voice so a line sounds the same whatever came before it.
STEADY = "\nflutter 0\nroughness 8\n"

INSTALL_HINT = {
    "linux": "install the espeakng-loader package (pip install espeakng-loader)",
    "darwin": "pyttsx3 needs pyobjc on macOS (pip install pyobjc)",
    "win32": "pyttsx3 needs pywin32 and comtypes on Windows (pip install pywin32 comtypes)",
}


def _install_hint() -> str:
    key = "linux" if sys.platform.startswith("linux") else sys.platform
    return INSTALL_HINT.get(key, "install pyttsx3 and a speech engine for this system")


def _load_embedded_espeak() -> None:
    """Make the wheel's libespeak-ng the one pyttsx3 loads, and point it at the wheel's data."""
    import ctypes

    try:
        import espeakng_loader
    except ImportError as error:
        raise EngineError(f"the speech engine is missing: {_install_hint()}") from error
    data = Path(espeakng_loader.get_data_path())
    # Without its data eSpeak NG calls exit(1), taking the whole program down: check first.
    if not (data / "phontab").is_file():
        raise EngineError(f"the eSpeak NG data is incomplete ({data}); reinstall espeakng-loader")
    os.environ["ESPEAK_DATA_PATH"] = str(data)
    # pyttsx3 opens "libespeak-ng.so.1"; with a library of that soname already loaded, the
    # dynamic loader hands back this one instead of looking for a system package.
    _Host.library = ctypes.CDLL(espeakng_loader.get_library_path())


def _voice_file(folder: Path, name: str) -> Path | None:
    """The file of voice `name` under `folder`; eSpeak matches ids in any case (en-us: en-US)."""
    path = folder
    for part in name.split("/"):
        if not path.is_dir():
            return None
        exact = path / part
        path = exact if exact.exists() else next(
            (p for p in path.iterdir() if p.name.lower() == part.lower()), exact
        )
    return path if path.is_file() else None


def _quiet(*args: Any, **kwargs: Any) -> None:
    """Stands in for `print` in the eSpeak driver, which announces every file it saves."""


def _guard_synth_callback() -> None:
    """Make a failure inside pyttsx3's eSpeak callback end the line with an error.

    The driver writes the WAV file from eSpeak's callback; when that write fails (a full disk,
    a file size limit) ctypes only prints the exception, the driver never signals the end of
    the line, and `runAndWait` waits forever. Reported as an error instead, the line ends.
    """
    from pyttsx3.drivers import espeak as driver

    original = driver.EspeakDriver._onSynth
    if getattr(original, "guarded", False):
        return

    def on_synth(self: Any, wav: Any, numsamples: int, events: Any) -> int:
        try:
            return int(original(self, wav, numsamples, events))
        except Exception as error:  # noqa: BLE001 (anything lost here hangs the loop)
            self._data_buffer = b""
            self._speaking = False
            self._proxy.notify("error", exception=error)
            self._proxy.setBusy(False)
            self.endLoop()
            return 1  # asks eSpeak to stop this line

    on_synth.guarded = True  # type: ignore[attr-defined]
    driver.EspeakDriver._onSynth = on_synth


class _Host:
    """The process's one pyttsx3 engine, living in its own thread."""

    library: Any = None
    _instance: _Host | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicecoach-engine")
        self._engine: Any = None
        self._errors: list[BaseException] = []
        self.espeak = sys.platform.startswith("linux")
        self._steady: dict[str, str | None] = {}  # voice -> its steady voice file's text
        self.call(self._start)

    @classmethod
    def get(cls) -> _Host:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        return self._thread.submit(fn, *args).result()

    def _start(self) -> None:
        if self.espeak:
            _load_embedded_espeak()
            _guard_synth_callback()
        try:
            import pyttsx3

            self._engine = pyttsx3.init("espeak" if self.espeak else None)
        except EngineError:
            raise
        except Exception as error:  # pyttsx3 raises anything from ImportError to OSError
            raise EngineError(
                f"the speech engine could not start ({error}); {_install_hint()}"
            ) from error
        self._engine.connect("error", self._on_error)
        driver = sys.modules.get(f"pyttsx3.drivers.{self._engine.driver_name}")
        if driver is not None:
            # The driver prints "Audio saved to ..." from eSpeak's thread; silencing its own
            # `print` keeps our stdout clean without touching output from other threads.
            driver.print = _quiet  # type: ignore[attr-defined]
        self.default_voice = str(self._engine.getProperty("voice") or "")
        self.voices = [self._voice(v) for v in self._engine.getProperty("voices")]
        self.variants = self._variants()
        self.engine_id = self._engine_id() + (" / steady voice" if self.espeak else "")
        if self.espeak:
            # Until its first loop pyttsx3 queues settings instead of applying them; one
            # throwaway line brings it to the state every later line starts from.
            self._render("Ready.", self.default_voice, DEFAULT_RATE)

    def _on_error(self, exception: BaseException | None = None, **_: Any) -> None:
        if exception is not None:
            self._errors.append(exception)

    @staticmethod
    def _voice(v: Any) -> Voice:
        languages = [str(x) for x in (getattr(v, "languages", None) or []) if x]
        return Voice(id=str(v.id), name=str(v.name or v.id), languages=languages)

    def _variants(self) -> list[str]:
        """eSpeak NG voice variants (`+f3`, `+m1`, ...): the files of its `voices/!v` folder."""
        data = os.environ.get("ESPEAK_DATA_PATH")
        if not self.espeak or not data:
            return []
        folder = Path(data) / "voices" / "!v"
        return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def _engine_id(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            pyttsx3_version = version("pyttsx3")
        except PackageNotFoundError:
            pyttsx3_version = "unknown"
        if self.espeak:
            from pyttsx3.drivers import _espeak

            info = _espeak.Info(None)
            engine = f"espeak-ng {info.decode() if info else 'unknown'}"
        else:
            import platform

            engine = f"{self._engine.driver_name} {platform.system()} {platform.release()}"
        return f"{engine} / pyttsx3 {pyttsx3_version}"

    def render(self, text: str, voice: str, rate: int) -> bytes:
        """Raw 16-bit mono PCM at SAMPLE_RATE for `text` (untrimmed, full volume)."""
        return self.call(self._render, text, voice, rate)

    def _render(self, text: str, voice: str, rate: int) -> bytes:
        # A folder for this line alone, gone once it is read: nothing is left in the temp
        # folder between lines, after the run, or when the program is stopped.
        with tempfile.TemporaryDirectory(prefix="voicecoach-engine-") as folder:
            return self._render_in(Path(folder), text, voice, rate)

    def _render_in(self, folder: Path, text: str, voice: str, rate: int) -> bytes:
        engine = self._engine
        mac = sys.platform == "darwin"
        target = folder / ("line.aiff" if mac else "line.wav")
        self._errors.clear()
        steady = self._steady_file(folder, voice) if self.espeak and voice else None
        if voice and steady is None:
            engine.setProperty("voice", voice)
        # Set on every line: the engine is shared, and a fresh eSpeak now and then ignores a
        # rate set only once at start.
        engine.setProperty("rate", rate)
        engine.setProperty("volume", 1.0)
        if self.espeak and not engine.isBusy():  # busy: settings wait for the loop (warm-up)
            self._settle(rate)
        if steady is not None:
            # Loaded afresh for every line: that also clears the filters of breathy variants.
            self._select(steady)
        if self.espeak:
            self._reseed()
        # One file per loop: with several queued, the eSpeak driver writes only the last.
        engine.save_to_file(text, str(target))
        engine.runAndWait()
        if self.espeak:
            from pyttsx3.drivers import _espeak

            # runAndWait returns before eSpeak has finished writing the file.
            _espeak.Synchronize()
        if self._errors:
            raise EngineError(f"the speech engine failed: {self._errors[0]}")
        if mac:
            target = self._aiff_to_wav(target)
        if not target.is_file():
            raise EngineError("the speech engine wrote no audio")
        try:
            return read_wav(target).frames
        except Exception as error:  # wave.Error, EOFError, OSError
            raise EngineError(f"the speech engine wrote unreadable audio: {error}") from error

    def _steady_file(self, folder: Path, voice: str) -> str | None:
        """A voice file for `voice` (and its +variant), in this line's folder, that sounds the
        same on every line.

        eSpeak NG keeps two counters for the life of the process: where it is in its pitch
        "flutter" table and how many voice cycles it has made (its "roughness" dims every Nth
        cycle). Both carry over from line to line, so the same line came out 5-20 ms longer or
        shorter, with different samples, depending on what had been said before it. The file
        turns both effects off. None: eSpeak cannot load such a file here; use the voice as is.
        """
        if voice not in self._steady:
            data = Path(os.environ.get("ESPEAK_DATA_PATH", ""))
            base, _, variant = voice.partition("+")
            parts = [_voice_file(data / "lang", base)]
            if variant:
                parts.append(_voice_file(data / "voices" / "!v", variant))
            texts = [p.read_text(encoding="utf-8", errors="replace") for p in parts if p]
            self._steady[voice] = "\n".join(texts) + STEADY if None not in parts else None
        text, target = self._steady[voice], folder / "v"
        # eSpeak copies the file name into a 60-byte buffer: a longer one would be cut.
        if text is None or len(os.fsencode(target)) >= 60:
            return None
        target.write_text(text, encoding="utf-8")
        return str(target)

    def _select(self, steady: str) -> None:
        import ctypes

        from pyttsx3.drivers import _espeak

        _espeak.Synchronize()
        select = _espeak.dll.espeak_SetVoiceByFile
        select.argtypes, select.restype = [ctypes.c_char_p], ctypes.c_int
        if select(os.fsencode(steady)) != 0:
            raise EngineError(f"the speech engine could not load its voice file {steady}")

    @staticmethod
    def _reseed() -> None:
        """Restart eSpeak's noise generator (breathy variants use it) so no line takes over
        where the one before left off. Left alone where the library lacks the call."""
        import ctypes

        from pyttsx3.drivers import _espeak

        reseed = getattr(_espeak.dll, "espeak_ng_SetRandSeed", None)
        if reseed is not None:
            _espeak.Synchronize()
            reseed.argtypes, reseed.restype = [ctypes.c_long], ctypes.c_int
            reseed(1)

    def _settle(self, rate: int) -> None:
        """Wait until eSpeak has applied the new settings before a line is queued.

        eSpeak applies settings on its own thread. runAndWait begins by stopping "playback",
        and if eSpeak is still busy applying them that stop cancels and restores the settings
        of the previous line: most lines then came out at the previous rate. Once eSpeak is
        idle there is nothing to cancel.
        """
        import ctypes

        from pyttsx3.drivers import _espeak

        # pyttsx3's binding omits the `current` argument, so its answer is undefined.
        get_parameter = _espeak.dll.espeak_GetParameter
        get_parameter.argtypes, get_parameter.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        for _ in range(3):
            _espeak.Synchronize()
            if get_parameter(_espeak.RATE, 1) == rate:
                return
            self._engine.setProperty("rate", rate)
        raise EngineError(f"the speech engine would not take the rate {rate}")

    def _aiff_to_wav(self, source: Path) -> Path:
        """macOS saves AIFF whatever the name says; its own `afconvert` turns it into WAV."""
        target = source.with_suffix(".wav")
        target.unlink(missing_ok=True)
        tool = shutil.which("afconvert")
        if tool is None or not source.is_file():
            return target
        subprocess.run(
            [tool, "-f", "WAVE", "-d", f"LEI16@{SAMPLE_RATE}", "-c", "1", str(source), str(target)],
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return target


def warm_up() -> None:
    """Start the engine in the background, so that it is ready by the time it is needed.

    Failures are not reported here: the next real use starts it again and raises them."""

    def start() -> None:
        try:
            _Host.get()
        except Exception:  # reported by the next `_Host.get()`, which tries again
            pass

    threading.Thread(target=start, name="voicecoach-engine-start", daemon=True).start()


class EspeakEngine:
    """Renders lines of text to clips with one voice, rate and volume."""

    name = "espeak"
    sample_rate: int = SAMPLE_RATE

    def __init__(self, voice: str | None = None, rate: int = DEFAULT_RATE, volume: float = 1.0):
        check_levels(rate, volume)
        self._host = _Host.get()
        self.voice = self.check_voice(voice) if voice else self._host.default_voice
        self.rate = rate
        self.volume = volume
        self.identity = self._host.engine_id

    def render(self, text: str) -> Clip:
        """`text` spoken: trimmed of leading and trailing silence, volume applied."""
        if not text.strip():
            return Clip(b"", self.sample_rate)  # an empty string can crash eSpeak
        raw = self._host.render(text, self.voice, self.rate)
        return Clip(scale(trim(raw, self.sample_rate), self.volume), self.sample_rate)

    def voices(self) -> list[Voice]:
        """The voices eSpeak NG (or the platform's engine) offers, sorted by id."""
        return sorted(self._host.voices, key=lambda v: v.id)

    def check_voice(self, requested: str) -> str:
        """A voice id, short id, language or name, with an optional variant (`en-us+f3`)."""
        return resolve_voice(requested, self._host.voices, self._host.variants)


def open_engine(
    *, voice: str | None = None, rate: int = DEFAULT_RATE, volume: float = 1.0
) -> EspeakEngine:
    """The engine with this voice (None: its default), rate and volume."""
    return EspeakEngine(voice=voice, rate=rate, volume=volume)
