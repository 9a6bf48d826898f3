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


from tests.test_run_cli import NO_PLAYER

ROOT = Path(__file__).resolve().parent.parent


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
    assert re.fullmatch(r"Busy day hip reset: \d+:\d\d, 3 stretches\.\n", process.stdout.readline())
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


def _reap(pid: int, timeout: float = 20.0) -> int:
    """The child's exit status; a child still running after `timeout` is killed (a failed
    test must not hang the suite)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


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
        assert _read_until(fd, rb"Number or name \(1-10\): ", seen), bytes(seen)
        assert b"9. tiny                 Tiny test" in seen and b"10. Compose one for me" in seen
        os.write(fd, b"9\n")
        assert _read_until(fd, rb"\[0:00\] First, a note", seen), bytes(seen)
        assert _read_until(fd, rb"Next: Butterfly", seen), bytes(seen)  # the live view
        os.write(fd, b" ")  # space: pause
        assert _read_until(fd, rb"paused: press space to go on", seen), bytes(seen)
        os.write(fd, b"\x03")  # Ctrl-C, as typed
        assert _read_until(fd, rb"Stopped before the first stretch\.", seen), bytes(seen)
    finally:
        status = _reap(pid)
        mode = termios.tcgetattr(fd)[3]
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 130
    assert b"Traceback" not in seen
    assert mode & termios.ICANON and mode & termios.ECHO  # the terminal is back as it was


def _fork_run(home: Path, *args: str, term: str = "xterm") -> tuple[int, int]:
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: voicecoach with a terminal for stdin and stdout
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "voicecoach", "run", *args],
                  dict(_env(home), TERM=term))
    return pid, fd


def test_after_ctrl_z_and_fg_keys_work_again_and_the_view_is_redrawn(
    voicecoach_home: Path, tiny: Path
) -> None:
    import termios

    pid, fd = _fork_run(voicecoach_home, "tiny", "--text")
    seen = bytearray()
    try:
        assert _read_until(fd, rb"Next: Butterfly", seen), bytes(seen)
        assert not termios.tcgetattr(fd)[3] & termios.ICANON  # single keys
        # Ctrl-Z stops the program (SIGSTOP here: this test's child leads an orphaned group,
        # where the terminal's own stop signal is discarded).
        os.kill(pid, signal.SIGSTOP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WUNTRACED | os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        assert done and os.WIFSTOPPED(status)
        # The shell takes the terminal back in line mode while the program is stopped.
        attrs = termios.tcgetattr(fd)
        attrs[3] |= termios.ICANON | termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        # A redraw starts a fresh view on the line below the old one (a refresh moves the
        # cursor up over it instead).
        redrawn = rb"\(Ctrl-C stops\)\r?\n(\x1b\[[0-9;?]*[A-Za-z])*Tiny test"
        assert not re.search(redrawn, bytes(seen))
        os.kill(pid, signal.SIGCONT)  # fg
        assert _read_until(fd, redrawn, seen), bytes(seen)
        deadline = time.monotonic() + 10
        while termios.tcgetattr(fd)[3] & termios.ICANON and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not termios.tcgetattr(fd)[3] & termios.ICANON  # single keys again
        os.write(fd, b"q")  # one key, no Enter: only works in single-key mode
        assert _read_until(fd, rb"Stopped before the first stretch", seen), bytes(seen)
    finally:
        status = _reap(pid)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"Traceback" not in seen


def test_a_dumb_terminal_gets_printed_lines_and_the_keys_told_once(
    voicecoach_home: Path, tiny: Path
) -> None:
    pid, fd = _fork_run(voicecoach_home, "tiny", "--text", term="dumb")
    seen = bytearray()
    try:
        assert _read_until(fd, rb"\[0:00\] First, a note", seen), bytes(seen)
        os.write(fd, b"q")
        assert _read_until(fd, rb"Stopped before the first stretch", seen), bytes(seen)
    finally:
        status = _reap(pid)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    text = bytes(seen).decode()
    assert text.count("Keys: space pause · n next · b back · q quit   (Ctrl-C stops)") == 1
    assert "\x1b[" not in text  # no cursor movement: a plain line a cue
    assert re.search(r"Tiny test: \d+:\d\d, 1 stretch\.", text)
