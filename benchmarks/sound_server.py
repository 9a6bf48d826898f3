"""A private sound server with a null sink, and a recorder of its monitor (for sink_timing.py).

Needs (as root, from apt; the product itself never does):
    apt-get install pulseaudio pulseaudio-utils pipewire pipewire-pulse pipewire-bin wireplumber
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

SINK = "bench"


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

    def __init__(self, rate: int) -> None:
        import miniaudio

        self.rate = rate
        self._device = miniaudio.CaptureDevice(
            # 10 ms fragments keep the null sink rendering in small blocks, with room for 2 s
            # more in the server. PipeWire's PulseAudio layer still dropped audio when this
            # callback ran late on a loaded machine, so sink_timing.py records at a raised
            # priority.
            input_format=miniaudio.SampleFormat.SIGNED16, nchannels=1, sample_rate=rate,
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
        while time.monotonic() < deadline and self.frames() < self.rate * 0.5:
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
        offset = min(t - n / self.rate for t, n in ends if abs(t - wall) < 2.0)
        return round((wall - offset) * self.rate)

    def wall_at(self, frame: int) -> float:
        """When frame `frame` was heard: the earliest arrival of nearby chunks, less its age.

        Chunks arrive late by the capture's latency, never early, so the lower envelope of
        (arrival - frames/rate) is the best estimate; it leans late (figures err on the safe
        side)."""
        with self._lock:
            ends = list(self._ends)
        offsets = [t - n / self.rate for t, n in ends if abs(n - frame) < 2 * self.rate]
        return min(offsets) + frame / self.rate

    def drift_ppm(self, first: int, last: int) -> float:
        """How fast the sink's clock ran against the monotonic clock between two frames."""
        wall = self.wall_at(last) - self.wall_at(first)
        return ((last - first) / self.rate / wall - 1) * 1e6
