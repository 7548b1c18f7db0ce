"""The kiosk asks the ID card reader back to back only while the identify page waits for a card
(placement to identity at wire speed: bench/bench_idcard.py measures it), and every
poll_interval otherwise. The real reader against the protocol emulator; the finds it sends are
counted by the emulator."""
from __future__ import annotations

import time
import uuid

from config.schema import KioskConfig
from drivers.core.clock import SystemClock
from drivers.idcard import protocol as p
from drivers.idcard.sim import sim_emulator
from kiosk_app.identity_setup import IdentityService


def finds(emulator) -> int:
    return sum(1 for body in emulator.requests if body[:2] == p.find_card()[7:9])


def test_the_reader_is_asked_back_to_back_only_while_a_card_is_awaited():
    name = f"polling-{uuid.uuid4().hex[:8]}"
    service = IdentityService(KioskConfig(id="kiosk-01", hall="demo-hall", idcard_url=f"sim://idcard?name={name}"),
                              SystemClock(), lambda device, message: None)
    emulator = sim_emulator(name)
    service.start()
    try:
        time.sleep(0.1)
        before = finds(emulator)
        time.sleep(0.65)
        idle = finds(emulator) - before              # every 0.3 s: two or three
        service.flow.begin()
        before = finds(emulator)
        time.sleep(0.65)
        waiting = finds(emulator) - before
        service.flow.wipe()
        time.sleep(0.05)
        before = finds(emulator)
        time.sleep(0.65)
        after = finds(emulator) - before
    finally:
        service.stop()
    assert idle <= 4 and after <= 4, (idle, after)
    assert waiting >= 10 * max(1, idle), (idle, waiting)
