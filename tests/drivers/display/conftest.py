"""Display emulators started as real processes on real ptys."""
from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.fixture
def emulator_process():
    """start(kind, *args) -> tty path of a `python -m drivers.display.emulator` process."""
    procs: list[subprocess.Popen] = []

    def start(kind: str, *args: str) -> str:
        proc = subprocess.Popen([sys.executable, "-m", "drivers.display.emulator", kind, *args],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(proc)
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/"), f"emulator did not start: {path!r}"
        return path

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=5)
