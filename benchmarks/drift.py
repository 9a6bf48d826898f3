"""Timing drift of the player on the real monotonic clock, next to a naive say-then-sleep loop.

Run: python benchmarks/drift.py [--seconds N] [--routine NAME]
Plays a shipped routine's timeline squeezed into N seconds (every event kept, in order, speech
and pauses alike) five ways: a speaker that makes no sound; with the polling of a terminal run;
with the live view drawn on a pseudo-terminal; with a speaker that blocks for each line's
realistic length (its planned length, which comes from its word count at the rate, plus 10 %
and 20 ms of engine latency, scaled); and with one that blocks for 3x each line's length.
Then the baseline: a naive loop that says each line (blocking, the realistic speaker) and then
sleeps each pause, as simple timers do.
Prints how late cues start. With blocking speech a cue may have to wait for the line before it;
the figure there is the lateness beyond that wait, i.e. what the player itself adds.
Targets: under 10 ms at the 99th percentile; final drift under 20 ms and at least 100 times
smaller than the naive loop's.
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
FINAL_TARGET_MS, RATIO_TARGET = 20.0, 100.0


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
    """Blocks for each line's planned length times `stretch`, plus `latency` seconds."""

    def __init__(self, plan: Plan, stretch: float = 3.0, latency: float = 0.0) -> None:
        self.lengths = {e.text: e.seconds * stretch + latency for e in plan.says}
        self.blocked: list[float] = []

    def say(self, text: str) -> None:
        self.blocked.append(self.lengths[text])
        time.sleep(self.blocked[-1])

    def stop(self) -> None:
        pass


def summary(name: str, report: PlayReport, blocked: list[float] | None = None) -> float:
    """Print drift figures (ms); with `blocked`, lateness beyond waiting for the line before.
    Returns the final drift in ms, or infinity when the 99th percentile misses its target."""
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
    return final if p99 < TARGET_MS else float("inf")


def naive(plan: Plan, speaker: Slow) -> float:
    """Say each line (blocking), then sleep each pause; how late the end comes, in ms."""
    start = time.monotonic()
    for event in plan.events:
        if event.kind == "say":
            speaker.say(event.text)
        else:
            time.sleep(event.seconds)
    return (time.monotonic() - start - plan.total_ms / 1000) * 1000


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
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each run")
    parser.add_argument("--routine", default="post-run-hips")
    args = parser.parse_args()
    full = build_plan(catalog.load(args.routine))
    plan = squeezed(full, args.seconds)
    factor = plan.total_ms / full.total_ms
    print(
        f"{args.routine}: {full.estimated_seconds:.0f} s, {len(plan.says)} cues, squeezed to "
        f"{args.seconds:g} s ({sys.platform}, {os.cpu_count()} cores); six runs"
    )
    finals = [summary("plain", play(plan, Silent(), MonotonicClock()))]
    finals.append(
        summary("polling", play(plan, Silent(), MonotonicClock(), on_progress=lambda p: None))
    )
    finals.append(summary("live view", with_live_view(plan)))
    realistic = Slow(plan, stretch=1.1, latency=0.020 * factor)
    finals.append(summary("realistic", play(plan, realistic, MonotonicClock()), realistic.blocked))
    slow = Slow(plan)
    finals.append(summary("slow speech", play(plan, slow, MonotonicClock()), slow.blocked))
    theirs = naive(plan, Slow(plan, stretch=1.1, latency=0.020 * factor))
    print(
        f"{'naive loop':<12} say (realistic speaker), then sleep each pause: "
        f"end {theirs:.1f} ms late "
        f"(as much as {theirs / factor / 1000:.0f} s over the full-length routine)"
    )
    ours = max(abs(f) for f in finals)
    ratio = theirs / max(ours, 0.01)
    met = ours < FINAL_TARGET_MS and ratio >= RATIO_TARGET
    print(
        f"target: p99 under {TARGET_MS:g} ms, final drift under {FINAL_TARGET_MS:g} ms and "
        f"{RATIO_TARGET:g}x smaller than the naive loop's: worst final {ours:.2f} ms, "
        f"{ratio:.0f}x: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
