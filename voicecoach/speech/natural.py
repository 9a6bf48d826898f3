"""The natural voice: hibari-tts's "heart" model, bundled in its package, run by onnxruntime.

Only the model file inside the installed package is ever used. hibari fetches its other voices
from the internet on first use; that path is closed here, so nothing is downloaded, ever.
Each sentence renders from a fixed noise seed with one onnxruntime thread (two threads give
other samples), so the same line always gives the same samples, whatever came before it.
"""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from voicecoach.errors import EngineError, UsageError
from voicecoach.rates import DEFAULT_RATE, engine_speed
from voicecoach.speech import pronounce
from voicecoach.speech.clip import Clip, trim
from voicecoach.speech.engine import Voice, check_levels

NAME = "natural"
LAZY = True  # opening an engine is cheap: the model loads when a line is first rendered
VOICE_ID = "heart"
DEFAULT_VOICE = VOICE_ID
SAMPLE_RATE = 24_000
SEED = 0  # the model's noise comes from this seed on every line: same text, same samples
INSTALL_HINT = "reinstall voicecoach, or: pip install hibari-tts==0.2.1"
MAX_KEPT_BYTES = 64 << 20  # what is kept in the cache folder is read only up to this size
PRIMER = "ɹˈɛdi."  # "Ready.": the first synthesis is slow; this one is spent before any line


def _voice_entry() -> Voice:
    return Voice(id=VOICE_ID, name="Heart (American English, female)", languages=["en-us"])


def _refuse_download(*_: Any, **__: Any) -> Any:
    raise EngineError("the natural voice uses only the voice inside its package; "
                      "other voices are not downloaded")


def _close_downloads() -> None:
    """Make hibari unable to fetch a voice: its download and path lookup refuse every call."""
    from hibari import tts, voices

    voices.download = _refuse_download
    voices.voice_path = _refuse_download
    tts.voice_path = _refuse_download


def _package() -> tuple[Path, dict[str, Any]]:
    """The installed hibari package's assets folder and its entry for our voice, found without
    importing it (that takes a third of a second). EngineError if either is missing."""
    import json
    from importlib.util import find_spec

    spec = find_spec("hibari")
    if spec is None or spec.origin is None or find_spec("onnxruntime") is None:
        raise EngineError(f"the natural voice is not installed: {INSTALL_HINT}")
    assets = Path(spec.origin).parent / "assets"
    try:
        entry = json.loads((assets / "voices.json").read_text(encoding="utf-8"))[VOICE_ID]
    except (OSError, ValueError, KeyError) as error:
        raise EngineError(f"the natural voice's package is damaged: {INSTALL_HINT}") from error
    if not entry.get("bundled") or not (assets / str(entry.get("file"))).is_file():
        raise EngineError(f"the natural voice's model is missing from its package: {INSTALL_HINT}")
    return assets, entry


@functools.lru_cache(maxsize=1)
def identity() -> str:
    """What the audio depends on: library, model, runtime, FFT library and our respellings."""
    from importlib.util import find_spec

    assets, entry = _package()
    fft = "scipy" if find_spec("scipy") is not None else "numpy"  # hibari's choice, likewise
    runtime = find_spec("onnxruntime")
    runtime_dir = Path(runtime.origin).parent if runtime and runtime.origin else None
    return (f"hibari-tts {_version(assets.parent, 'hibari_tts')} {VOICE_ID}"
            f" {str(entry['sha256'])[:12]} / onnxruntime {_version(runtime_dir, 'onnxruntime')}"
            f" / fft {fft} / words {pronounce.digest(NAME)}")


