"""How close to their deadlines real cues start, on the real monotonic clock.

Run: python benchmarks/timing.py [--seconds N]
Plays a shipped routine's timeline squeezed into N seconds (every event kept, in order) with a
speaker that makes no sound, four ways: plain; with the polling of a terminal run; with the live
view drawn on a pseudo-terminal; and with a speaker that blocks for 3x each line's length
(speech far longer than planned).
Prints how late cues start. With slow speech a cue may have to wait for the line before it;
the figure there is the lateness beyond that wait, i.e. what the player itself adds.
Target: under 10 ms at the 99th percentile and at the end, in every case.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach import catalog  # noqa: E402
from voicecoach.clock import MonotonicClock  # noqa: E402
from voicecoach.plan import Plan, build_plan  # noqa: E402
from voicecoach.player import PlayReport, play  # noqa: E402

TARGET_MS = 10.0


def squeezed(plan: Plan, seconds: float) -> Plan:
    """The same events, every time scaled so the whole lasts `seconds`."""
    factor = seconds * 1000 / plan.total_ms
    events = []
    for e in plan.events:
        start = round(e.start_ms * factor)
        end = round(e.end_ms * factor)
        events.append(replace(e, start_ms=start, duration_ms=max(0, end - start)))
    return replace(plan, events=tuple(events))


class Silent:
    def say(self, text: str) -> None:
        pass

    def stop(self) -> None:
        pass


class Slow:
    """Blocks for three times the line's planned length, like a voice far slower than planned."""

    def __init__(self, plan: Plan) -> None:
        self.lengths = {e.text: e.seconds for e in plan.says}
        self.blocked: list[float] = []

    def say(self, text: str) -> None:
        self.blocked.append(3 * self.lengths[text])
        time.sleep(self.blocked[-1])

    def stop(self) -> None:
        pass


def summary(name: str, report: PlayReport, blocked: list[float] | None = None) -> bool:
    """Print drift figures (ms); with `blocked`, lateness beyond waiting for the line before."""
    drifts, previous_end = [], 0.0
    for k, cue in enumerate(report.cues):
        due = max(cue.planned, previous_end) if blocked else cue.planned
        drifts.append((cue.actual - due) * 1000)
        previous_end = cue.actual + (blocked[k] if blocked else 0.0)
    drifts.sort()
    p99 = drifts[min(len(drifts) - 1, int(len(drifts) * 0.99))]
    end_due = max(report.planned_end, previous_end)
    final = (report.elapsed - end_due) * 1000
    print(
        f"{name:<12} cues {len(drifts):>4}  late ms: median {statistics.median(drifts):5.2f}  "
        f"p99 {p99:5.2f}  max {drifts[-1]:5.2f}  end {final:5.2f}"
    )
    return final < TARGET_MS and p99 < TARGET_MS


def with_live_view(plan: Plan) -> PlayReport:
    """Play with the live view and printed cues drawn on a pseudo-terminal that is read out."""
    from voicecoach.display import LiveDisplay
    from voicecoach.speakers import TextSpeaker

    reader, writer = os.openpty()

    def drain() -> None:
        try:
            while os.read(reader, 65536):
                pass
        except OSError:
            pass

    threading.Thread(target=drain, daemon=True).start()
    clock = MonotonicClock()
    with (
        open(writer, "w", closefd=False) as terminal,
        LiveDisplay(plan, keys=True, file=terminal) as view,
    ):
        report = play(plan, TextSpeaker(clock, view.write), clock, on_progress=view.update)
    os.close(writer)
    os.close(reader)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each run")
    parser.add_argument("--routine", default="post-run-hips")
    args = parser.parse_args()
    plan = squeezed(build_plan(catalog.load(args.routine)), args.seconds)
    print(f"{args.routine}: {len(plan.says)} cues in {args.seconds:g} s, four runs")
    ok = summary("plain", play(plan, Silent(), MonotonicClock()))
    ok &= summary("polling", play(plan, Silent(), MonotonicClock(), on_progress=lambda p: None))
    ok &= summary("live view", with_live_view(plan))
    slow = Slow(plan)
    ok &= summary("slow speech", play(plan, slow, MonotonicClock()), slow.blocked)
    print("target met" if ok else f"target missed ({TARGET_MS:g} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
