"""A real PC/SC stack for the smart card tests: pcscd with vpcd's "Virtual PCD 00 00",
and virtual cards (drivers.smartcard.emulator) plugged into it over loopback.

pcscd is started here when none runs (only one instance can run at a time) and stopped
afterwards; one that already runs is used as it is.
"""
from __future__ import annotations

import pytest

from drivers.smartcard.cards import make_profile
from drivers.smartcard.emulator import VirtualCard
from drivers.smartcard.reader import SmartCardReader
from tests.support.pcsc import READER, URL, pcscd  # noqa: F401 (fixture)


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
