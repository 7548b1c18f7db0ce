"""A real PulseAudio server with null sinks, and recordings of their monitors: what a person in the
hall hears, measured as numbers (import the fixtures into a conftest).

`sound_server(sinks=("hall",))` starts a private server (its own XDG_RUNTIME_DIR) and yields a
`SoundServer`; `server.record("hall")` records `hall.monitor` with parec until the context exits and
returns a `Recording` (44.1 kHz stereo s16 whatever the sink rate).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

FRAME_S = 0.05


@dataclass
class Recording:
    path: Path
    rate: int = 44100
    samples: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def load(self) -> "Recording":
        with wave.open(str(self.path), "rb") as w:
            self.rate = w.getframerate()
            raw = w.readframes(w.getnframes())
            channels = w.getnchannels()
        data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        if channels > 1 and data.size:
            data = data[: data.size - data.size % channels].reshape(-1, channels).mean(axis=1)
        self.samples = data
        return self

    def frame_rms(self, frame_s: float = FRAME_S) -> np.ndarray:
        n = max(1, int(self.rate * frame_s))
        usable = self.samples[: self.samples.size - self.samples.size % n]
        if not usable.size:
            return np.zeros(0)
        return np.sqrt((usable.reshape(-1, n) ** 2).mean(axis=1))

    def seconds_above(self, level: float = 0.01, frame_s: float = FRAME_S) -> float:
        return float((self.frame_rms(frame_s) > level).sum() * frame_s)

    def bursts(self, level: float = 0.01, gap_s: float = 0.4, frame_s: float = FRAME_S) -> list[tuple[float, float]]:
        """Spans (start_s, end_s) of sound separated by at least gap_s of silence."""
        loud = self.frame_rms(frame_s) > level
        spans: list[list[float]] = []
        quiet = 0
        for i, on in enumerate(loud):
            t = i * frame_s
            if on:
                if spans and quiet * frame_s < gap_s:
                    spans[-1][1] = t + frame_s
                else:
                    spans.append([t, t + frame_s])
                quiet = 0
            else:
                quiet += 1
        return [(a, b) for a, b in spans]


class SoundServer:
    def __init__(self, runtime: Path, sinks: tuple[str, ...]):
        self.runtime = runtime
        self.sinks = sinks
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime),
                    "PULSE_SERVER": f"unix:{runtime}/pulse/native"}
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        conf = self.runtime / "pa.conf"
        lines = [f"load-module module-null-sink sink_name={s} rate=22050" for s in self.sinks]
        lines += ["load-module module-native-protocol-unix", f"set-default-sink {self.sinks[0]}"]
        conf.write_text("\n".join(lines) + "\n")
        self.proc = subprocess.Popen(
            ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "-F", str(conf),
             "--disallow-exit", "--log-target=stderr"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("pulseaudio exited: " + self.proc.stderr.read().decode(errors="replace")[-800:])
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                self._keep_running()
                return
            time.sleep(0.05)
        raise RuntimeError("pulseaudio did not answer pactl info within 15 s")

    def _keep_running(self) -> None:
        """An idle null sink renders 2 s of silence ahead, and its monitor cannot take back what a new
        stream rewinds: the first ~0.7 s of every sound played on an idle null sink never reach the
        recording (a sound card's buffer is rewound and plays them). A silent stream with 30 ms of
        latency on each sink keeps it at a sound card's latency, so recordings hold what was played."""
        self.keepers = [subprocess.Popen(
            ["pacat", "--playback", "-d", sink, "--latency-msec=30", "--rate=22050", "--channels=1",
             "--format=s16le", "--client-name=keep-running", "/dev/zero"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for sink in self.sinks]
        time.sleep(0.3)

    def stop(self) -> None:
        for keeper in getattr(self, "keepers", []):
            keeper.terminate()
            keeper.wait(5)
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @contextlib.contextmanager
    def record(self, sink: str) -> Iterator[Recording]:
        """Record `<sink>.monitor` while the block runs; the recording is loaded when it ends."""
        path = self.runtime / f"rec-{sink}-{time.monotonic_ns()}.wav"
        rec = Recording(path)
        proc = subprocess.Popen(["parec", "-d", f"{sink}.monitor", "--file-format=wav", str(path)],
                                env=self.env, stderr=subprocess.PIPE)
        # parec needs a while to connect (a second or more on a loaded machine): the block plays
        # only once the recording runs (its file grows past the header)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists() and path.stat().st_size > 8192:
                break
            time.sleep(0.02)
        try:
            yield rec
        finally:
            time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            rec.load()


@contextlib.contextmanager
def sound_server(sinks: tuple[str, ...] = ("hall",)) -> Iterator[SoundServer]:
    if not shutil.which("pulseaudio") or not shutil.which("parec"):
        pytest.skip("pulseaudio/pulseaudio-utils are not installed (make setup installs them)")
    runtime = Path(tempfile.mkdtemp(prefix="pulse-"))
    os.chmod(runtime, 0o700)
    server = SoundServer(runtime, sinks)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def pulse() -> Iterator[SoundServer]:
    """One sink, `hall`, the default."""
    with sound_server(("hall",)) as server:
        yield server


@pytest.fixture
def pulse_zones() -> Iterator[SoundServer]:
    """Three sinks: `hall` (default), `zone1`, `zone2`."""
    with sound_server(("hall", "zone1", "zone2")) as server:
        yield server
