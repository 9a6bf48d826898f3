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


def median_seconds(argv: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (median taken)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VOICECOACH_HOME": home, "PYTHONPATH": str(ROOT)}
        py = sys.executable
        # One warm-up each: compiled bytecode and caches in place, as on every later start.
        for argv in ([py, "-m", "voicecoach", "list"], [py, "-m", "voicecoach", "--help"]):
            subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        baseline = median_seconds([py, "-c", "import typer"], args.runs, env)
        rows = [("python -c 'import typer' (baseline)", baseline)]
        for label, argv in (
            ("voicecoach --help", [py, "-m", "voicecoach", "--help"]),
            ("voicecoach list", [py, "-m", "voicecoach", "list"]),
        ):
            rows.append((label, median_seconds(argv, args.runs, env)))
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
