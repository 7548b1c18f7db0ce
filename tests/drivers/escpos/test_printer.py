"""The driver against the emulator over a real TCP socket and a real pty."""
from __future__ import annotations

import pytest

from drivers.core.counters import Counters
from drivers.core.errors import Action, DeviceTimeout, DeviceUnavailable, UserError
from drivers.core.status import DeviceState
from drivers.escpos.printer import PrinterStatus, ReceiptPrinter
from drivers.escpos.templates import TicketReceipt


@pytest.fixture
def printer(printer_url, tmp_path):
    dev = ReceiptPrinter(printer_url, device_id="test-printer", counters=Counters("p", tmp_path), timeout=0.2)
    dev.start()
    yield dev
    dev.close()


def test_ticket_is_decoded_by_the_emulator(printer, emulator, ticket):
    printer.print_ticket(ticket)
    [receipt] = emulator.wait_for_receipts(1)
    assert "A017" in receipt.lines
    assert "不动产登记" in receipt.lines
    assert "前面还有 5 人" in receipt.lines
    assert "预计等候约 20 分钟" in receipt.lines
    assert "取号时间：2026-01-05 09:30" in receipt.lines
    assert receipt.qr_payloads == ["https://q.example.cn/t/A017"]
    assert receipt.png.startswith(b"\x89PNG")
    assert (emulator.out_dir / "receipt-0001.png").exists()
    assert "前面还有 5 人" in (emulator.out_dir / "receipt-0001.txt").read_text("utf-8")
    assert printer.counters.get("prints") == 1 and printer.counters.get("cuts") == 1


def test_english_ticket(printer, emulator, ticket):
    from dataclasses import replace

    printer.print_ticket(replace(ticket, lang="en", estimated_wait_min=None, notice="Bring your ID card"))
    [receipt] = emulator.wait_for_receipts(1)
    assert "5 people ahead of you" in receipt.lines
    assert "Estimated wait: no estimate yet" in receipt.lines
    assert "Bring your ID card" in receipt.lines


def test_text_receipt_with_qr(printer, emulator):
    printer.print_text_receipt(["测试：¥12.50", "第二行"], qr="https://example.invalid/x")
    [receipt] = emulator.wait_for_receipts(1)
    assert receipt.lines == ["测试：¥12.50", "第二行"]
    assert receipt.qr_payloads == ["https://example.invalid/x"]


STATES = [
    ("ok", PrinterStatus(True, "ok", False), DeviceState.ONLINE, ()),
    ("near_end", PrinterStatus(True, "near_end", False), DeviceState.ONLINE, ("paper_near_end",)),
    ("out", PrinterStatus(False, "out", False), DeviceState.USER_ERROR, ("paper_out",)),
    ("cover_open", PrinterStatus(False, "ok", True), DeviceState.USER_ERROR, ("cover_open",)),
    ("offline", PrinterStatus(False, "ok", False), DeviceState.OFFLINE, ("offline",)),
    ("silent", PrinterStatus(False, "unknown", False, answered=False), DeviceState.OFFLINE, ("no_answer",)),
]


@pytest.mark.parametrize("state,expected,device_state,details", STATES, ids=[s[0] for s in STATES])
def test_status_for_each_state(printer, emulator, state, expected, device_state, details):
    emulator.set_state(state)
    assert printer.status() == expected
    status = printer.refresh_status()
    assert status.state is device_state and status.details == details


@pytest.mark.parametrize("state,error", [("out", UserError), ("cover_open", UserError),
                                         ("offline", DeviceUnavailable), ("silent", DeviceTimeout)])
def test_print_refused_when_not_ready(printer, emulator, ticket, state, error):
    emulator.set_state(state)
    with pytest.raises(error) as info:
        printer.print_ticket(ticket)
    if error is UserError:
        assert info.value.action is Action.STAFF
    assert emulator.receipts == []
    assert printer.counters.get("faults") >= 1


def test_silent_printer_recovers(printer, emulator, ticket):
    emulator.set_state("silent")
    assert not printer.status().online
    emulator.set_state("ok")
    printer.print_ticket(ticket)
    assert emulator.wait_for_receipts(1)[0].qr_payloads


def test_sim_url_has_its_own_emulator(tmp_path, ticket):
    dev = ReceiptPrinter("sim://escpos-test?state=near_end", counters=Counters("s", tmp_path))
    with dev:
        assert dev.status().paper == "near_end"
        dev.print_ticket(ticket)
        assert "A017" in dev.emulator.receipts[-1].lines
