"""Choosing the speech engine: --engine, config, the default, voices, and exports that repeat."""

from __future__ import annotations

import json
import random
import wave
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.real_engines import PIPER_MISSING, piper_voice
from voicecoach.cli import app

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny.yaml"


def invoke(*args: str):  # noqa: ANN201
    return CliRunner().invoke(app, list(args))


def _export(tmp_path: Path, name: str, *args: str) -> Path:
    target = tmp_path / name
    result = invoke("export", str(TINY), "-o", str(target), *args)
    assert result.exit_code == 0, result.output
    return target


def _rate(path: Path) -> int:
    with wave.open(str(path), "rb") as audio:
        return audio.getframerate()


def test_export_speaks_with_the_natural_voice_by_default_and_espeak_on_request(
    tmp_path: Path,
) -> None:
    assert _rate(_export(tmp_path, "natural.wav")) == 24_000
    assert _rate(_export(tmp_path, "espeak.wav", "--engine", "espeak")) == 22_050


@pytest.mark.skipif(piper_voice() is None, reason=PIPER_MISSING)
def test_export_with_a_piper_voice_file(tmp_path: Path) -> None:
    target = _export(tmp_path, "piper.wav", "--engine", "piper", "--voice", str(piper_voice()))
    assert _rate(target) == 22_050
    from voicecoach.speech import open_engine

    assert open_engine(voice=str(piper_voice())).name == "piper"  # a voice file implies Piper


@pytest.mark.parametrize("engine", ["natural", "espeak"])
def test_export_repeats_byte_for_byte_whatever_order_lines_were_rendered_in(
    tmp_path: Path, voicecoach_home: Path, engine: str
) -> None:
    first = _export(tmp_path, "first.wav", "--engine", engine)
    plan = json.loads(invoke("plan", str(TINY), "--json").stdout)
    lines = [e["text"] for e in plan["events"] if e["kind"] == "say"]
    random.Random(7).shuffle(lines)
    from voicecoach import speech

    clips = speech.ClipCache(speech.open_engine(engine), folder=voicecoach_home / "other")
    for text in lines + ["A line of its own, said first.", "3"]:
        clips.engine.render(text)  # the engine's state, if any, now differs from the first run
    again = _export(tmp_path, "again.wav", "--engine", engine, "--no-cache")
    assert again.read_bytes() == first.read_bytes()


def test_an_unknown_or_missing_engine_is_a_usage_error() -> None:
    result = invoke("export", str(TINY), "-o", "x.wav", "--engine", "festival")
    assert result.exit_code != 0
    assert "unknown speech engine 'festival'" in result.output


def test_config_set_engine_and_voice_are_checked_against_what_is_installed() -> None:
    assert invoke("config", "set", "engine", "espeak").exit_code == 0
    result = invoke("config", "set", "voice", "heart")  # not an eSpeak voice
    assert result.exit_code != 0 and "unknown voice 'heart'" in result.output
    assert invoke("config", "set", "voice", "en-us+f3").exit_code == 0
    result = invoke("config", "set", "engine", "festival")
    assert result.exit_code != 0 and "festival" in result.output
    assert invoke("config", "set", "engine", "natural").exit_code == 0
    result = invoke("config", "set", "piper_voices", "/no/such/folder")
    assert result.exit_code != 0 and "no such folder" in result.output


def test_plan_estimates_for_the_engine_that_will_speak() -> None:
    natural = json.loads(invoke("plan", "busy-day", "--json").stdout)["estimated_seconds"]
    espeak = json.loads(
        invoke("plan", "busy-day", "--json", "--engine", "espeak").stdout
    )["estimated_seconds"]
    assert natural != espeak


def test_voices_are_grouped_by_engine_english_first_with_the_default_marked() -> None:
    result = invoke("voices")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("natural (default engine):") < out.index("espeak:")
    assert "* heart" in out
    espeak = out[out.index("espeak:"):].splitlines()
    first_voice = next(line for line in espeak[1:] if line.strip())
    assert "English" in first_voice
    assert "--engine NAME --voice ID" in out
    rows = json.loads(invoke("voices", "--json", "--engine", "espeak").stdout)
    assert {r["engine"] for r in rows} == {"espeak"}
    assert [r["id"] for r in rows if r["default"]] == []  # espeak is not the default engine
    assert invoke("config", "set", "engine", "espeak").exit_code == 0
    rows = json.loads(invoke("voices", "--json", "--engine", "espeak").stdout)
    assert [r["id"] for r in rows if r["default"]] == ["gmw/en"]


@pytest.mark.parametrize("args", [["--help"], ["list"], ["plan", "busy-day"]])
def test_help_list_and_plan_load_no_engine(args: list[str]) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "voicecoach", *args],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()}
    assert not loaded & {"onnxruntime", "numpy", "hibari", "piper", "pyttsx3", "espeakng_loader"}
