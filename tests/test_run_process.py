"""`voicecoach run` as a real process: in text mode, without sound, and under a terminal."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_run_cli import NO_PLAYER, TINY

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny(voicecoach_home: Path) -> Path:
    """A one-stretch routine among the user's own, named `tiny`."""
    folder = voicecoach_home / "routines"
    folder.mkdir()
    path = folder / "tiny.yaml"
    path.write_text(TINY)
    return path


# --- real processes ---------------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    return dict(
        os.environ, VOICECOACH_HOME=str(home), PYTHONPATH=str(ROOT), COLUMNS="100", TERM="xterm"
    )


def test_text_mode_never_imports_the_speech_engine(voicecoach_home: Path, tiny: Path) -> None:
    script = (
        "import sys\n"
        "from tests.fakes import FakeClock\n"
        "import voicecoach.clock as clocks\n"
        "clock = FakeClock()\n"
        "clocks.MonotonicClock = lambda: clock\n"
        "from voicecoach.cli import app\n"
        "try:\n"
        "    app(['run', 'tiny', '--text'], prog_name='voicecoach')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "print('loaded:', sorted(m for m in sys.modules if m.split('.')[0] == 'pyttsx3' "
        "or m == 'voicecoach.speech'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=_env(voicecoach_home),
        capture_output=True, text=True, timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "loaded: []"
    assert "Done: Tiny test" in result.stdout


def test_a_real_run_without_sound_goes_on_as_text_and_ctrl_c_exits_130(
    voicecoach_home: Path, tmp_path: Path
) -> None:
    env = dict(_env(voicecoach_home), PATH=str(tmp_path))  # no audio player program
    process = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", "run", "busy-day"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Busy day hip reset: about")
    assert process.stdout.readline().startswith("[0:00] First, a note")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)

    assert process.returncode == 130
    assert err == NO_PLAYER + "\nStopped before the first stretch.\n"
    assert "Done" not in out


def _read_until(fd: int, pattern: bytes, seen: bytearray, timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if re.search(pattern, bytes(seen)):
            return True
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other end closed
                return bool(re.search(pattern, bytes(seen)))
            if not chunk:
                break
            seen.extend(chunk)
    return bool(re.search(pattern, bytes(seen)))


def test_menu_under_a_terminal_picks_by_number_and_starts(
    voicecoach_home: Path, tiny: Path
) -> None:
    import pty
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: voicecoach with a terminal for stdin and stdout
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "voicecoach", "run", "--text"],
                  _env(voicecoach_home))
    seen = bytearray()
    try:
        assert _read_until(fd, rb"Number \(1-9\): ", seen), bytes(seen)
        assert b"9. Tiny test" in seen
        os.write(fd, b"9\n")
        assert _read_until(fd, rb"\[0:00\] First, a note", seen), bytes(seen)
        assert _read_until(fd, rb"Next: Butterfly", seen), bytes(seen)  # the live view
        os.write(fd, b" ")  # space: pause
        assert _read_until(fd, rb"paused: press space to go on", seen), bytes(seen)
        os.write(fd, b"\x03")  # Ctrl-C, as typed
        assert _read_until(fd, rb"Stopped before the first stretch\.", seen), bytes(seen)
    finally:
        _, status = os.waitpid(pid, 0)
        mode = termios.tcgetattr(fd)[3]
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 130
    assert b"Traceback" not in seen
    assert mode & termios.ICANON and mode & termios.ECHO  # the terminal is back as it was
