"""Exports and spoken runs leave nothing of ours in the temp folder (with the real engine), nor
do the tests themselves."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fakes import FakeClock
from voicecoach import clock as clocks
from voicecoach.cli import app

ROOT = Path(__file__).resolve().parent.parent


class SilentOutput:
    """An audio output that plays nothing (the real player is not what is tested here)."""

    name = "silent"

    def play(self, clip: object) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_twenty_exports_and_twenty_spoken_runs_leave_the_temp_folder_empty(
    temp_folder: Path, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voicecoach import speech

    monkeypatch.setattr(speech, "open_audio_output", SilentOutput)
    monkeypatch.setattr(clocks, "MonotonicClock", FakeClock)
    for n in range(20):
        out = tmp_path / f"e{n}.wav"
        flag = "--no-cache" if n % 5 == 0 else "--insoles"
        result = CliRunner().invoke(app, ["export", "tiny", "-o", str(out), flag])
        assert result.exit_code == 0, result.output
        assert list(temp_folder.iterdir()) == []
    for n in range(20):  # every fifth renders afresh; the rest read the clips back
        flag = "--no-cache" if n % 5 == 0 else "--insoles"
        result = CliRunner().invoke(app, ["run", "tiny", flag])
        assert result.exit_code == 0, result.output
        assert "Done: Tiny test" in result.stdout
        assert list(temp_folder.iterdir()) == []


@pytest.mark.parametrize("command", ["export", "run"])
def test_a_real_process_leaves_nothing_in_the_temp_folder(
    temp_folder: Path, voicecoach_home: Path, tiny: Path, tmp_path: Path, command: str
) -> None:
    args = ["export", "tiny", "-o", str(tmp_path / "x.wav")] if command == "export" else ["run",
                                                                                          "tiny"]
    script = (
        "import sys\n"
        "import voicecoach.speech as speech\n"
        "import voicecoach.clock as clocks\n"
        "from tests.fakes import FakeClock\n"
        "from tests.test_temp_folder import SilentOutput\n"
        "speech.open_audio_output = SilentOutput\n"
        "clocks.MonotonicClock = FakeClock\n"
        f"sys.argv = ['voicecoach', *{args!r}]\n"
        "from voicecoach.launch import main\nmain()\n"
    )
    env = dict(os.environ, VOICECOACH_HOME=str(voicecoach_home), PYTHONPATH=str(ROOT),
               TMPDIR=str(temp_folder))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert list(temp_folder.iterdir()) == []


def test_an_engine_that_cannot_write_its_audio_fails_the_export_instead_of_hanging(
    voicecoach_home: Path, tmp_path: Path
) -> None:
    import resource

    def small_files() -> None:  # as `ulimit -f 20` in a shell: no file past 20 KiB
        resource.setrlimit(resource.RLIMIT_FSIZE, (20 * 1024, 20 * 1024))

    env = dict(os.environ, VOICECOACH_HOME=str(voicecoach_home), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "export", "busy-day", "-o", str(tmp_path / "u.wav")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
        preexec_fn=small_files,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Error: ")
    assert "File too large" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_importing_every_test_module_leaves_the_temp_folder_empty(temp_folder: Path) -> None:
    # The tests are held to the same rule: a folder made when a module is imported outlives it.
    modules = sorted(path.stem for path in (ROOT / "tests").glob("test_*.py"))
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)"
    subprocess.run(
        [sys.executable, "-c", code, *(f"tests.{name}" for name in modules)],
        cwd=ROOT, env=dict(os.environ, TMPDIR=str(temp_folder)), check=True, timeout=120,
    )
    assert sorted(path.name for path in temp_folder.iterdir()) == []
