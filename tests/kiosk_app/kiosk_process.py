"""The kiosk as a real process on a real X screen (Xvfb, Qt's xcb platform): its files (the
example's, on the test's private broker) and a way to start it, directly or under the watchdog."""
from __future__ import annotations

import json
import select
import subprocess
import sys
import time
from pathlib import Path

from demo.run import write_configs
from kiosk_app.technician import hash_pin
from tests.support.xscreen import xcb_env

ROOT = Path(__file__).resolve().parents[2]
PIN = "13579"


def kiosk_files(tmp_path: Path, broker) -> tuple[Path, Path]:
    """kiosk.toml (with a technician PIN) and hall.toml for the test's broker."""
    hall_path, kiosk_path, _, _ = write_configs(tmp_path, broker.port)
    text = kiosk_path.read_text("utf-8")
    kiosk_path.write_text(text.replace("\n[broker]", f'\ntechnician_pin_hash = "{hash_pin(PIN, iterations=1000)}"\n'
                                                     "\n[broker]", 1), "utf-8")
    return kiosk_path, hall_path


def kiosk_args(kiosk_path: Path, hall_path: Path, *extra: str) -> list[str]:
    # no printer on this test's port 1: a fault on the kiosk's health topic, nothing else
    return ["--config", str(kiosk_path), "--hall-config", str(hall_path), "--printer-url", "tcp://127.0.0.1:1", *extra]


def start_kiosk(x, broker, kiosk_path: Path, hall_path: Path, *extra: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kiosk_app", *kiosk_args(kiosk_path, hall_path, *extra)],
                            cwd=ROOT, env=xcb_env(x, HALL_MQTT_PASSWORD=broker.passwords["kiosk-01"]),
                            stdout=subprocess.DEVNULL, stderr=log.open("wb"))


class WatchdogRun:
    """`python -m kiosk_app.watchdog` with its JSON lines (one per kiosk start) read as they come."""

    def __init__(self, x, broker, kiosk_path: Path, hall_path: Path, heartbeat: Path, log: Path) -> None:
        self.heartbeat = heartbeat
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk_app.watchdog", "--heartbeat", str(heartbeat), "--",
             *kiosk_args(kiosk_path, hall_path)], cwd=ROOT,
            env=xcb_env(x, HALL_MQTT_PASSWORD=broker.passwords["kiosk-01"]), stdout=subprocess.PIPE,
            stderr=log.open("wb"))

    def next_start(self, timeout: float) -> int:
        """The pid of the next kiosk the watchdog starts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if r:
                line = self.proc.stdout.readline().decode()
                if line.startswith("{"):
                    return json.loads(line)["pid"]
            if self.proc.poll() is not None:
                raise AssertionError(f"the watchdog exited with {self.proc.returncode}")
        raise AssertionError(f"no kiosk started within {timeout} s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
