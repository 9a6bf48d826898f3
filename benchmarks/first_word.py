"""Time from starting `voicecoach run` to its first word, in text mode and with the real engine.

Run: python benchmarks/first_word.py [--routine NAME] [--runs N]

Text mode: until the disclaimer is printed. Real engine: until the first line's audio is handed
to the audio player. This machine needs no sound card for that: a stand-in `aplay` on PATH notes
when it is started and exits, so the engine renders for real and only the playing is skipped.
Cold cache: an empty user folder, every line rendered afresh; warm: the same folder again.
Baseline in the same run: Python starting and importing Typer. Target: under 0.5 s.
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
TARGET = 0.5
PLAYER = """#!/bin/sh
echo "$(date +%s.%N)" >> "{log}"
exit 0
"""


def _spawn(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.Popen[str]]:
    start = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", *args],
        env=env,
        cwd=ROOT,
        text=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    return start, process


def text_first_word(routine: str, env: dict[str, str]) -> float:
    start, process = _spawn(["run", routine, "--text"], env)
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            if "medical advice" in line:
                return time.time() - start
        raise RuntimeError("the disclaimer was never printed")
    finally:
        process.kill()
        process.wait()


def engine_first_word(routine: str, env: dict[str, str], log: Path) -> float:
    log.write_text("")
    start, process = _spawn(["run", routine], env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            stamps = log.read_text().split()
            if len(stamps) >= 2:  # the first start is the player's probe (a short silence)
                return float(stamps[1]) - start
            if process.poll() is not None:
                raise RuntimeError("voicecoach ended before speaking")
            time.sleep(0.005)
        raise RuntimeError("no line was played within a minute")
    finally:
        process.kill()
        process.wait()


def baseline(env: dict[str, str]) -> float:
    start = time.time()
    subprocess.run([sys.executable, "-c", "import typer"], env=env, check=True)
    return time.time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", default="post-run-hips", help="a shipped routine's name")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median taken)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bin_dir, log = Path(folder, "bin"), Path(folder, "played.log")
        bin_dir.mkdir()
        player = bin_dir / "aplay"
        player.write_text(PLAYER.format(log=log))
        player.chmod(0o755)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        }
        # As after `pip install`, which compiles every module: bytecode is written on the first
        # start and read on the next ones, even where the environment turns writing it off.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        rows: dict[str, list[float]] = {k: [] for k in ("baseline", "text", "cold", "warm")}
        for n in range(args.runs):
            home = Path(folder, f"home-{n}")
            env["VOICECOACH_HOME"] = str(home)
            rows["baseline"].append(baseline(env))
            rows["text"].append(text_first_word(args.routine, env))
            rows["cold"].append(engine_first_word(args.routine, env, log))
            rows["warm"].append(engine_first_word(args.routine, env, log))
    labels = {
        "baseline": "python -c 'import typer' (baseline)",
        "text": "run --text: disclaimer printed",
        "cold": "run, engine, cold cache: first audio",
        "warm": "run, engine, warm cache: first audio",
    }
    print(
        f"first word: {args.routine}, median of {args.runs} runs "
        f"({sys.platform}, {os.cpu_count()} cores)"
    )
    worst = 0.0
    for key, label in labels.items():
        seconds = statistics.median(rows[key])
        if key != "baseline":
            worst = max(worst, seconds)
        print(f"  {label:<40} {seconds * 1000:7.0f} ms")
    print(f"target: under {TARGET * 1000:.0f} ms: {'met' if worst < TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
