"""Signals, broken pipes and odd terminals: one clear line and the right exit code, never a
traceback, and nothing of ours left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent


def _env(home: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, VOICECOACH_HOME=str(home), PYTHONPATH=str(ROOT), **extra)


# Modules imported while the program starts, in order: a signal that arrives while one of them
# loads lands at that exact point (a timer would land anywhere on a loaded machine).
STARTUP = ["typer", "voicecoach.cli.root", "voicecoach.cli.routines", "yaml", "voicecoach.plan"]


def _signalled_at_start(home: Path, cwd: Path, signum: int, module: str) -> subprocess.Popen:
    """`voicecoach plan busy-day`, sent `signum` as `module` is first imported (the
    interpreter's own start, before any of our code runs, is out of any program's hands)."""
    script = (
        "import os, sys\n"
        "class Trip:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            sys.meta_path.remove(self)\n"
        f"            os.kill(os.getpid(), {int(signum)})\n"
        "        return None\n"
        "sys.meta_path.insert(0, Trip())\n"
        "sys.argv = ['voicecoach', 'plan', 'busy-day']\n"
        "from voicecoach.launch import main\n"
        "main()\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=cwd, env=_env(home),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("module", STARTUP)
@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_in_the_first_moments_exits_with_its_code_and_no_traceback(
    voicecoach_home: Path, tmp_path: Path, signum: int, code: int, module: str
) -> None:
    began = time.monotonic()
    process = _signalled_at_start(voicecoach_home, tmp_path, signum, module)
    out, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    assert b"Traceback" not in err
    assert out == b""
    assert time.monotonic() - began < 10


def _into_closed_pipe(home: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run voicecoach with stdout a pipe whose reader has gone (as after `| head`)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "voicecoach", *args], cwd=cwd, env=_env(home),
            stdout=write, stderr=subprocess.PIPE, timeout=60,
        )
    finally:
        os.close(write)


def test_plan_into_a_closed_pipe_exits_quietly(voicecoach_home: Path, tmp_path: Path) -> None:
    result = _into_closed_pipe(voicecoach_home, tmp_path, "plan", "yoga-for-hips")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""


def test_run_text_into_a_closed_pipe_exits_quietly_and_records_the_run(
    voicecoach_home: Path, tmp_path: Path, tiny: Path
) -> None:
    result = _into_closed_pipe(voicecoach_home, tmp_path, "run", "tiny", "--text")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    from voicecoach.history import open_history

    with open_history(voicecoach_home / "data" / "history.sqlite3") as history:
        (session,) = history.recent()
    assert session.outcome == "interrupted"


SLOW_FAKE_ENGINE = """\
import sys, time
import voicecoach.speech as speech
from tests.speech_fakes import FakeEngine
from voicecoach.speech import ClipCache
speech.open_engine = lambda name=None, **kw: FakeEngine()
real = ClipCache.clip
def slow(self, text):
    time.sleep(0.03)
    return real(self, text)
ClipCache.clip = slow
"""


def _wait_for(found, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if found():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_while_exporting_removes_the_partial_file_and_exits_with_its_code(
    voicecoach_home: Path, tmp_path: Path, signum: int, code: int
) -> None:
    out = tmp_path / "out" / "u.wav"
    out.parent.mkdir()
    script = SLOW_FAKE_ENGINE + (
        f"sys.argv = ['voicecoach', 'export', 'busy-day', '-o', {str(out)!r}]\n"
        "from voicecoach.launch import main\n"
        "main()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=_env(voicecoach_home),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert _wait_for(lambda: any(out.parent.glob("*.part")))
    began = time.monotonic()
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert time.monotonic() - began < 2.0
    assert process.returncode == code, err
    assert "Interrupted: nothing was written." in err
    assert "Traceback" not in err
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_during_a_run_stops_the_voice_records_the_run_and_exits_with_its_code(
    voicecoach_home: Path, tmp_path: Path, tiny: Path, signum: int, code: int
) -> None:
    script = (
        "import sys\n"
        "import voicecoach.speech as speech\n"
        "from tests.speech_fakes import FakeEngine\n"
        "class Output:\n"
        "    name = 'silent'\n"
        "    def play(self, clip): pass\n"
        "    def stop(self): print('voice stopped', file=sys.stderr, flush=True)\n"
        "    def close(self): self.stop()  # as the real outputs do\n"
        "speech.open_engine = lambda name=None, **kw: FakeEngine()\n"
        "speech.open_audio_output = lambda: Output()\n"
        "sys.argv = ['voicecoach', 'run', 'tiny']\n"
        "from voicecoach.launch import main\n"
        "main()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=_env(voicecoach_home),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Tiny test: 0:")
    assert process.stdout.readline().startswith("[0:00] ")
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    assert "voice stopped" in err
    assert "Traceback" not in err
    from voicecoach.history import open_history

    with open_history(voicecoach_home / "data" / "history.sqlite3") as history:
        (session,) = history.recent()
    assert session.outcome == "interrupted"


@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "latin-1"}, {"PYTHONIOENCODING": "ascii"},
            {"LC_ALL": "en_US.ISO-8859-1", "PYTHONUTF8": "0"}],
)
@pytest.mark.parametrize(
    "args",
    [["show", "busy-day"], ["validate", "busy-day"], ["run", "tiny", "--text"], ["list"],
     ["plan", "busy-day"], ["history"]],
)
def test_a_terminal_that_is_not_utf8_gets_plain_characters_not_a_crash(
    voicecoach_home: Path, tmp_path: Path, tiny: Path, env: dict[str, str], args: list[str]
) -> None:
    script = (
        "from tests.fakes import FakeClock\n"
        "import voicecoach.clock as clocks\n"
        "clocks.MonotonicClock = FakeClock\n"
        f"import sys\nsys.argv = ['voicecoach', *{args!r}]\n"
        "from voicecoach.launch import main\nmain()\n"
    )
    environment = {k: v for k, v in _env(voicecoach_home).items() if k != "PYTHONIOENCODING"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**environment, **env},
        capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("latin-1")
    assert b"Traceback" not in result.stderr
    if env.get("PYTHONIOENCODING") == "latin-1":  # (click writes UTF-8 where it sees ASCII)
        assert b"\xe2\x80" not in result.stdout  # no UTF-8 dashes or dots the terminal garbles
