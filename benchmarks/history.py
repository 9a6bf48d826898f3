"""The session history's cost: one recorded write, and `voicecoach history` on years of use.

Run: python benchmarks/history.py [--years N] [--runs N]
Targets: a progress write under 50 ms (it happens between stretches, never during a cue);
`voicecoach history` under 0.5 s with three years of two sessions a day.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicecoach.history import open_history  # noqa: E402

WRITE_TARGET_S = 0.050
COMMAND_TARGET_S = 0.5


def fill(path: Path, years: int) -> int:
    """Two sessions a day for `years` years, written the way a run writes them."""
    start = datetime.now(timezone.utc) - timedelta(days=365 * years)
    with open_history(path) as store, store._transaction("fill") as conn:
        for day in range(365 * years):
            for hour in (7, 18):
                at = start + timedelta(days=day, hours=hour)
                conn.execute(
                    "INSERT INTO sessions (routine, title, started_at, utc_offset, "
                    "total_stretches, stretches_completed, seconds_done, outcome, updated_at, "
                    "ended_at) VALUES (?, ?, ?, 60, 6, 6, 600, 'finished', ?, ?)",
                    (
                        "busy-day" if hour == 7 else "post-run-hips",
                        "A routine",
                        at.isoformat(timespec="seconds"),
                        at.isoformat(timespec="seconds"),
                        at.isoformat(timespec="seconds"),
                    ),
                )
        return 2 * 365 * years


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=3, help="years of sessions to fill in")
    parser.add_argument("--runs", type=int, default=11, help="runs of the command (median taken)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VOICECOACH_HOME": home, "PYTHONPATH": str(ROOT)}
        path = Path(home) / "data" / "history.sqlite3"
        with open_history(path) as store:
            session_id = store.start("busy-day", "Busy Day", 6)
            writes = []
            for i in range(200):
                began = time.perf_counter()
                store.progress(session_id, float(i), i % 6)
                writes.append(time.perf_counter() - began)
        sessions = fill(path, args.years) + 1
        argv = [sys.executable, "-m", "voicecoach", "history"]
        subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        runs = []
        for _ in range(args.runs):
            began = time.perf_counter()
            subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
            runs.append(time.perf_counter() - began)
        size = path.stat().st_size
    write = statistics.median(writes)
    worst = max(writes)
    command = statistics.median(runs)
    print(f"history cost ({sys.platform}, {os.cpu_count()} cores)")
    print(f"  progress write: median {write * 1000:.1f} ms, worst {worst * 1000:.1f} ms of 200")
    print(
        f"  voicecoach history, {sessions} sessions ({size // 1024} KiB): "
        f"median {command * 1000:.0f} ms of {args.runs}"
    )
    met = worst <= WRITE_TARGET_S and command <= COMMAND_TARGET_S
    print(
        f"targets: write < {WRITE_TARGET_S * 1000:.0f} ms, command < {COMMAND_TARGET_S} s: "
        f"{'met' if met else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
