"""The ticket flow (kiosk_app/flows/ticket.py) as a plain state machine: no window, a clock
the test drives, the real ticket client on a private Mosquitto and a real controller, the
real receipt printer driver on the ESC/POS emulator over TCP. The window over it is
tested in tests/kiosk_app/test_e2e.py."""
from __future__ import annotations

import pytest

from drivers.core.clock import FakeClock
from drivers.escpos.printer import ReceiptPrinter
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.messages import plain_message
from kiosk_app.flows.ticket import KioskFlow
from kiosk_app.i18n import tr

HALL = "demo-hall"


@pytest.fixture
def receipts(printer_emulator):
    _, port = printer_emulator
    printer = ReceiptPrinter(f"tcp://127.0.0.1:{port}", device_id="kiosk-01-printer")
    printer.start()
    yield printer
    printer.close()


class Kiosk:
    """A flow with what it reported: faults, the screens its listeners saw, ended sessions."""

    def __init__(self, endpoint, printer: ReceiptPrinter | None, *, timeout: float = 4.0) -> None:
        self.clock, self.faults, self.pages, self.ended = FakeClock(), [], [], []
        self.flow = KioskFlow(TicketClient(endpoint, HALL, timeout=timeout),
                              printer.print_ticket if printer else None, self.clock,
                              idle_timeout_s=60, elderly_idle_timeout_s=120, ticket_timeout_s=20,
                              report_fault=lambda device, message: self.faults.append((device, message)))
        self.flow.listeners.append(lambda screen: self.pages.append(screen.page))
        self.flow.session_end.append(lambda: self.ended.append(self.clock.monotonic()))


@pytest.fixture
def kiosk(controller, device, receipts) -> Kiosk:
    return Kiosk(device("kiosk-01"), receipts)


def test_a_ticket_is_printed_and_the_page_goes_home_after_its_timeout(kiosk, printer_emulator):
    emu, _ = printer_emulator
    flow, clock = kiosk.flow, kiosk.clock
    s = flow.choose_service("C")
    assert kiosk.pages == ["issuing", "ticket"]          # the listeners saw "please wait" first
    assert s.page == "ticket" and s.printed and not s.show_qr and s.message == tr("take_ticket")
    assert s.ticket.number == "C001" and s.since == clock.monotonic()
    assert s.ticket.number in emu.wait_for_receipts(1)[0].lines and kiosk.faults == []
    clock.advance(19.9)
    assert flow.tick().page == "ticket" and kiosk.ended == []
    clock.advance(0.1)
    s = flow.tick()
    assert s.page == "home" and s.ticket is None and not s.printed and s.message == ""
    assert len(kiosk.ended) == 1                          # the session ended with the page
    clock.advance(600)
    s = flow.tick()                                       # home waits for the next citizen: the attract screen
    assert s.page == "attract" and len(kiosk.ended) == 1 and flow.tick() is s


def test_a_listener_whose_window_is_gone_is_dropped(kiosk):
    def gone(_screen):
        raise RuntimeError("Internal C++ object (KioskWindow) already deleted")
    kiosk.flow.listeners.append(gone)
    kiosk.flow.toggle_language()
    assert gone not in kiosk.flow.listeners and kiosk.pages == ["home"]


def test_printer_out_of_paper_shows_the_qr_and_says_staff_must_act(kiosk, printer_emulator):
    emu, _ = printer_emulator
    emu.set_state("out")
    s = kiosk.flow.choose_service("A")
    assert s.page == "ticket" and s.ticket.number == "A001" and not s.printed and s.show_qr
    assert s.message == tr("no_paper")
    # the no-paper page stays until 完成 / Done or 120 s (the paper page leaves after 20 s)
    kiosk.clock.advance(119)
    assert kiosk.flow.tick().page == "ticket" and kiosk.ended == []
    kiosk.clock.advance(1)
    assert kiosk.flow.tick().page == "home" and len(kiosk.ended) == 1
    [(device, message)] = kiosk.faults
    assert device == "printer" and message.endswith("(action: staff)")
    assert emu.receipts == []
    kiosk.flow.done()
    emu.set_state("ok")                        # paper loaded: the next ticket is printed again
    s = kiosk.flow.choose_service("A")
    assert s.ticket.number == "A002" and s.printed and not s.show_qr and len(kiosk.faults) == 1
    assert "A002" in emu.wait_for_receipts(1)[0].lines


def test_a_kiosk_without_a_printer_shows_every_ticket_as_a_qr(controller, device):
    kiosk = Kiosk(device("kiosk-01"), None)
    s = kiosk.flow.choose_service("B")
    assert s.page == "ticket" and s.show_qr and not s.printed and s.message == tr("no_paper")
    token = controller.queues[HALL].ticket("B001").token   # the page of this ticket, not of its number
    assert s.ticket.qr_url.endswith(f"/t/{HALL}/{token}") and "B001" not in s.ticket.qr_url and kiosk.faults == []


