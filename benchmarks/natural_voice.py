"""The natural voice against its targets: first sound of `run`, export speed, peak memory.

Run: python benchmarks/natural_voice.py [--runs N] [--engines natural,espeak]

First sound: time from starting `voicecoach run busy-day` to the first line's audio being handed
to the player (a stand-in `aplay` on PATH notes the moment; no sound card needed): the first
start ever (an empty user folder), with no clip cached (the clips deleted; the natural voice's
reader data, kept in the cache folder after its first start, stays) and with the clips cached.
Export: yoga-for-hips in this process, cold (engine opened and every line rendered) and warm
(every clip from the disk cache), as a multiple of the routine's length. Peak memory: the
largest resident size of `run` and `export` processes.
Baseline in the same run: `python -c "import typer"` (the least a command costs) and, for each
figure, eSpeak NG doing the same work.
Targets (natural voice): first sound under 1.0 s cold and 0.35 s cached; export at least 60x
real time cold and 3,000x warm.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COLD_FIRST, CACHED_FIRST = 1.0, 0.35  # seconds
COLD_EXPORT, WARM_EXPORT = 60.0, 3000.0  # times real time
PLAYER = """#!/bin/sh
echo "$(date +%s.%N)" >> "{log}"
exit 0
"""


def _child(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process run to its end."""
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed with {process.returncode}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def first_sound(engine: str, env: dict[str, str], log: Path) -> tuple[float, float]:
    """Seconds to the first line's audio, and the run's peak resident MiB (it runs to the end:
    the stand-in player returns at once and the clock is not faked, so it is stopped early)."""
    log.write_text("")
    start = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", "run", "busy-day", "--engine", engine],
        env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            stamps = log.read_text().split()
            if len(stamps) >= 2:  # the first start is the player's probe (a short silence)
                first = float(stamps[1]) - start
                time.sleep(1.0)  # let the rest of the routine render: the memory it takes
                break
            if process.poll() is not None:
                raise RuntimeError("voicecoach ended before speaking")
            time.sleep(0.003)
        else:
            raise RuntimeError("no line was played within a minute")
    finally:
        process.terminate()
    _, _, usage = os.wait4(process.pid, 0)
    return first, usage.ru_maxrss / 1024


def export_in_process(engine: str, folder: Path) -> tuple[float, float, float]:
    """(audio seconds, cold seconds, warm seconds) for yoga-for-hips in this process."""
    from voicecoach import catalog
    from voicecoach.export import export_wav
    from voicecoach.plan import PlanOptions, build_plan
    from voicecoach.speech import ClipCache, open_engine

    routine = catalog.load("yoga-for-hips")
    options = PlanOptions(engine=engine)
    clips_folder = folder / f"clips-{engine}"

    def once() -> tuple[float, float]:
        start = time.perf_counter()
        clips = ClipCache(open_engine(engine), folder=clips_folder)
        draft = build_plan(routine, options)
        clips.prepare(e.text for e in draft.says)
        plan = build_plan(routine, options, speech_seconds=clips.seconds)
        export_wav(plan, clips, folder / f"{engine}.wav")
        return time.perf_counter() - start, plan.total_ms / 1000

    cold, audio = once()
    warm = min(once()[0] for _ in range(3))
    return audio, cold, warm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median taken)")
    parser.add_argument("--engines", default="natural,espeak")
    args = parser.parse_args()
    engines = args.engines.split(",")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        bin_dir, log = folder / "bin", folder / "played.log"
        bin_dir.mkdir()
        (bin_dir / "aplay").write_text(PLAYER.format(log=log))
        (bin_dir / "aplay").chmod(0o755)
        env = {**os.environ, "PYTHONPATH": str(ROOT),
               "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as an installed package has
        baseline = statistics.median(
            _child([sys.executable, "-c", "import typer"], env)[0] for _ in range(args.runs)
        )
        first: dict[str, dict[str, list[float]]] = {}
        memory: dict[str, dict[str, float]] = {}
        for engine in engines:
            rows: dict[str, list[float]] = {"first": [], "cold": [], "cached": []}
            peaks: list[float] = []
            for n in range(args.runs):
                home = folder / f"home-{engine}-{n}"
                env["VOICECOACH_HOME"] = str(home)
                for key in ("first", "cold", "cached"):
                    if key == "cold":  # the clips go; what else the engine keeps stays
                        shutil.rmtree(home / "cache" / "clips", ignore_errors=True)
                    seconds, peak = first_sound(engine, env, log)
                    rows[key].append(seconds)
                    peaks.append(peak)
            first[engine] = rows
            env["VOICECOACH_HOME"] = str(folder / f"export-{engine}")
            wall, export_peak = _child([sys.executable, "-m", "voicecoach", "export",
                                        "yoga-for-hips", "-o", str(folder / "cli.wav"),
                                        "--engine", engine], env)
            memory[engine] = {"run": max(peaks), "export": export_peak, "export_wall": wall}
        speeds = {engine: export_in_process(engine, folder) for engine in engines}

    print(f"natural voice benchmark ({sys.platform}, {os.cpu_count()} cores, "
          f"median of {args.runs})")
    print(f"baseline: python -c 'import typer'  {baseline * 1000:6.0f} ms")
    print("first sound of `run busy-day`:")
    for engine, rows in first.items():
        very, cold, cached = (statistics.median(rows[k]) for k in ("first", "cold", "cached"))
        print(f"  {engine:<8} first start ever {very * 1000:6.0f} ms   clips not cached "
              f"{cold * 1000:6.0f} ms   cached {cached * 1000:6.0f} ms")
    print("export of yoga-for-hips (in process; cold: engine opened, every line rendered):")
    for engine, (audio, cold, warm) in speeds.items():
        print(f"  {engine:<8} {audio:6.1f} s of audio   cold {cold:6.2f} s = {audio / cold:5.0f}x"
              f"   warm {warm:6.3f} s = {audio / warm:6.0f}x")
    print("peak resident memory (MiB) and the whole `voicecoach export` command, cold:")
    for engine, row in memory.items():
        print(f"  {engine:<8} run {row['run']:6.0f}   export {row['export']:6.0f}"
              f"   export command {row['export_wall']:5.2f} s")
    if "natural" in engines:
        cold, cached = (statistics.median(first["natural"][k]) for k in ("cold", "cached"))
        audio, cold_export, warm_export = speeds["natural"]
        for label, ok, value in (
            (f"first sound cold < {COLD_FIRST} s", cold < COLD_FIRST, f"{cold:.2f} s"),
            (f"first sound cached < {CACHED_FIRST} s", cached < CACHED_FIRST, f"{cached:.2f} s"),
            (f"export cold >= {COLD_EXPORT:g}x", audio / cold_export >= COLD_EXPORT,
             f"{audio / cold_export:.0f}x"),
            (f"export warm >= {WARM_EXPORT:g}x", audio / warm_export >= WARM_EXPORT,
             f"{audio / warm_export:.0f}x"),
        ):
            print(f"target: {label}: {'met' if ok else 'MISSED'} ({value})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
