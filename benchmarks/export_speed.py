"""Export speed (a multiple of real time, cold and warm clip cache) and peak memory.

Run: python benchmarks/export_speed.py
Measures the longest shipped routine and the same routine ten times over (each round with its own
stretch names, so new lines to render), next to a baseline in the same run: exporting the same
length of plain silence, which is the cost of writing the file alone. Peak memory is Python's
(tracemalloc) during the export; it should not grow with the routine's length.
Target: warm exports at least 100x real time; the 10x routine's peak memory within 1.5x the
1x routine's (memory flat with length).

Compressed formats (warm cache): each routine is exported as WAV, MP3, M4A and Ogg Opus. The
baseline is producing the same PCM without encoding it (reading the cached clips and laying
them out), so the encoding's own speed is the audio's length over (export time - baseline).
Memory: a fresh process loads and plans the routine, then its peak resident size is reset
(Linux /proc) and the export runs; the table shows the size before and the peak during it (the
encoders allocate outside Python, where tracemalloc cannot see). File size per minute of audio.
Target: MP3 and M4A encoding at least 200x real time (CPU time: the machine is shared, so the
wall clock is shown too); the 10x routine's peak resident size within 1.2x the 1x one's.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicecoach import catalog  # noqa: E402
from voicecoach.export import export_audio, export_wav, render_pcm  # noqa: E402
from voicecoach.plan import Event, Plan, PlanOptions, build_plan  # noqa: E402
from voicecoach.playback.timeline import Timeline  # noqa: E402
from voicecoach.routine import Routine  # noqa: E402
from voicecoach.session import timed_plan  # noqa: E402
from voicecoach.speech import ClipCache, Engine, open_engine  # noqa: E402

COLD_TARGET, WARM_TARGET = 100.0, 1000.0  # times real time
MEMORY_TARGET = 1.5
ENCODE_TARGET, RSS_TARGET = 200.0, 1.2  # times real time; peak RSS, 10x against 1x
ROUNDS = 10
FORMATS = ("wav", "mp3", "m4a", "opus")


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


def routine_for(rounds: int) -> Routine:
    one = longest_routine()
    return one if rounds == 1 else ten_times(one)


def _status_kib(field: str) -> int:
    """A size from /proc/self/status (Linux), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def child(fmt: str, rounds: int, clips: str, target: str) -> int:
    """One export in this process (warm cache). Prints the resident size before it and the
    peak during it (KiB): the peak is reset just before, so loading and planning do not count."""
    routine = routine_for(rounds)
    cache = ClipCache(open_engine(), folder=Path(clips))
    plan = build_plan(routine, PlanOptions(), speech_seconds=cache.seconds)
    if fmt != "wav":
        import av  # noqa: F401 (loaded before the measurement, as the library is not the export)
    before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current size
    export_audio(plan, cache, target, fmt=fmt)
    print(before, _status_kib("VmHWM"))
    return 0


def export_rss_mib(fmt: str, rounds: int, clips: Path, target: Path) -> tuple[float, float]:
    """(resident MiB before the export, peak MiB during it) in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", fmt, str(rounds), str(clips), str(target)],
        capture_output=True, text=True, check=True,
    )
    target.unlink()
    before, peak = done.stdout.split()[-2:]
    return int(before) / 1024, int(peak) / 1024


@dataclass
class Row:
    wall: float
    cpu: float
    size: int = 0
    rss: tuple[float, float] = (0.0, 0.0)


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def formats_table(synth: Engine, folder: Path) -> dict[str, tuple[float, dict[str, Row]]]:
    """For each routine: its audio seconds, and per format (and the bare render) a Row."""
    table: dict[str, tuple[float, dict[str, Row]]] = {}
    for rounds in (1, ROUNDS):
        routine = routine_for(rounds)
        clips = folder / f"clips-{routine.name}"
        cache = ClipCache(synth, folder=clips)
        plan = timed_plan(routine, PlanOptions(), cache)  # renders what is missing
        rows: dict[str, Row] = {}
        rows["none"] = Row(*timed(lambda: sum(1 for _ in render_pcm(Timeline(plan, cache)))))
        for fmt in FORMATS:
            target = folder / f"{routine.name}.{fmt}"
            rows[fmt] = Row(*timed(lambda t=target, f=fmt: export_audio(plan, cache, t, fmt=f)))
            rows[fmt].size = target.stat().st_size
            target.unlink()
            rows[fmt].rss = export_rss_mib(fmt, rounds, clips, target)
        table[routine.name] = (plan.total_ms / 1000, rows)
    return table


def print_formats(table: dict[str, tuple[float, dict[str, Row]]]) -> None:
    print(
        "formats, warm cache; baseline: the same PCM laid out and not encoded ('none').\n"
        "  encoding = audio / (export - baseline), by the wall clock and by CPU time (this\n"
        f"  process's own, unaffected by other load; load average now {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  {'routine':<18} {'format':<6} {'wall':>7} {'x real':>7} {'encoding':>9} "
        f"{'cpu':>7} {'encoding':>9} {'file':>9} {'per min':>8} {'RSS before':>11} {'peak':>7}"
    )
    speeds: dict[str, list[float]] = {}
    for name, (audio, rows) in table.items():
        base = rows["none"]
        print(f"  {name:<18} {'none':<6} {base.wall:6.2f}s {audio / base.wall:6.0f}x "
              f"{'':>9} {base.cpu:6.2f}s")
        for fmt in FORMATS:
            row = rows[fmt]
            wall_speed = audio / max(row.wall - base.wall, 1e-9)
            cpu_speed = audio / max(row.cpu - base.cpu, 1e-9)
            speeds.setdefault(fmt, []).append(cpu_speed)
            print(
                f"  {'':<18} {fmt:<6} {row.wall:6.2f}s {audio / row.wall:6.0f}x "
                f"{wall_speed:8.0f}x {row.cpu:6.2f}s {cpu_speed:8.0f}x "
                f"{row.size / 2**20:7.1f}MiB {row.size / 1024 / (audio / 60):5.0f}KiB "
                f"{row.rss[0]:9.0f}MiB {row.rss[1]:5.0f}MiB"
            )
    (_, short), (_, long) = table.values()
    for fmt in ("mp3", "m4a"):
        added = [rows[fmt].rss[1] - rows[fmt].rss[0] for rows in (short, long)]
        ratio = long[fmt].rss[1] / short[fmt].rss[1]
        speed = min(speeds[fmt])
        print(
            f"target: {fmt} encoding >= {ENCODE_TARGET:g}x real time (CPU): "
            f"{'met' if speed >= ENCODE_TARGET else 'MISSED'} ({speed:.0f}x); peak RSS, "
            f"{ROUNDS}x routine within {RSS_TARGET}x the 1x one: "
            f"{'met' if ratio <= RSS_TARGET else 'MISSED'} ({ratio:.2f}x; the export itself adds "
            f"{added[0]:.1f} -> {added[1]:.1f} MiB)"
        )


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        fmt, rounds, clips, target = sys.argv[2:6]
        return child(fmt, int(rounds), clips, target)
    if sys.argv[1:2] == ["--formats"]:  # only the formats table
        with tempfile.TemporaryDirectory() as work:
            print_formats(formats_table(open_engine(), Path(work)))
        return 0
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
        formats = formats_table(synth, folder)

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
    print_formats(formats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
