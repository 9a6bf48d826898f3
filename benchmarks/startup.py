"""Start-up time of `voicecoach --help` and `voicecoach list` next to `import typer`.

Run: python benchmarks/startup.py [--runs N]
Target: each command within 1.3 times the time Python takes to import Typer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.3


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (median taken)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VOICECOACH_HOME": home, "PYTHONPATH": str(ROOT)}
        # As after `pip install`, which compiles every module: bytecode is written on the first
        # start and read on the next ones, even where the environment turns writing it off.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        py = sys.executable
        # What the installed `voicecoach` script runs (no `-m`, whose module search costs more).
        command = [py, "-c", "from voicecoach.launch import main; main()"]
        # One warm-up each: compiled bytecode and caches in place, as on every later start.
        for argv in ([*command, "list"], [*command, "--help"]):
            subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        cases = {
            "python -c 'import typer' (baseline)": [py, "-c", "import typer"],
            "voicecoach --help": [*command, "--help"],
            "voicecoach list": [*command, "list"],
        }
        # Interleaved rounds: a busy moment on the machine weighs on every case alike.
        times: dict[str, list[float]] = {label: [] for label in cases}
        for _ in range(args.runs):
            for label, argv in cases.items():
                times[label].append(timed(argv, env))
        rows = [(label, statistics.median(t)) for label, t in times.items()]
        baseline = rows[0][1]
    print(f"start-up, median of {args.runs} runs ({sys.platform}, {os.cpu_count()} cores)")
    worst = 0.0
    for label, seconds in rows:
        ratio = seconds / baseline
        worst = max(worst, ratio)
        print(f"  {label:<38} {seconds * 1000:7.1f} ms  {ratio:4.2f}x")
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"target: within {TARGET}x the baseline: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
