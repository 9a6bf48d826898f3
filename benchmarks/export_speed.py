"""Export speed (a multiple of real time, cold and warm clip cache) and peak memory.

Run: python benchmarks/export_speed.py
Measures the longest shipped routine and the same routine ten times over (each round with its own
stretch names, so new lines to render), next to a baseline in the same run: exporting the same
length of plain silence, which is the cost of writing the file alone. Peak memory is Python's
(tracemalloc) during the export; it should not grow with the routine's length.
Target: warm exports at least 100x real time; the 10x routine's peak memory within 1.5x the
1x routine's (memory flat with length).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicecoach import catalog  # noqa: E402
from voicecoach.export import export_wav  # noqa: E402
from voicecoach.plan import Event, Plan, PlanOptions, build_plan  # noqa: E402
from voicecoach.routine import Routine  # noqa: E402
from voicecoach.speech import ClipCache, open_engine  # noqa: E402

COLD_TARGET, WARM_TARGET = 100.0, 1000.0  # times real time
MEMORY_TARGET = 1.5
ROUNDS = 10


def longest_routine() -> Routine:
    routines = [catalog.load(e.name) for e in catalog.entries() if e.builtin]
    return max(routines, key=lambda r: build_plan(r).total_ms)


def ten_times(routine: Routine) -> Routine:
    """The routine's stretches ROUNDS times over, each round's names its own."""
    stretches = [
        s.model_copy(update={"name": f"{s.name}, round {k + 1}"})
        for k in range(ROUNDS)
        for s in routine.stretches
    ]
    return routine.model_copy(update={"name": f"{routine.name}-x{ROUNDS}", "stretches": stretches})


def silence_like(plan: Plan) -> Plan:
    return Plan(plan.routine, plan.title, (Event("pause", 0, plan.total_ms, "gap"),), ())


def timed_export(routine: Routine, cache: ClipCache, target: Path) -> tuple[float, Plan]:
    """Seconds to render what is missing, plan with measured lengths, and write the file."""
    start = time.perf_counter()
    draft = build_plan(routine, PlanOptions())
    cache.prepare(e.text for e in draft.says)
    plan = build_plan(routine, PlanOptions(), speech_seconds=cache.seconds)
    export_wav(plan, cache, target)
    return time.perf_counter() - start, plan


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def clock(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        start = time.perf_counter()
        synth = open_engine()
        engine_start = time.perf_counter() - start
        one = longest_routine()
        rows, peaks = [], {}
        for routine in (one, ten_times(one)):
            clips = folder / f"clips-{routine.name}"
            target = folder / f"{routine.name}.wav"
            cold, plan = timed_export(routine, ClipCache(synth, folder=clips), target)
            warm, _ = timed_export(routine, ClipCache(synth, folder=clips), target)
            size = target.stat().st_size
            target.unlink()
            quiet = silence_like(plan)
            t = time.perf_counter()
            export_wav(quiet, ClipCache(synth, folder=clips), target)
            baseline = time.perf_counter() - t
            target.unlink()
            audio = plan.total_ms / 1000
            rows.append((routine.name, audio, cold, warm, baseline, size))
            cache = ClipCache(synth, folder=clips)
            peaks[routine.name] = (
                peak_mib(lambda p=plan, c=cache, t=target: export_wav(p, c, t)),
                peak_mib(lambda p=quiet, c=cache, t=target: export_wav(p, c, t)),
            )
            target.unlink()

    print(f"export speed ({sys.platform}, {os.cpu_count()} cores, {synth.identity})")
    print(f"engine start: {engine_start:.2f} s (once per process)")
    print(
        f"{'routine':<24} {'audio':>8}  {'cold cache':>17}  {'warm cache':>17}  "
        f"{'baseline: silence':>18}"
    )
    for name, audio, cold, warm, baseline, _ in rows:
        print(
            f"{name:<24} {clock(audio):>8}  {cold:6.2f} s {audio / cold:6.0f}x  "
            f"{warm:6.2f} s {audio / warm:6.0f}x  {baseline:6.2f} s {audio / baseline:6.0f}x"
        )
    print("peak Python memory during the export (tracemalloc):")
    for name, *_, size in rows:
        export_peak, silence_peak = peaks[name]
        print(
            f"  {name:<24} export {export_peak:5.2f} MiB   "
            f"baseline silence {silence_peak:5.2f} MiB   file {size / 2**20:7.1f} MiB"
        )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    cold_speed = min(audio / cold for _, audio, cold, _, _, _ in rows)
    warm_speed = min(audio / warm for _, audio, _, warm, _, _ in rows)
    growth = peaks[rows[1][0]][0] / peaks[rows[0][0]][0]
    for label, speed, goal in (
        ("cold", cold_speed, COLD_TARGET),
        ("warm", warm_speed, WARM_TARGET),
    ):
        print(
            f"target: {label} >= {goal:g}x real time: "
            f"{'met' if speed >= goal else 'MISSED'} ({speed:.0f}x)"
        )
    print(
        f"target: peak memory of the {ROUNDS}x routine within {MEMORY_TARGET}x the 1x one: "
        f"{'met' if growth <= MEMORY_TARGET else 'MISSED'} ({growth:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
