"""When each line is really heard: `run` played into a sound server's null sink, recorded back.

Run (as root, with the sound servers installed; the product itself never needs them):
    apt-get install pulseaudio pulseaudio-utils pipewire pipewire-pulse pipewire-bin wireplumber
    python benchmarks/sink_timing.py [--routine busy-day] [--servers pulseaudio,pipewire]

For each server it starts a private instance with a null sink, records the sink's monitor in
this process (miniaudio capture, stamping every chunk with the monotonic clock), and plays the
routine with `voicecoach run`, once through the in-process stream and once through the player
programs (the baseline, forced with VOICECOACH_OUTPUT=players). `export --json` of the same
routine with the same (warm) clip cache gives the reference: each line's onset in the exported
audio. Each line is found in the recording by its waveform (cross-correlation with the exported
line, near where it is due), and judged on the recording's own sample positions against line 1,
so the sink's clock drift (reported separately) does not count as error. A line is cut short when
the export still sounds where the recording has gone quiet.

Figures: lines heard, onset error against line 1 (median, p95, max), lines cut short, first
sound after start (warm cache: the full run and `--starts` more starts, each stopped by SIGTERM
once heard; median and worst), and how long sound goes on after Ctrl-C, SIGTERM and the pause
key, and whether any process of ours is left. Targets: p95 <= 5 ms, max <= 10 ms, no line cut,
first sound < 0.35 s (the median and the worst are judged apart), sound gone within 50 ms,
nothing left.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import pty
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sound_server import Recorder, Server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RATE = 22_050
THRESHOLD = 180  # about -45 dBFS: speech onset in a sample, well above the null sink's zero
CUT_MS = 5.0  # a line ending this much earlier than in the export counts as cut short
PIECE = 0.5  # seconds: each line's start and end are found by this much of its waveform
MATCH = 0.8  # a line is heard where the recording matches its waveform at least this well
TARGETS = {"p95": 5.0, "max": 10.0, "first": 0.35, "stop": 0.050}


def loud(values: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.abs(values.astype(np.int32)) > THRESHOLD)


# --- the program under test ---------------------------------------------------------------------


def _environment(home: Path, mode: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PYTHONPATH": str(ROOT), "VOICECOACH_HOME": str(home)})
    if mode == "players":
        env["VOICECOACH_OUTPUT"] = "players"
    else:
        env.pop("VOICECOACH_OUTPUT", None)
        env["PATH"] = str(home / "no-players")  # the stream needs no player program
        (home / "no-players").mkdir(exist_ok=True)
    return env


def reference(routine: str, home: Path) -> tuple[list[dict[str, object]], np.ndarray]:
    """The routine exported with the cache `run` will use: its cues and its audio."""
    target = home / "reference.wav"
    done = subprocess.run(
        [sys.executable, "-m", "voicecoach", "export", routine, "-o", str(target), "--json"],
        env=_environment(home, "players"), capture_output=True, text=True, check=True, cwd=ROOT,
    )
    import wave

    global RATE
    with wave.open(str(target), "rb") as w:
        assert w.getnchannels() == 1
        RATE = w.getframerate()  # the engine's: everything below is judged at it
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return json.loads(done.stdout)["cues"], audio


def _reset_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background job inherits SIGINT ignored
    os.nice(-os.nice(0))  # the program under test runs at the usual priority, not ours


def start_run(
    routine: str, home: Path, mode: str, keys: bool = False
) -> tuple[subprocess.Popen[bytes], float, int | None]:
    """Start `voicecoach run`; with `keys`, stdin is a terminal (returns its master end)."""
    master = None
    stdin: int = subprocess.DEVNULL
    if keys:
        master, slave = pty.openpty()
        stdin = slave
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "voicecoach", "run", routine], env=_environment(home, mode),
        cwd=ROOT, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=_reset_signals,
    )
    if keys:
        os.close(slave)
    return process, started, master


def our_leftovers(exclude: set[int]) -> list[str]:
    """Processes left behind: with this benchmark as subreaper, orphans become our children."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:  # reap what has already ended
            pass
    except ChildProcessError:
        pass
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            left.append(f"{name} ({entry.name})")
    return left


# --- measurements -------------------------------------------------------------------------------


def onsets(
    audio: np.ndarray, cues: list[dict[str, object]]
) -> tuple[list[int], list[int]]:
    """Each line's first loud sample and last loud sample before the next line, in `audio`."""
    firsts, lasts = [], []
    starts = [round(float(cue["at"]) * RATE) for cue in cues]  # type: ignore[arg-type]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(audio)
        hits = loud(audio[start:end])
        firsts.append(start + int(hits[0]) if len(hits) else -1)
        lasts.append(start + int(hits[-1]) if len(hits) else -1)
    return firsts, lasts


