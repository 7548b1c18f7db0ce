"""The kiosk's services run against real parts: the broker and controller
(tests/support/fixtures.py), the reference backend process (tests/support/backend.py), a
private cupsd with a raw queue to a loopback listener (tests/support/cups.py), the ESC/POS
emulator over TCP."""
from __future__ import annotations

import pytest

from drivers.escpos.emulator import EscposEmulator
from tests.support.backend import hall, server  # noqa: F401 (fixtures)
from tests.support.cups import cupsd, licence_pdf, listener, queue_url  # noqa: F401 (fixtures)


@pytest.fixture
def printer_emulator(tmp_path):
    emu = EscposEmulator(tmp_path / "receipts")
    port = emu.start_tcp()
    yield emu, port
    emu.stop()
