"""Fixtures: a real emulator on a real TCP socket and a real pty."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from drivers.escpos.emulator import EscposEmulator
from drivers.escpos.templates import TicketReceipt


@pytest.fixture
def emulator(tmp_path):
    emu = EscposEmulator(tmp_path / "receipts")
    emu.start_tcp(0)
    emu.start_pty()
    yield emu
    emu.stop()


@pytest.fixture(params=["tcp", "pty"])
def printer_url(request, emulator) -> str:
    if request.param == "tcp":
        return f"tcp://127.0.0.1:{emulator.tcp_port}"
    return f"serial://{emulator.pty_path}?baud=115200"


@pytest.fixture
def ticket() -> TicketReceipt:
    return TicketReceipt(
        hall_name="市民中心政务服务大厅", number="A017", service_name="不动产登记", people_ahead=5,
        estimated_wait_min=20, window_area="B区 3-8号窗口",
        issued_at=datetime(2026, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=8))),
        qr_url="https://q.example.cn/t/A017")