def test_a_refusal_says_why_and_its_page_goes_home_after_the_idle_timeout(kiosk, controller):
    s = kiosk.flow.choose_service("Z")          # the hall has no service Z
    assert s.page == "error" and s.ticket is None
    assert s.message == plain_message("bad_request", "zh") and "'Z'" not in s.message   # no developer text
    assert kiosk.faults == []                   # a refusal is not a fault of the kiosk
    kiosk.clock.advance(59)
    assert kiosk.flow.tick().page == "error"
    kiosk.clock.advance(1)
    assert kiosk.flow.tick().page == "home" and len(kiosk.ended) == 1


def test_no_controller_says_so_and_reports_it(device, receipts, printer_emulator):
    emu, _ = printer_emulator
    kiosk = Kiosk(device("kiosk-01"), receipts, timeout=0.3)
    kiosk.flow.toggle_language()
    s = kiosk.flow.choose_service("A")
    assert s.page == "error" and s.message == plain_message("controller_unavailable", "en")
    assert kiosk.faults == [("controller", "no answer to ticket request")] and emu.receipts == []
    kiosk.clock.advance(60)
    assert kiosk.flow.tick().page == "home"


def test_english_goes_to_the_controller_and_onto_the_receipt(kiosk, controller, printer_emulator):
    emu, _ = printer_emulator
    assert kiosk.flow.toggle_language().lang == "en"
    s = kiosk.flow.choose_service("D")
    assert s.message == tr("take_ticket", "en")
    assert controller.queues[HALL].ticket(s.ticket.number).lang == "en"
    lines = emu.wait_for_receipts(1)[0].lines
    assert s.ticket.hall_name_en in lines and s.ticket.service_name_en in lines
    assert "0 people ahead of you" in lines and "You are next: please watch the screen" in lines
    # English first, the Chinese below it (staff and the calling screen use the Chinese names)
    assert lines[0] == s.ticket.hall_name_en
    assert lines.index(s.ticket.service_name_en) < lines.index(s.ticket.service_name)
    kiosk.flow.done()
    assert kiosk.flow.screen.lang == "en"       # the kiosk's language stays for the next citizen
    assert kiosk.flow.toggle_language().lang == "zh"


def test_elderly_mode_waits_longer_and_switches_itself_off_when_idle(kiosk, controller):
    flow, clock = kiosk.flow, kiosk.clock
    assert flow.toggle_elderly().elderly
    flow.choose_service("Z")                    # an error page waits the elderly timeout
    clock.advance(119)
    assert flow.tick().page == "error"
    clock.advance(1)
    s = flow.tick()
    assert s.page == "home" and s.elderly       # back home, still large text
    clock.advance(119)
    assert flow.tick().elderly
    clock.advance(1)
    assert not flow.tick().elderly              # nobody there any more: normal text again
    flow.toggle_elderly()
    flow.choose_service("A")                    # the ticket page keeps its own timeout
    clock.advance(20)
    assert flow.tick().page == "home"
    assert flow.toggle_elderly().elderly is False


def test_a_device_change_shows_on_the_screen_without_restarting_its_timeout():
    """`device_changed` (the printer's status events, the scheduled device watch): the fault is on
    the screen at once, the page and its timeout stay as they were; back to normal when it works."""
    from drivers.core.status import DeviceState, DeviceStatus

    clock = FakeClock()
    flow = KioskFlow(None, None, clock)  # no ticket is asked for here
    seen = []
    flow.listeners.append(seen.append)
    since = flow.screen.since
    clock.advance(5)
    out = DeviceStatus(DeviceState.USER_ERROR, ("paper_out",))
    flow.device_changed("printer", out.usable, out.details)
    assert flow.screen.faults == ("printer",) and flow.screen.paper_out and flow.screen.since == since
    assert len(seen) == 1
    flow.device_changed("printer", False, ("paper_out",))  # the same again: nobody is told twice
    assert len(seen) == 1
    flow.device_changed("printer", False, ("no_answer",))  # the printer does not answer: not paper
    assert flow.screen.faults == ("printer",) and not flow.screen.paper_out
    flow.device_changed("printer", True)
    assert flow.screen.faults == () and not flow.screen.paper_out and len(seen) == 3


def test_the_no_paper_text_suggests_a_photo_and_never_a_second_ticket():
    zh, en = tr("no_paper", "zh"), tr("no_paper", "en")
    assert "拍照" in zh and "photo" in en and "完成" in zh and "Done" in en
    assert "旁边的二维码" in zh and "beside" in en            # the QR is next to the text, not below it
    for word in ("自助机", "取号机", "再取", "另一台"):
        assert word not in zh
    for word in ("kiosk", "another", "next", "again"):
        assert word not in en.lower()
