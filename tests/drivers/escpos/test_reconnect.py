"""The TCP printer goes away and comes back on the same port."""
from __future__ import annotations

import pytest

from drivers.core.counters import Counters
from drivers.core.errors import DeviceUnavailable
from drivers.core.status import DeviceState
from drivers.escpos.emulator import EscposEmulator
from drivers.escpos.printer import ReceiptPrinter


@pytest.fixture
def tcp_printer(tmp_path):
    first = EscposEmulator()
    port = first.start_tcp(0)
    printer = ReceiptPrinter(f"tcp://127.0.0.1:{port}", counters=Counters("r", tmp_path), timeout=0.2)
    printer.start()
    yield printer, first, port
    printer.close()
    first.stop()


def test_printer_away_then_back(tcp_printer, ticket):
    printer, first, port = tcp_printer
    assert printer.status().online
    first.stop()
    with pytest.raises(DeviceUnavailable):
        printer.status()
    assert printer.refresh_status().state is DeviceState.NO_DEVICE
    with EscposEmulator() as second:
        second.start_tcp(port)
        assert printer.refresh_status().state is DeviceState.ONLINE
        printer.print_ticket(ticket)
        assert "A017" in second.wait_for_receipts(1)[0].lines


def test_restart_between_calls_is_transparent(tcp_printer, ticket):
    printer, first, port = tcp_printer
    assert printer.status().online
    first.stop()
    with EscposEmulator() as second:
        second.start_tcp(port)
        printer.print_ticket(ticket)  # the dead link is replaced without an error
        assert second.wait_for_receipts(1)[0].qr_payloads == ["https://q.example.cn/t/A017"]
