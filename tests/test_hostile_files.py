"""Pipes, devices and odd paths where a file is expected: refused or skipped at once, never
waited on, and never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_run_cli import TINY

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _voicecoach(home: Path, cwd: Path, *args: str, script: str = "") -> subprocess.CompletedProcess:
    """The real program (after `script`, which may put fakes in place); a hang fails the test."""
    code = script + (
        f"import sys\nsys.argv = ['voicecoach', *{list(args)!r}]\n"
        "from voicecoach.launch import main\nmain()\n"
    )
    env = dict(os.environ, VOICECOACH_HOME=str(home), PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=30,
    )


FAKE_ENGINE = (
    "import voicecoach.speech as speech\n"
    "from tests.speech_fakes import FakeEngine\n"
    "speech.open_engine = lambda name=None, **kw: FakeEngine()\n"
)


@pytest.mark.parametrize(
    "args",
    [["validate", "{fifo}"], ["plan", "{fifo}"], ["show", "{fifo}"], ["run", "{fifo}", "--text"],
     ["export", "{fifo}", "-o", "out.wav"]],
)
def test_a_pipe_given_as_a_routine_is_refused_at_once(
    voicecoach_home: Path, tmp_path: Path, args: list[str]
) -> None:
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    result = _voicecoach(voicecoach_home, tmp_path, *[a.format(fifo=fifo) for a in args])
    assert result.returncode == 2, result.stderr
    assert "is not a regular file" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["config", "show"], ["plan", "busy-day"], ["config", "path"]])
def test_a_pipe_as_the_config_file_is_an_error_not_a_hang(
    voicecoach_home: Path, tmp_path: Path, args: list[str]
) -> None:
    os.mkfifo(voicecoach_home / "config.yaml")
    result = _voicecoach(voicecoach_home, tmp_path, *args)
    assert "Traceback" not in result.stderr
    if args != ["config", "path"]:
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("Error: ")
        assert "config.yaml: is not a regular file" in result.stderr


def test_a_pipe_in_the_clip_cache_is_rendered_again_not_waited_on(
    voicecoach_home: Path, tmp_path: Path
) -> None:
    first = _voicecoach(voicecoach_home, tmp_path, "export", "busy-day", "-o", "a.wav",
                        script=FAKE_ENGINE)
    assert first.returncode == 0, first.stderr
    clips = sorted((voicecoach_home / "cache" / "clips").rglob("*.clip"))
    assert clips
    for clip in clips:
        clip.unlink()
        os.mkfifo(clip)
    again = _voicecoach(voicecoach_home, tmp_path, "export", "busy-day", "-o", "b.wav",
                        script=FAKE_ENGINE)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


def test_a_pipe_as_the_list_cache_is_passed_over(voicecoach_home: Path, tmp_path: Path) -> None:
    (voicecoach_home / "cache").mkdir()
    os.mkfifo(voicecoach_home / "cache" / "listing.json")
    result = _voicecoach(voicecoach_home, tmp_path, "list")
    assert result.returncode == 0, result.stderr
    assert "busy-day" in result.stdout


def test_a_pipe_among_the_users_routines_is_reported_and_the_rest_listed(
    voicecoach_home: Path, tmp_path: Path
) -> None:
    folder = voicecoach_home / "routines"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY)
    os.mkfifo(folder / "pipe.yaml")
    result = _voicecoach(voicecoach_home, tmp_path, "list")
    assert "Traceback" not in result.stderr
    assert "tiny" in result.stdout