def align(rec: np.ndarray, line: np.ndarray, around: int, reach: int) -> tuple[int, float]:
    """Where `line` (a stretch of the reference) lies in `rec`, within `reach` samples of
    `around`, and how well it matches there (correlation, 1 for the same waveform).

    The waveform as a whole places a line to the sample. A level threshold does not: the
    server resamples on the way to the sink and back, which moves a soft first or last sound
    across the threshold, so one line measured up to 29 ms late and cut short by the same amount
    while its samples were all there, on time."""
    seg = line.astype(np.float64)
    lo = max(0, around - reach)
    win = rec[lo : around + reach + len(seg)].astype(np.float64)
    if len(win) < len(seg) or not seg.any():
        return -1, 0.0
    n = 1 << (len(win) + len(seg)).bit_length()
    corr = np.fft.irfft(np.fft.rfft(win, n) * np.conj(np.fft.rfft(seg, n)), n)
    corr = corr[: len(win) - len(seg) + 1]
    energy = np.concatenate([[0.0], np.cumsum(win**2)])
    power = energy[len(seg) :] - energy[: len(win) - len(seg) + 1]
    lag = int(np.argmax(corr))
    match = corr[lag] / max(1e-9, float(np.sqrt(power[lag] * float(seg @ seg))))
    return lo + lag, float(match)


