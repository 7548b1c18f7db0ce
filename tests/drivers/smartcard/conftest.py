"""A real PC/SC stack for the smart card tests: pcscd with vpcd's "Virtual PCD 00 00",
and virtual cards (drivers.smartcard.emulator) plugged into it over loopback.

pcscd is started here when none runs (only one instance can run at a time) and stopped
afterwards; one that already runs is used as it is.
"""
from __future__ import annotations

import os
import subprocess
import time

import pytest

from drivers.core.errors import DeviceUnavailable
from drivers.smartcard.cards import make_profile
from drivers.smartcard.emulator import VirtualCard
from drivers.smartcard.reader import SmartCardReader
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


@pytest.fixture
def reader(pcscd):
    dev = SmartCardReader(pcscd)
    dev.start()
    dev.wait_for_removal(timeout=15)  # a clean, empty reader for every test
    yield dev
    dev.close()


@pytest.fixture
def card(reader):
    """insert(profile_name_or_profile, **kwargs) -> VirtualCard, already seen by pcscd."""
    cards: list[VirtualCard] = []

    def insert(profile="social", wait: bool = True, **kwargs) -> VirtualCard:
        if isinstance(profile, str):
            profile = make_profile(profile)
        vc = VirtualCard(profile, **kwargs)
        vc.insert()
        cards.append(vc)
        if wait:
            reader.wait_for_card(timeout=15)
        return vc

    yield insert
    for vc in cards:
        vc.remove()
    reader.wait_for_removal(timeout=15)
