"""When each line is really heard: `run` played into a sound server's null sink, recorded back.

Run (as root, with the sound servers installed; the product itself never needs them):
    apt-get install pulseaudio pulseaudio-utils pipewire pipewire-pulse pipewire-bin wireplumber
    python benchmarks/sink_timing.py [--routine busy-day] [--servers pulseaudio,pipewire]

For each server it starts a private instance with a null sink, records the sink's monitor in
this process (miniaudio capture, stamping every chunk with the monotonic clock), and plays the
routine with `voicecoach run`, once through the in-process stream and once through the player
programs (the baseline, forced with VOICECOACH_OUTPUT=players). `export --json` of the same
routine with the same (warm) clip cache gives the reference: each line's onset in the exported
audio. Onsets are judged on the recording's own sample positions against line 1, so the sink's
clock drift (reported separately) does not count as error.

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
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RATE = 22_050
THRESHOLD = 180  # about -45 dBFS: speech onset in a sample, well above the null sink's zero
CUT_MS = 5.0  # a line ending this much earlier than in the export counts as cut short
TARGETS = {"p95": 5.0, "max": 10.0, "first": 0.35, "stop": 0.050}
SINK = "bench"


# --- sound servers ------------------------------------------------------------------------------


class Server:
    """A private PulseAudio or PipeWire (with pipewire-pulse) with a null sink `bench`."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self.folder = folder
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env = dict(os.environ)

    def __enter__(self) -> Server:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.folder / "home").mkdir(exist_ok=True)
        self.env["HOME"] = str(self.folder / "home")
        if self.kind == "pulseaudio":
            self._pulseaudio()
        else:
            self._pipewire()
        os.environ["PULSE_SERVER"] = self.env["PULSE_SERVER"]
        return self

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{Path(args[0]).name}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(args, env=self.env, stdout=log, stderr=log,
                                   stdin=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def _wait_for(self, socket: Path) -> None:
        deadline = time.monotonic() + 10
        while not socket.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.kind} did not start (no {socket})")
            time.sleep(0.05)
        self.env["PULSE_SERVER"] = f"unix:{socket}"

    def _pulseaudio(self) -> None:
        socket = self.folder / "native"
        conf = self.folder / "default.pa"
        conf.write_text(
            f"load-module module-null-sink sink_name={SINK}\n"
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
            f"set-default-sink {SINK}\nset-default-source {SINK}.monitor\n"
        )
        self._spawn("pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "-F",
                    str(conf), "--disallow-exit", "--log-target=stderr")
        self._wait_for(socket)

    def _pipewire(self) -> None:
        runtime = self.folder / "runtime"
        runtime.mkdir(mode=0o700, exist_ok=True)
        self.env["XDG_RUNTIME_DIR"] = str(runtime)
        bus = self._spawn_bus()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus
        self._spawn("pipewire")
        time.sleep(0.5)
        self._spawn("wireplumber")
        self._spawn("pipewire-pulse")
        self._wait_for(runtime / "pulse" / "native")
        self._pactl("load-module", "module-null-sink", f"sink_name={SINK}")
        deadline = time.monotonic() + 10
        while f"Default Sink: {SINK}" not in self._pactl("info"):
            if time.monotonic() > deadline:
                raise RuntimeError("the PipeWire session manager did not take the null sink")
            self._pactl("set-default-sink", SINK, check=False)
            self._pactl("set-default-source", f"{SINK}.monitor", check=False)
            time.sleep(0.2)

    def _spawn_bus(self) -> str:
        process = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"], env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        )
        self.processes.append(process)  # type: ignore[arg-type]
        return process.stdout.readline().decode().strip()  # type: ignore[union-attr]

    def _pactl(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True,
                              check=check)
        return done.stdout

    def pids(self) -> set[int]:
        return {p.pid for p in self.processes}

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        os.environ.pop("PULSE_SERVER", None)


# --- recording the monitor ----------------------------------------------------------------------


