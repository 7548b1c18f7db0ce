"""Check-in by booking code or booking QR, driven without a window, on real parts: the broker,
the real controller (the hall's check-in rules), the reference platform (bookings made through its
admin API for synthetic citizens), the camera source emulator with a phone held up to it (the QR
code decoded by OpenCV) and the ESC/POS emulator. Nothing of ours is mocked."""
from __future__ import annotations

import threading

import numpy as np
import pytest
import qrcode

from drivers.camera import Camera
from drivers.core.clock import FakeClock
from drivers.escpos.printer import ReceiptPrinter
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.devices.qr_scanner import QrScanner
from kiosk_app.flows.booking import BookingFlow, booking_code_from
from kiosk_app.flows.ticket import KioskFlow
from tests.support.backend import booking_slot

HALL = "demo-hall"


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path}/hall.db"


@pytest.fixture
def kiosk(hall, device, suite_config, printer_emulator):
    emu, port = printer_emulator
    printer = ReceiptPrinter(f"tcp://127.0.0.1:{port}", device_id="kiosk-01-printer")
    printer.start()
    ep = device("kiosk-01")
    clock = FakeClock()
    tickets = KioskFlow(TicketClient(ep, HALL), printer.print_ticket, clock)
    camera = Camera("sim://camera?pattern=gradient", device_id="kiosk-01-camera", clock=clock)
    scanner = QrScanner(camera, max_fps=20, timeout_s=5)
    flow = BookingFlow(KioskBackend(ep, HALL, timeout=20), clock, suite_config.hall(HALL), kiosk_id="kiosk-01",
                       show_ticket=tickets.show_ticket, take_ticket=tickets.choose_service, scanner=scanner)
    yield flow, tickets, camera, emu
    scanner.stop()
    printer.close()


def book(server, minutes: float, **extra) -> dict:
    """A 30-minute booking starting about `minutes` from now (hall time) for a synthetic citizen."""
    day, start, end = booking_slot(minutes)
    who = server.citizens()[6]
    return server.book(id_number=who["id_number"], matter_id=extra.pop("matter_id", "A002"),
                       date=day, slot_start=start, slot_end=end, **extra)


def type_code(flow: BookingFlow, code: str):
    flow.open()
    for ch in code:
        flow.key(ch)
    return flow.confirm_entry()


def test_typed_code_checks_in_with_the_bookings_priority_and_matter(kiosk, server, hall):
    flow, tickets, _, emu = kiosk
    booking = book(server, 0, hall_id=HALL, hall_name="示范区政务服务中心", priority=2)   # booked as elderly
    s = type_code(flow, booking["code"][:-1] + "X")
    assert s.page == "entry" and "未找到该预约" in s.message
    flow.clear()
    s = type_code(flow, booking["code"])
    assert s.page == "found" and s.appointment.matter_name == "居住证申领"
    flow.check_in()
    t = tickets.screen
    assert not flow.active and t.page == "ticket" and t.printed and t.ticket.priority == "green"
    assert t.ticket.service == "A" and t.ticket.number in emu.wait_for_receipts(1)[0].lines
    ticket = hall.queues[HALL].ticket(t.ticket.number)
    assert ticket.priority == "green" and ticket.matter_id == "A002" and ticket.appointment_code == booking["code"]
    # the same booking again: already used
    s = type_code(flow, booking["code"])
    assert s.page == "refused" and "已签到" in s.message and s.normal_ticket is None


def test_booking_qr_shown_to_the_camera_is_decoded_and_checked_in(kiosk, server, hall):
    flow, tickets, camera, _ = kiosk
    booking = book(server, 30)
    done = threading.Event()
    flow.listeners.append(lambda s: done.set() if s.page in ("found", "refused", "message") else None)
    flow.open()
    camera.source.hold_up(np.array(qrcode.make("https://example.gov.cn/yy/booking?code=" + booking["code"],
                                              box_size=6).convert("RGB")))
    assert flow.scan().page == "scanning"
    assert done.wait(10), flow.screen
    assert flow.screen.page == "found" and flow.screen.appointment.code == booking["code"]
    flow.check_in()
    assert tickets.screen.ticket.priority == "appointment"
    assert hall.queues[HALL].ticket(tickets.screen.ticket.number).appointment_code == booking["code"]


def test_a_qr_code_that_is_no_booking_and_no_qr_at_all(kiosk, server):
    flow, _, camera, _ = kiosk
    seen = threading.Event()
    flow.listeners.append(lambda s: seen.set() if s.page == "entry" and s.message != flow.screen.message else None)
    flow.open()
    camera.source.hold_up(np.array(qrcode.make("微信支付 wxp://f2f0xyz!?").convert("RGB")))
    flow.scan()
    for _ in range(100):
        if flow.screen.page == "entry":
            break
        threading.Event().wait(0.1)
    assert flow.screen.page == "entry" and "不是预约二维码" in flow.screen.message
    camera.source.hold_up(None)          # nothing shown: the scan gives up after its time
    flow.scanner.timeout_s = 1
    flow.scan()
    for _ in range(60):
        if flow.screen.page == "entry":
            break
        threading.Event().wait(0.1)
    assert "未识别到二维码" in flow.screen.message


def test_early_late_cancelled_and_other_hall_bookings_are_refused_with_what_to_do(kiosk, server, hall):
    flow, tickets, _, _ = kiosk
    early = book(server, 240)
    s = type_code(flow, early["code"])
    assert s.page == "found"
    s = flow.check_in()
    assert s.page == "refused" and s.code == "appointment_early" and "后再来签到" in s.message
    assert early["slot_start"] in s.message and s.normal_ticket is None
    late = book(server, -180, matter_id="C002")
    type_code(flow, late["code"])
    s = flow.check_in()
    assert s.page == "refused" and s.code == "appointment_late" and "已失效" in s.message and s.normal_ticket == "C"
    flow.normal_ticket()                 # late: a normal ticket for the booked service instead
    assert tickets.screen.page == "ticket" and tickets.screen.ticket.priority == "normal"
    assert tickets.screen.ticket.service == "C"
    other = book(server, 0, hall_id="north-hall", hall_name="北区政务服务中心")
    type_code(flow, other["code"])
    s = flow.check_in()
    assert s.page == "refused" and s.code == "other_hall" and "北区政务服务中心" in s.message
    flow.open("en")
    for ch in other["code"]:
        flow.key(ch)
    flow.confirm_entry()
    assert "北区政务服务中心" in flow.check_in().message and "Please check in there" in flow.screen.message
    # nothing of these was checked in at the platform
    checked = {c["code"] for c in server.received()["checkins"]}
    assert not checked & {early["code"], late["code"], other["code"]}


@pytest.mark.parametrize("text,code", [("12345678", "12345678"), (" ab12cd34 ", "AB12CD34"),
                                        ("https://example.gov.cn/yy/87654321", "87654321"),
                                        ("https://example.gov.cn/yy/x?code=55554444", "55554444"),
                                        ("wxp://f2f0xyz", None), ("12", None), ("12 34 56", None),
                                        ("javascript:alert(1)", None), ("x" * 40, None)])
def test_booking_code_from_what_was_typed_or_scanned(text, code):
    assert booking_code_from(text) == code
