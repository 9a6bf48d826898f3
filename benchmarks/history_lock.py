"""A history file held locked by another program in the middle of a run: no cue moves.

Run: python benchmarks/history_lock.py [--hold 15] [--after 5]
Plays a short routine twice on the real clock, as text: once with the history free (the
baseline) and once while another process holds the history file under an exclusive lock for
`--hold` seconds, starting `--after` seconds into the run. Target: no cue starts more than 5 ms
later than in the baseline, and the locked run is still recorded (its outcome and time).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 0.005
ROUTINE = """\
title: Lock test
style: static
transition: 2
rest: 3
stretches:
  - name: Butterfly
    targets: [adductors]
    hold: 12
    instructions: Sit with the soles of your feet together.
  - name: Figure four
    targets: [glutes]
    hold: 12
    instructions: Cross one ankle over the other knee.
"""

HOLDER = """\
import sqlite3, sys, time
time.sleep(float(sys.argv[2]))
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[3]))
conn.execute("COMMIT")
print("released", flush=True)
"""


class Silent:
    """The view: records nothing, shows nothing (the cue times are in the report)."""

    def begin(self, plan: object) -> object:
        class Mute:
            def say(self, text: str) -> None:
                pass

            def stop(self) -> None:
                pass

        return Mute()

    def update(self, progress: object) -> None:
        pass


def one_run(routine: object, history: Path, lock: tuple[float, float] | None) -> list:
    from voicecoach.clock import MonotonicClock
    from voicecoach.config import Config
    from voicecoach.session import RunSession, resolve_options

    holder = None
    if lock is not None:
        after, hold = lock
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(history), str(after), str(hold)],
            stdout=subprocess.PIPE, text=True,
        )
    session = RunSession(routine, resolve_options(Config()), clock=MonotonicClock(),
                         speech=False, warn=print)
    with session:
        report = session.play(Silent())
    if holder is not None:
        holder.wait()
    return list(report.cues)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=15.0, help="seconds the lock is held")
    parser.add_argument("--after", type=float, default=5.0, help="seconds into the run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["VOICECOACH_HOME"] = home
        from voicecoach.history import history_path, open_history
        from voicecoach.routine import parse_routine

        routine = parse_routine(ROUTINE, "lock-test.yaml", default_name="lock-test")
        path = history_path()
        with open_history(path):
            pass
        began = time.monotonic()
        baseline = one_run(routine, path, None)
        locked = one_run(routine, path, (args.after, args.hold))
        took = time.monotonic() - began
        shifts = [b.actual - a.actual for a, b in zip(baseline, locked, strict=True)]
        worst = max(shifts, key=abs)
        with open_history(path) as store:
            newest = store.recent(1)[0]
    print(f"two runs of {len(baseline)} cues each, {took:.0f} s in all")
    print(f"baseline (history free): latest cue {max(c.drift for c in baseline) * 1000:.2f} ms "
          "after its deadline")
    print(f"history locked {args.after:g}-{args.after + args.hold:g} s: latest cue "
          f"{max(c.drift for c in locked) * 1000:.2f} ms after its deadline")
    print(f"largest shift of a cue against the baseline: {worst * 1000:+.2f} ms "
          f"(target: within {TARGET_S * 1000:.0f} ms)")
    print(f"locked run recorded: outcome {newest.outcome}, {newest.seconds_done:.1f} s, "
          f"{newest.stretches_completed} of {newest.total_stretches} stretches")
    ok = abs(worst) <= TARGET_S and newest.outcome == "finished"
    print("OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