class Recorder:
    """Records the null sink's monitor, noting the monotonic time each chunk arrived."""

    def __init__(self) -> None:
        import miniaudio

        self._device = miniaudio.CaptureDevice(
            # 10 ms fragments keep the null sink rendering in small blocks; room for 2 s more
            # in the server means a late callback here never loses a sample of the recording.
            input_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=RATE,
            buffersize_msec=10, callback_periods=200, backends=[miniaudio.Backend.PULSEAUDIO],
            app_name="sink-timing",
        )
        self._chunks: list[bytes] = []
        self._ends: list[tuple[float, int]] = []  # (arrival time, frames recorded so far)
        self._frames = 0
        self._lock = threading.Lock()

    def __enter__(self) -> Recorder:
        def take():  # type: ignore[no-untyped-def]
            while True:
                data = yield
                now = time.monotonic()
                with self._lock:
                    self._chunks.append(bytes(data))
                    self._frames += len(data) // 2
                    self._ends.append((now, self._frames))

        source = take()
        next(source)
        self._device.start(source)
        # An idle null sink renders 2 s ahead; once a low-latency client runs it keeps pace.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.frames() < RATE * 0.5:
            time.sleep(0.05)
        time.sleep(2.2)
        return self

    def __exit__(self, *exc: object) -> None:
        self._device.close()

    def frames(self) -> int:
        with self._lock:
            return self._frames

    def samples(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        with self._lock:
            data = b"".join(self._chunks)
        return np.frombuffer(data, dtype="<i2")[start:stop]

    def frame_at(self, wall: float) -> int:
        """The recorded frame that was playing at monotonic time `wall` (nearest chunk)."""
        with self._lock:
            ends = list(self._ends)
        offset = min(t - n / RATE for t, n in ends if abs(t - wall) < 2.0)
        return round((wall - offset) * RATE)

    def wall_at(self, frame: int) -> float:
        """When frame `frame` was heard: the earliest arrival of nearby chunks, less its age.

        Chunks arrive late by the capture's latency, never early, so the lower envelope of
        (arrival - frames/rate) is the best estimate; it leans late (figures err on the safe
        side)."""
        with self._lock:
            ends = list(self._ends)
        offsets = [t - n / RATE for t, n in ends if abs(n - frame) < 2 * RATE]
        return min(offsets) + frame / RATE

    def drift_ppm(self, first: int, last: int) -> float:
        """How fast the sink's clock ran against the monotonic clock between two frames."""
        wall = self.wall_at(last) - self.wall_at(first)
        return ((last - first) / RATE / wall - 1) * 1e6


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


def play_through(
    server: Server, recorder: Recorder, routine: str, home: Path, mode: str,
    cues: list[dict[str, object]], ref: np.ndarray,
) -> dict[str, object]:
    """Play the whole routine; every line's onset error against line 1, cuts, first sound."""
    ref_first, ref_last = onsets(ref, cues)
    begin = recorder.frames()
    process, started, _ = start_run(routine, home, mode)
    _, stderr = process.communicate(timeout=float(cues[-1]["at"]) + 120)  # type: ignore[arg-type]
    time.sleep(0.5)
    rec = recorder.samples(begin)
    hits = loud(rec)
    if not len(hits):
        return {"mode": mode, "error": "nothing was heard: " + stderr.decode()[-300:]}
    first = int(hits[0])
    errors, cut, heard = [], [], 0
    for i in range(len(cues)):
        expected = first + ref_first[i] - ref_first[0]
        lo, hi = expected - int(0.08 * RATE), expected + int(0.30 * RATE)
        found = loud(rec[max(0, lo) : hi])
        if not len(found) or ref_first[i] < 0:
            continue
        heard += 1
        onset = max(0, lo) + int(found[0])
        errors.append((onset - first - (ref_first[i] - ref_first[0])) * 1000 / RATE)
        length = ref_last[i] - ref_first[i]
        tail = loud(rec[onset : onset + length + int(0.05 * RATE)])
        cut.append((length - (int(tail[-1]) if len(tail) else 0)) * 1000 / RATE)
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
        "first": recorder.wall_at(begin + first) - started,
        "drift_ppm": recorder.drift_ppm(begin + first, begin + int(hits[-1])),
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
            with Server(kind, Path(folder, kind)) as server, Recorder() as recorder:
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