def _version(package: Path | None, dist: str) -> str:
    """An installed distribution's version, from its `.dist-info` folder's name where it sits
    beside the package (a directory listing: importlib.metadata scans every installed one)."""
    if package is not None:
        found = sorted(package.parent.glob(f"{dist}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(dist) + 1 : -len(".dist-info")]
    from importlib.metadata import version

    return version(dist.replace("_", "-"))


class _Model:
    """The process's one loaded model and its text-to-phoneme reader, loaded in a background
    thread once asked for (`start`), so start-up work can go on meanwhile."""

    _instance: _Model | None = None
    _loading: Future[_Model] | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        # onnxruntime otherwise writes a telemetry device id into the user's cache folder.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        assets, entry = _package()
        try:
            from hibari import tts
        except ImportError as error:
            raise EngineError(f"the natural voice is not installed: {INSTALL_HINT}") from error
        _close_downloads()
        reader: Future[Any] = Future()
        try:
            self.tts = tts.Hibari(
                voice=VOICE_ID, model=str(assets / str(entry["file"])), threads=1,
                g2p=lambda text: reader.result()(text),
            )
            self.tts.from_phonemes(PRIMER, 1.0, SEED)  # the first synthesis is the slow one
        except Exception as error:  # onnxruntime raises many kinds
            raise EngineError(f"the natural voice could not start ({error})") from error
        self.lock = threading.Lock()
        self.phonemes = _Phonemes()
        self._reader = reader
        self._reader_started = False
        self._reader_lock = threading.Lock()

    def _start_reader(self) -> None:
        """Load the pronouncing dictionaries in their own thread, once. They wait until the
        first line is spoken or needs them: both need the interpreter, so at once they only
        slow each other, and a line whose phonemes are kept from before needs no dictionary."""
        with self._reader_lock:
            if self._reader_started:
                return
            self._reader_started = True
        threading.Thread(target=self._load_reader, args=(self._reader,),
                         name="voicecoach-natural-reader", daemon=True).start()

    @staticmethod
    def _load_reader(result: Future[Any]) -> None:
        try:
            from hibari import g2p

            # The reader parses 5 MB of compressed JSON each start (half a second); the same
            # data kept in the cache folder in Python's own `marshal` format loads 2-3x faster.
            g2p._load_json, original = _cached_json(g2p._load_json), g2p._load_json
            try:
                result.set_result(g2p.G2P(british=False))
            finally:
                g2p._load_json = original
        except BaseException as error:  # handed to the thread that waits for it
            result.set_exception(error)

    @classmethod
    def start(cls) -> Future[_Model]:
        """Begin loading in a background thread, unless loaded or loading already."""
        with cls._lock:
            if cls._loading is None or (cls._loading.done() and cls._loading.exception()):
                loading: Future[_Model] = Future()
                cls._loading = loading

                def load() -> None:
                    try:
                        loading.set_result(cls())
                    except BaseException as error:  # raised by `get` in the waiting thread
                        loading.set_exception(error)

                threading.Thread(target=load, name="voicecoach-natural-load", daemon=True).start()
            return cls._loading

    @classmethod
    def get(cls) -> _Model:
        """The loaded model, waiting for it if needed (EngineError if it cannot load)."""
        return cls.start().result()

    def synthesize(self, text: str, speed: float) -> bytes:
        """16-bit mono PCM at SAMPLE_RATE for `text`, untrimmed, at full volume."""
        import numpy as np

        phonemes = self.phonemes.get(text)
        if phonemes is None:
            self._start_reader()
            with self.lock:  # the phoneme reader is plain Python: one line at a time
                try:
                    phonemes = self.tts.phonemize(text)
                except Exception as error:  # the reader could not load
                    raise EngineError(f"the natural voice could not start ({error})") from error
            self.phonemes.put(text, phonemes)
        # Each sentence from the same seed: a sentence sounds the same alone or in a line.
        # onnxruntime and numpy let go of the interpreter, so lines can render side by side.
        parts = [self.tts.from_phonemes(p, speed, SEED) for p in phonemes]
        if not parts:
            return b""
        audio = np.concatenate(parts)
        self._start_reader()  # the next lines will likely need it
        return (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


class _Phonemes:
    """The phonemes of lines said before, kept in the cache folder, so that a known line can be
    spoken as soon as the model is loaded, before the pronouncing dictionaries are."""

    def __init__(self) -> None:
        import atexit
        import marshal

        from voicecoach import paths
        from voicecoach.files import read_capped

        self.path = paths.cache_dir() / "natural" / f"{_stamp()}-phonemes.marshal"
        try:
            known = marshal.loads(read_capped(self.path, MAX_KEPT_BYTES))
        except (OSError, ValueError, EOFError, TypeError):
            known = {}
        self.known: dict[str, list[str]] = known if isinstance(known, dict) else {}
        self.added = False
        atexit.register(self.save)

    def get(self, text: str) -> list[str] | None:
        found = self.known.get(text)
        return list(found) if isinstance(found, list) else None

    def put(self, text: str, phonemes: list[str]) -> None:
        self.known[text] = list(phonemes)
        self.added = True

    def save(self) -> None:
        """Keep what was added (at exit: one write, however many lines were said)."""
        import marshal

        from voicecoach.files import atomic_write

        if not self.added:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, marshal.dumps(dict(self.known)), sync=False)
        except (OSError, ValueError):
            pass  # an unwritable cache only costs time
        self.added = False


def _stamp() -> str:
    """The reader's version, part of the name of every file kept for it."""
    assets, _ = _package()
    return f"hibari-tts-{_version(assets.parent, 'hibari_tts')}"


def _cached_json(load: Any) -> Any:
    """`load(name)` of hibari's data files, kept after the first time in the cache folder."""
    import marshal

    from voicecoach import paths
    from voicecoach.files import atomic_write, read_capped

    folder = paths.cache_dir() / "natural"
    stamp = _stamp()

    def cached(name: str) -> Any:
        path = folder / f"{stamp}-{name}.marshal"
        try:
            data = marshal.loads(read_capped(path, MAX_KEPT_BYTES))
            if isinstance(data, (dict, list)):
                return data
        except (OSError, ValueError, EOFError, TypeError):
            pass  # not there yet, or damaged: read the original and keep it again
        data = load(name)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, marshal.dumps(data), sync=False)
        except (OSError, ValueError):
            pass  # an unwritable cache only costs time
        return data

    return cached


def warm_up() -> None:
    """Load the model in the background; a failure shows when a line is first rendered."""
    try:
        _package()
    except EngineError:
        return  # reported by the next open_engine
    _Model.start()


def check_voice(requested: str) -> str:
    """The natural voice's id for `requested`, else UsageError."""
    wanted = requested.strip().lower()
    if wanted in (VOICE_ID, NAME, "en", "en-us"):
        return VOICE_ID
    raise UsageError(
        f"unknown voice {requested!r} for the natural engine: it has one voice, {VOICE_ID!r} "
        "(`voicecoach voices` lists every engine's voices)"
    )


class NaturalEngine:
    """Renders lines with the natural voice."""

    name = NAME
    sample_rate = SAMPLE_RATE
    parallel = min(2, os.cpu_count() or 1)  # lines the clip cache may render at once

    def __init__(self, voice: str | None, rate: int, volume: float) -> None:
        check_levels(rate, volume)
        self.voice = check_voice(voice) if voice else VOICE_ID
        self.rate = rate
        self.volume = volume
        self.speed = engine_speed(NAME, rate)
        # Checks the package is there without loading the model: that starts at the first line
        # to render (or at `warm_up`), so a routine whose lines are cached never waits for it.
        self.identity = identity()

    def render(self, text: str) -> Clip:
        """`text` spoken: trimmed of the silence around it, volume applied."""
        if not text.strip():
            return Clip(b"", SAMPLE_RATE)
        raw = _Model.get().synthesize(pronounce.respell(text, NAME), self.speed)
        return Clip(_scale(trim(raw, SAMPLE_RATE), self.volume), SAMPLE_RATE)

    def voices(self) -> list[Voice]:
        return [_voice_entry()]

    def check_voice(self, requested: str) -> str:
        return check_voice(requested)


def _scale(frames: bytes, volume: float) -> bytes:
    """`frames` times `volume`, rounded toward zero as `clip.scale` does, in one numpy step."""
    if volume >= 1.0:
        return frames
    import numpy as np

    values = np.frombuffer(frames, dtype="<i2").astype(np.float64) * volume
    return values.astype("<i2").tobytes()


def open_engine(*, voice: str | None = None, rate: int = DEFAULT_RATE,
                volume: float = 1.0) -> NaturalEngine:
    """The natural voice, loaded once per process."""
    return NaturalEngine(voice, rate, volume)


def voices() -> list[Voice]:
    """The natural engine's voices, without loading the model."""
    return [_voice_entry()]
