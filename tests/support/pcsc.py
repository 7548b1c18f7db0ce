"""A real PC/SC stack: pcscd with vpcd's "Virtual PCD 00 00" (tests/drivers/smartcard, the kiosk's
social security card). pcscd is started here when none runs (only one instance can run at a
time) and stopped afterwards; one that already runs is used as it is."""
from __future__ import annotations

import os
import subprocess
import time

import pytest

from drivers.core.errors import DeviceUnavailable
from drivers.smartcard.transport import list_reader_names

READER = "Virtual PCD 00 00"
URL = f"pcsc://{READER}"


def _readers() -> list[str]:
    try:
        return list_reader_names()
    except DeviceUnavailable:
        return []


@pytest.fixture(scope="session")
def pcscd():
    """Yield the reader URL once pcscd lists the virtual reader."""
    proc = None
    if READER not in _readers():
        os.makedirs("/run/pcscd", exist_ok=True)
        proc = subprocess.Popen(["pcscd", "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        # The daemon has no readiness signal before its socket exists: poll it (bounded).
        while READER not in _readers():
            if proc.poll() is not None:
                raise RuntimeError(f"pcscd exited: {proc.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                proc.terminate()
                raise RuntimeError("pcscd did not list the vpcd reader within 20 s")
            time.sleep(0.05)
    yield URL
    if proc is not None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