def missing_end(line: np.ndarray, heard: np.ndarray) -> float:
    """How much of the end of `line` (ms) is missing from `heard`, the recording placed on it:
    the millisecond steps at its end where the line sounds and the recording has less than half
    of it. A player that stops early leaves silence there; the round trip through the server
    changes the level by a few per cent, never by half."""
    step = RATE // 1000
    n = min(len(line), len(heard)) // step * step
    ref_peak = np.abs(line[:n].astype(np.int32)).reshape(-1, step).max(axis=1)
    rec_peak = np.abs(heard[:n].astype(np.int32)).reshape(-1, step).max(axis=1)
    sounding = np.flatnonzero(ref_peak > THRESHOLD)
    kept = sounding[rec_peak[sounding] >= ref_peak[sounding] // 2]
    if not len(sounding):
        return 0.0
    return float(sounding[-1] - (kept[-1] if len(kept) else -1)) * step * 1000 / RATE


def judge(
    rec: np.ndarray, cues: list[dict[str, object]], ref: np.ndarray
) -> tuple[int, list[float], list[float]]:
    """Every line found in the recording: where it starts against line 1 (ms, plan = 0) and how
    much of its end is missing (ms). The first and the last PIECE of each line are placed by
    their waveforms apart, near where each is due, so a player that leaves a gap inside a line
    (one clip per sentence) is judged on its start and its end as heard."""
    ref_first, ref_last = onsets(ref, cues)
    hits = loud(rec)
    piece, reach = int(PIECE * RATE), int(0.3 * RATE)
    errors: list[float] = []
    cut: list[float] = []
    heard, zero = 0, None
    for i in range(len(cues)):
        if ref_first[i] < 0:
            continue
        start, end = ref_first[i], ref_last[i] + 1
        due = int(hits[0]) if zero is None else zero + start - ref_first[0]
        at, match = align(rec, ref[start : min(end, start + piece)], due, reach)
        if match < MATCH:
            continue
        heard += 1
        zero = at - (start - ref_first[0]) if zero is None else zero
        errors.append((at - zero - (start - ref_first[0])) * 1000 / RATE)
        last = ref[max(start, end - piece) : end]
        at, _ = align(rec, last, at + max(0, end - piece - start), reach)
        cut.append(missing_end(last, rec[at : at + len(last)]))
    return heard, errors, cut


def play_through(
    server: Server, recorder: Recorder, routine: str, home: Path, mode: str,
    cues: list[dict[str, object]], ref: np.ndarray,
) -> dict[str, object]:
    """Play the whole routine; every line's onset error against line 1, cuts, first sound."""
    begin = recorder.frames()
    process, started, _ = start_run(routine, home, mode)
    _, stderr = process.communicate(timeout=float(cues[-1]["at"]) + 120)  # type: ignore[arg-type]
    time.sleep(0.5)
    rec = recorder.samples(begin)
    hits = loud(rec)
    if not len(hits):
        return {"mode": mode, "error": "nothing was heard: " + stderr.decode()[-300:]}
    heard, errors, cut = judge(rec, cues, ref)
    spread = sorted(abs(e) for e in errors)
    return {
        "mode": mode,
        "exit": process.returncode,
        "heard": f"{heard} of {len(cues)}",
        "median": statistics.median(spread),
        "p95": spread[min(len(spread) - 1, int(round(0.95 * (len(spread) - 1))))],
        "max": spread[-1],
        "cut": sum(1 for c in cut if c > CUT_MS),
        "cut_max": max(cut),
        "first": recorder.wall_at(begin + int(hits[0])) - started,
        "drift_ppm": recorder.drift_ppm(begin + int(hits[0]), begin + int(hits[-1])),
        "left": our_leftovers(server.pids()),
    }


def first_sounds(
    server: Server, recorder: Recorder, routine: str, home: Path, mode: str, runs: int
) -> dict[str, object]:
    """Start the routine `runs` times (warm cache), each stopped by SIGTERM once heard; the time
    from starting the program to its first sound, each time."""
    seconds: list[float] = []
    for _ in range(runs):
        begin = recorder.frames()
        process, started, _ = start_run(routine, home, mode)
        try:
            deadline = time.monotonic() + 20
            while not len(loud(recorder.samples(begin))):
                if time.monotonic() > deadline or process.poll() is not None:
                    return {"mode": mode, "error": "no sound"}
                time.sleep(0.01)
            time.sleep(0.3)  # every chunk around the onset has arrived (wall_at needs them)
            first = int(loud(recorder.samples(begin))[0])
            seconds.append(recorder.wall_at(begin + first) - started)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        time.sleep(0.5)
    return {"mode": mode, "seconds": seconds, "left": our_leftovers(server.pids())}


def stop_latency(
    server: Server, recorder: Recorder, routine: str, home: Path, mode: str, how: str
) -> dict[str, object]:
    """Start the routine, stop it 1.5 s into the first line (while a word is being heard);
    how long sound goes on after."""
    begin = recorder.frames()
    process, started, master = start_run(routine, home, mode, keys=how == "pause key")
    try:
        deadline = time.monotonic() + 20
        while not len(loud(recorder.samples(begin))):
            if time.monotonic() > deadline or process.poll() is not None:
                return {"how": how, "mode": mode, "error": "no sound before the stop"}
            time.sleep(0.01)
        time.sleep(1.5)
        # Stopped while speaking: 1.5 s in can fall in the pause between two sentences, and a
        # stop in silence would measure nothing.
        speaking = False
        deadline = time.monotonic() + 5
        while not speaking and time.monotonic() < deadline:
            recent = recorder.samples(max(begin, recorder.frames() - int(0.02 * RATE)))
            speaking = bool(len(loud(recent)))
            if not speaking:
                time.sleep(0.002)
        sent = time.monotonic()
        if how == "Ctrl-C":
            process.send_signal(signal.SIGINT)
        elif how == "SIGTERM":
            process.send_signal(signal.SIGTERM)
        else:
            os.write(master, b" ")  # type: ignore[arg-type]
        if how == "pause key":
            time.sleep(1.5)
            os.write(master, b"q")  # type: ignore[arg-type]
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return {"how": how, "mode": mode, "error": "it did not end"}
        left = our_leftovers(server.pids())  # as soon as it has ended
        time.sleep(max(0.0, sent + (14.0 if left else 1.5) - time.monotonic()))
        time.sleep(0.3)
        at = recorder.frame_at(sent) - begin
        rec = recorder.samples(begin)
        after = loud(rec[max(0, at - RATE) :])
        last = max(0, at - RATE) + int(after[-1]) if len(after) else at
        if not speaking:
            return {"how": how, "mode": mode, "error": "no speech to stop within 5 s"}
        return {
            "how": how,
            "mode": mode,
            "gone": max(0.0, recorder.wall_at(begin + last) - sent),
            "left": left,
        }
    finally:
        if master is not None:
            os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()


# --- report -------------------------------------------------------------------------------------


def _row(result: dict[str, object]) -> str:
    if "error" in result:
        return f"    {result['mode']:<8} ERROR: {result['error']}"
    left = ", ".join(result["left"]) or "none"  # type: ignore[arg-type]
    return (
        f"    {result['mode']:<8} heard {result['heard']}, onset error vs line 1: median "
        f"{result['median']:.1f} ms, p95 {result['p95']:.1f} ms, max {result['max']:.1f} ms; "
        f"cut {result['cut']} (worst {result['cut_max']:.1f} ms); first sound "
        f"{result['first']:.3f} s; sink drift {result['drift_ppm']:+.0f} ppm; left: {left}"
    )


def _stop_row(result: dict[str, object]) -> str:
    if "error" in result:
        return f"    {result['mode']:<8} {result['how']:<10} ERROR: {result['error']}"
    left = ", ".join(result["left"]) or "none"  # type: ignore[arg-type]
    return (f"    {result['mode']:<8} {result['how']:<10} sound gone after "
            f"{result['gone'] * 1000:6.0f} ms; left: {left}")


def _first_row(result: dict[str, object], full: dict[str, object] | None) -> str:
    if "error" in result:
        return f"    {result['mode']:<8} first sound ERROR: {result['error']}"
    seconds = _all_firsts(result, full)
    left = ", ".join(result["left"]) or "none"  # type: ignore[arg-type]
    return (f"    {result['mode']:<8} first sound over {len(seconds)} starts: median "
            f"{statistics.median(seconds):.3f} s, worst {max(seconds):.3f} s "
            f"({', '.join(f'{x:.3f}' for x in seconds)}); left: {left}")


def _all_firsts(result: dict[str, object], full: dict[str, object] | None) -> list[float]:
    """The first-sound figures of the starts, and of the full run when there was one."""
    seconds = list(result.get("seconds", []))  # type: ignore[call-overload]
    if full is not None and "first" in full:
        seconds.append(full["first"])
    return seconds


def _verdict(results: list[dict[str, object]], stops: list[dict[str, object]],
             firsts: list[dict[str, object]]) -> list[str]:
    misses = []
    for f in firsts:
        if f.get("mode") != "stream":
            continue
        full = next((r for r in results if r.get("mode") == "stream"), None)
        seconds = _all_firsts(f, full)
        if "error" in f or not seconds or f["left"]:
            misses.append("first sound starts")
            continue
        if statistics.median(seconds) >= TARGETS["first"]:
            misses.append("first sound (median)")
        if max(seconds) >= TARGETS["first"]:
            misses.append("first sound (worst)")
    for r in results:
        if r.get("mode") != "stream":
            continue
        if "error" in r:
            misses.append("stream did not play")
            continue
        if r["p95"] > TARGETS["p95"] or r["max"] > TARGETS["max"]:  # type: ignore[operator]
            misses.append("onset error")
        if r["cut"] or r["left"]:
            misses.append("cut or leftovers")
        if not firsts and r["first"] >= TARGETS["first"]:  # type: ignore[operator]
            misses.append("first sound")
    for s in stops:
        if s.get("mode") != "stream":
            continue
        if "error" in s or s["gone"] > TARGETS["stop"] or s["left"]:  # type: ignore[operator]
            misses.append(f"stop by {s['how']}")
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", default="busy-day")
    parser.add_argument("--servers", default="pulseaudio,pipewire")
    parser.add_argument("--modes", default="stream,players")
    parser.add_argument("--no-full", action="store_true", help="only the stop measurements")
    parser.add_argument("--starts", type=int, default=6,
                        help="starts, each stopped once heard, for the first-sound figures")
    args = parser.parse_args()
    libc = ctypes.CDLL(None)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans of ours are reparented here
    # The recorder before anything else on the machine: on a loaded machine, a late capture
    # callback lost audio from the PipeWire recording (the sink's clock seemed to run 60-150
    # ppm slow, and the lines after a loss seemed early or cut short).
    try:
        os.nice(-10)
    except PermissionError:
        print("(not root: the recorder runs at the usual priority)")
    missing = [p for p in ("pulseaudio", "pipewire", "pactl") if not shutil.which(p)]
    if missing:
        print(f"missing: {', '.join(missing)} (see the docstring for apt-get)")
        return 2
    modes = args.modes.split(",")
    print(f"sink timing: {args.routine}, {sys.platform}, {os.cpu_count()} cores; "
          f"baseline: the player programs in the same run")
    all_misses = []
    with tempfile.TemporaryDirectory(prefix="sink-timing-") as folder:
        home = Path(folder, "home")
        home.mkdir()
        cues, ref = reference(args.routine, home)
        print(f"  {len(cues)} lines, {len(ref) / RATE:.1f} s exported (warm cache from here on)")
        for kind in args.servers.split(","):
            with Server(kind, Path(folder, kind)) as server, Recorder(RATE) as recorder:
                print(f"  {kind} null sink:")
                results = []
                if not args.no_full:
                    for mode in modes:
                        results.append(play_through(server, recorder, args.routine, home, mode,
                                                    cues, ref))
                        print(_row(results[-1]), flush=True)
                firsts = []
                for mode in modes if args.starts > 0 else ():
                    firsts.append(first_sounds(server, recorder, args.routine, home, mode,
                                               args.starts))
                    full = next((r for r in results if r.get("mode") == mode), None)
                    print(_first_row(firsts[-1], full), flush=True)
                stops = []
                for mode in modes:
                    for how in ("Ctrl-C", "SIGTERM", "pause key"):
                        stops.append(stop_latency(server, recorder, args.routine, home, mode, how))
                        print(_stop_row(stops[-1]), flush=True)
                all_misses += [f"{kind}: {m}" for m in _verdict(results, stops, firsts)]
    targets = (f"targets (stream): p95 <= {TARGETS['p95']:g} ms, max <= {TARGETS['max']:g} ms, "
               f"no line cut, first sound < {TARGETS['first']:g} s, sound gone within "
               f"{TARGETS['stop'] * 1000:.0f} ms, nothing left")
    print(targets + (": met" if not all_misses else ": MISSED " + "; ".join(all_misses)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
