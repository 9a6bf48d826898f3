"""How fast Ctrl-C, SIGTERM and SIGHUP end `export` and `run`, and that they clean up.

Run: python benchmarks/signals.py [--repeat 3]
Starts the real program (the real engine, no clip cache, no audio player so `run` prints the
cues), sends the signal one second in, and times signal to exit. The baseline is the same
program left alone for that second and then sent SIGKILL (nothing of ours runs at all).
Target: exit within 0.5 s with 130/143/129, no partial file, nothing left in the temp folder.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIGNALS = {"SIGINT": (signal.SIGINT, 130), "SIGTERM": (signal.SIGTERM, 143),
           "SIGHUP": (signal.SIGHUP, 129), "SIGKILL (baseline)": (signal.SIGKILL, -9)}


def one(command: list[str], signum: int, work: Path) -> tuple[float, int, int]:
    """Seconds from the signal to the exit, the exit code, files of ours left behind."""
    temp, home, out = work / "temp", work / "home", work / "out"
    for folder in (temp, home, out):
        folder.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), VOICECOACH_HOME=str(home), TMPDIR=str(temp),
               PATH=str(work))  # no audio player program: `run` prints the cues
    process = subprocess.Popen([sys.executable, "-m", "voicecoach", *command], cwd=out, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    sent = time.monotonic()
    process.send_signal(signum)
    code = process.wait(timeout=30)
    took = time.monotonic() - sent
    left = [p for p in [*temp.iterdir(), *out.iterdir()] if p.name.startswith((".", "voicecoach"))]
    return took, code, len(left)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    commands = {"export": ["export", "busy-day", "-o", "busy.wav", "--no-cache"],
                "run": ["run", "busy-day", "--no-cache"]}
    ok = True
    for label, command in commands.items():
        for name, (signum, expected) in SIGNALS.items():
            times, codes, left = [], set(), 0
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory() as work:
                    took, code, stray = one(command, signum, Path(work))
                times.append(took)
                codes.add(code)
                left += stray
            print(f"{label:<6} {name:<18} exit {sorted(codes)} in "
                  f"{statistics.median(times) * 1000:5.0f} ms (median of {args.repeat}, worst "
                  f"{max(times) * 1000:.0f} ms); files of ours left: {left}")
            if signum != signal.SIGKILL:
                ok &= codes == {expected} and max(times) < 0.5 and left == 0
    print("OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
