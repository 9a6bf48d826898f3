"""Piper voices (the optional `voicecoach[piper]` extra): any voice model the user has.

A voice is a `.onnx` model with its `.onnx.json` settings beside it, given by path or found by
name in the voice folders. Nothing is downloaded. The model's random noise is turned off, so the
same line always renders to the same samples, whatever was rendered before it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from voicecoach.errors import EngineError, UsageError
from voicecoach.rates import DEFAULT_RATE, engine_speed
from voicecoach.speech import pronounce
from voicecoach.speech.clip import Clip, trim
from voicecoach.speech.engine import Voice, check_levels

NAME = "piper"
INSTALL_HINT = "pip install 'voicecoach[piper]'"
PEAK = 0.9  # each sentence is brought to this peak: loud, with room before clipping
PICK_HINT = (
    "Piper needs a voice: --voice PATH/TO/voice.onnx (with its .onnx.json beside it), "
    "or the name of a voice in your Piper voice folder "
    "(voicecoach config set piper_voices FOLDER)"
)


def _voice_entry(model: Path) -> Voice:
    """A Voice for the model at `model`, described from its settings file."""
    try:
        settings = json.loads(_settings_path(model).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        settings = {}
    language = settings.get("language") or {}
    code = str(language.get("code") or settings.get("espeak", {}).get("voice") or "")
    dataset = settings.get("dataset") or model.stem
    quality = (settings.get("audio") or {}).get("quality")
    name = f"{dataset} ({quality})" if quality else str(dataset)
    languages = [code.replace("_", "-").lower()] if code else []
    return Voice(id=str(model), name=name, languages=languages)


def _settings_path(model: Path) -> Path:
    return model.with_name(model.name + ".json")


def models_in(folders: Iterable[Path]) -> list[Path]:
    """Every Piper voice (a model with its settings beside it) in `folders`, by name."""
    found: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for model in sorted(folder.glob("*.onnx")):
            if _settings_path(model).is_file():
                found.setdefault(model.stem, model.absolute())
    return [found[name] for name in sorted(found, key=str.lower)]


def find_model(requested: str, folders: Iterable[Path]) -> Path:
    """The model file for `requested`: a path to a `.onnx` file, or a voice name in `folders`."""
    text = requested.strip()
    path = Path(text).expanduser()
    if text.endswith(".onnx") or "/" in text or "\\" in text:
        if not path.is_file():
            raise UsageError(f"no Piper voice at {text}: the file does not exist")
        if not _settings_path(path).is_file():
            raise UsageError(
                f"the Piper voice {path.name} has no settings beside it: "
                f"{_settings_path(path).name} must sit next to the model"
            )
        return path.absolute()
    models = models_in(folders)
    match = next((m for m in models if m.stem.lower() == text.lower()), None)
    if match is None:
        known = ", ".join(m.stem for m in models) or "none found"
        raise UsageError(f"unknown Piper voice {requested!r} (voices in your folder: {known}); "
                         f"{PICK_HINT[0].lower()}{PICK_HINT[1:]}")
    return match


def _fingerprint(model: Path) -> str:
    """A cheap fingerprint of a voice: its settings, size and the model's first and last bytes."""
    digest = hashlib.sha256(_settings_path(model).read_bytes())
    size = model.stat().st_size
    with model.open("rb") as file:
        digest.update(file.read(1 << 16))
        file.seek(max(0, size - (1 << 16)))
        digest.update(file.read())
    return f"{size}:{digest.hexdigest()[:12]}"


class _Loaded:
    """Piper voices loaded in this process, one per model file."""

    _voices: dict[Path, tuple[Any, threading.Lock, str]] = {}
    _lock = threading.Lock()

    @classmethod
    def get(cls, model: Path) -> tuple[Any, threading.Lock, str]:
        with cls._lock:
            if model not in cls._voices:
                cls._voices[model] = cls._load(model)
            return cls._voices[model]

    @staticmethod
    def _load(model: Path) -> tuple[Any, threading.Lock, str]:
        # onnxruntime otherwise writes a telemetry device id into the user's cache folder.
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        try:
            from piper import PiperVoice
        except ImportError as error:
            raise EngineError(f"the piper engine is not installed: {INSTALL_HINT}") from error
        from importlib.metadata import version

        try:
            voice = PiperVoice.load(model, config_path=_settings_path(model))
        except Exception as error:  # a damaged or foreign file: onnxruntime, json, key errors
            raise EngineError(f"the Piper voice {model.name} could not be loaded ({error})") \
                from error
        identity = (f"piper-tts {version('piper-tts')} / {model.name} {_fingerprint(model)}"
                    f" / words {pronounce.digest(NAME)}")
        return voice, threading.Lock(), identity


def configured_folders() -> list[Path]:
    """The folder where Piper voices are looked for by name: config key `piper_voices`."""
    from voicecoach.config import load_config
    from voicecoach.errors import ConfigError

    try:
        folder = load_config().piper_voices
    except ConfigError:  # a broken config file is reported by the command that reads it
        return []
    return [Path(folder).expanduser()] if folder else []


class PiperEngine:
    """Renders lines with one Piper voice."""

    name = NAME

    def __init__(self, voice: str | None, rate: int, volume: float,
                 folders: Iterable[Path] | None = None) -> None:
        check_levels(rate, volume)
        self.folders = list(folders) if folders is not None else configured_folders()
        if not voice:
            raise UsageError(PICK_HINT)
        self.model = find_model(voice, self.folders)
        self.voice = str(self.model)
        self.rate = rate
        self.volume = volume
        self.speed = engine_speed(NAME, rate)
        self._piper, self._lock, self.identity = _Loaded.get(self.model)
        self.sample_rate = int(self._piper.config.sample_rate)

    def render(self, text: str) -> Clip:
        """`text` spoken: trimmed of the silence around it, volume applied."""
        if not text.strip():
            return Clip(b"", self.sample_rate)
        import numpy as np
        from piper import SynthesisConfig

        settings = SynthesisConfig(
            length_scale=self._piper.config.length_scale / self.speed,
            noise_scale=0.0,  # no random noise: the same text gives the same samples
            noise_w_scale=0.0,
            normalize_audio=True,
            volume=PEAK,
        )
        with self._lock:
            chunks = [c.audio_float_array for c in
                      self._piper.synthesize(pronounce.respell(text, NAME), syn_config=settings)]
        if not chunks:
            return Clip(b"", self.sample_rate)
        audio = np.concatenate(chunks) * 32767.0
        raw = np.clip(audio, -32767, 32767).astype("<i2").tobytes()
        frames = trim(raw, self.sample_rate)
        if self.volume < 1.0:
            scaled = np.frombuffer(frames, dtype="<i2").astype(np.float64) * self.volume
            frames = scaled.astype("<i2").tobytes()
        return Clip(frames, self.sample_rate)

    def voices(self) -> list[Voice]:
        models = models_in(self.folders)
        if self.model not in models:
            models.insert(0, self.model)
        return [_voice_entry(m) for m in models]

    def check_voice(self, requested: str) -> str:
        return str(find_model(requested, self.folders))


def open_engine(*, voice: str | None = None, rate: int = DEFAULT_RATE, volume: float = 1.0,
                folders: Iterable[Path] | None = None) -> PiperEngine:
    """A Piper voice, loaded once per process and model."""
    return PiperEngine(voice, rate, volume, folders)


def voices(folders: Iterable[Path] | None = None) -> list[Voice]:
    """The Piper voices in the voice folders, without loading any of them."""
    found = folders if folders is not None else configured_folders()
    return [_voice_entry(m) for m in models_in(found)]
