"""Fixtures: a real pty served by the reader emulator, and the emulator as a process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.core.clock import FakeClock
from drivers.core.counters import Counters
from drivers.idcard.emulator import PtyEmulator
from drivers.idcard.reader import IdCardReader

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def pty_emulator(tmp_path):
    emulator = PtyEmulator(link=str(tmp_path / "ttyIDCARD")).start()
    yield emulator
    emulator.close()


@pytest.fixture
def make_reader(pty_emulator, tmp_path):
    readers = []

    def make(**kwargs) -> IdCardReader:
        kwargs.setdefault("clock", FakeClock())
        kwargs.setdefault("timeout", 0.3)
        reader = IdCardReader(pty_emulator.url, device_id=f"test-{len(readers)}",
                              counters=Counters(f"test-{len(readers)}", tmp_path / "counters"), **kwargs)
        readers.append(reader)
        return reader

    yield make
    for reader in readers:
        reader.close()


def wait_until(predicate, timeout: float = 10.0) -> None:
    """Wait for something the polling thread does (a bound, not a timing assertion)."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


@pytest.fixture
def emulator_process(tmp_path):
    """Start `python -m drivers.idcard.emulator` and return (process, its JSON line) via a factory."""
    procs = []

    def start(*args: str) -> dict:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.Popen([sys.executable, "-m", "drivers.idcard.emulator", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        procs.append(proc)
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        return json.loads(line)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
