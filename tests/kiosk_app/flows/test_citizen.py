"""The identified citizen's services driven without a window, on real parts: ID card
emulator behind the real reader, broker, controller, reference backend process, ESC/POS
emulator, private cupsd. Nothing of ours is mocked."""
from __future__ import annotations

import logging

import cups
import pytest

from drivers.core.counters import state_dir
from hall_protocol import contract
from tests.support.privacy import watch_writes

from ..services_support import HALL, build, identify
from tests.support.fixtures import new_request_id


@pytest.fixture
def services(hall, broker, suite_config, printer_emulator, queue_url):
    _, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}", a4_url=queue_url)
    yield s
    s.stop()


def booked(services, server) -> tuple[dict, str]:
    """An identified citizen with an appointment today not yet checked in (the server lives
    for the module: earlier tests used some)."""
    for who in server.citizens()[3:]:
        identify(services, who)
        s = services.citizen.show_appointments()
        code = next((a.code for a in s.appointments if a.status.value == "booked"), None)
        if code is not None:
            return who, code
        services.citizen.finish()
    raise AssertionError("no booked appointment left in the reference backend")


def test_check_in_prints_the_appointment_ticket_once(services, server, printer_emulator, hall):
    emu, _ = printer_emulator
    who, code = booked(services, server)
    assert services.citizen.screen.page == "appointments"
    services.citizen.check_in(code)
    screen = services.flow.screen
    assert screen.page == "ticket" and screen.printed and screen.ticket.priority == "appointment"
    receipt = emu.wait_for_receipts(1)[0]
    assert screen.ticket.number in receipt.lines and "预约签到 · 优先办理" in receipt.lines
    assert who["name"] not in "\n".join(receipt.lines) and who["id_number"] not in "\n".join(receipt.lines)
    assert hall.queues[HALL].ticket(screen.ticket.number).priority == "appointment"
    number = screen.ticket.number
    # the session ends with the ticket: everything personal is wiped
    services.flow.done()
    assert services.citizen.screen.page == "closed" and services.citizen.screen.appointments == ()
    assert services.identity_flow.identity is None and services.citizen.identity is None
    # the same citizen comes back (or the kiosk restarted): the check-in gives the same ticket
    identify(services, who)
    services.citizen.show_appointments()
    services.citizen.check_in(code)
    assert services.flow.screen.ticket.number == number


def test_check_in_without_paper_shows_the_ticket_as_a_qr_code(services, server, printer_emulator):
    emu, _ = printer_emulator
    emu.set_state("out")
    _, code = booked(services, server)
    services.citizen.check_in(code)
    screen = services.flow.screen
    assert screen.page == "ticket" and not screen.printed and screen.show_qr and "二维码" in screen.message
    assert ("printer" in dict(services.faults)) and emu.receipts == []


def test_progress_of_applications(services, server):
    identify(services, server.citizens()[4])
    s = services.citizen.show_progress()
    assert s.page == "progress" and s.applications and all(a.steps for a in s.applications)


def test_backend_down_says_what_still_works(services, server):
    identify(services, server.citizens()[4])
    server.set_faults(error_rate=1.0)
    s = services.citizen.show_licences()
    assert s.page == "message" and "取号不受影响" in s.message
    server.clear_faults()
    assert services.citizen.menu().page == "menu"


def counters_only(write: str) -> bool:
    """A write of the devices' counters (prints, faults: nothing personal)."""
    return str(state_dir() / "counters") in write


def printable(services, server, start: int = 3):
    """A citizen with a printable licence that was never printed."""
    for who in server.citizens()[start:]:
        identify(services, who)
        lics = services.citizen.show_licences().licences
        lic = next((x for x in lics if x.printable and x.print_count == 0), None)
        if lic is not None:
            return who, lic
        services.citizen.finish()
    raise AssertionError("the reference backend has no printable licence left")


def test_licence_printed_once_recorded_and_a_reprint_needs_confirmation(services, server, listener, caplog):
    caplog.set_level(logging.DEBUG)
    who, lic = printable(services, server)
    expected = services.backend.licence_pdf(lic.licence_id)
    with watch_writes() as written:
        s = services.citizen.print_licence(lic.licence_id)
    assert s.page == "printed" and "取走" in s.message
    # the PDF went to cupsd from memory: the only files written are the device counters
    assert written and all(counters_only(w) for w in written), written
    assert listener.received.wait(20) and listener.jobs == [expected]
    prints = [p for p in server.received()["prints"] if p["licence_id"] == lic.licence_id]
    assert len(prints) == 1 and prints[0]["kiosk_id"] == "kiosk-01"
    # the platform now says it was printed: a second print asks first, and says why
    s = services.citizen.print_licence(lic.licence_id)
    assert s.page == "confirm_print" and "已打印过 1 次" in s.message
    listener.received.clear()
    s = services.citizen.confirm_print()
    assert s.page == "printed" and listener.received.wait(20) and len(listener.jobs) == 2
    prints = [p for p in server.received()["prints"] if p["licence_id"] == lic.licence_id]
    assert len(prints) == 2 and prints[1]["reprint_reason"]
    audit = [r.getMessage() for r in caplog.records if r.name == "kiosk_app.audit"]
    assert len(audit) == 2 and all(lic.licence_id in line and "outcome=printed" in line for line in audit)
    services.citizen.finish()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert who["name"] not in logged and who["id_number"] not in logged


def test_a_print_retried_after_a_crash_is_not_printed_twice(services, server, listener, suite_config, broker, cupsd):
    """Printed, then the platform could not record it (as if the kiosk died before
    record_print): the retry finds the finished CUPS job, records it, prints nothing."""
    who, lic = printable(services, server, start=6)
    server.set_faults(error_rate=1.0, paths="/prints")
    s = services.citizen.print_licence(lic.licence_id)
    assert s.page == "printed" and listener.received.wait(20) and len(listener.jobs) == 1
    assert not [p for p in server.received()["prints"] if p["licence_id"] == lic.licence_id]
    server.clear_faults()
    services.stop()
    # a new kiosk process: same kiosk id, same printer, nothing kept in memory
    again = build(suite_config, broker, a4_url=services.citizen.licence_printing.printer.url)
    try:
        identify(again, who)
        lics = again.citizen.show_licences().licences
        assert next(x for x in lics if x.licence_id == lic.licence_id).print_count == 0
        s = again.citizen.print_licence(lic.licence_id)
        assert s.page == "printed"
        prints = [p for p in server.received()["prints"] if p["licence_id"] == lic.licence_id]
        assert len(prints) == 1
        printer = again.citizen.licence_printing.printer
        jobs = cups.Connection(host=cupsd.sock).getJobs(which_jobs="all", my_jobs=True,
                                                          requested_attributes=["job-id", "job-printer-uri"])
        mine = [j for j in jobs.values() if j["job-printer-uri"].endswith("/" + printer.queue)]
        assert len(mine) == 1, jobs           # one job on this queue: nothing was submitted again
        assert len(listener.jobs) == 1
    finally:
        again.stop()


def test_licence_printer_down_says_what_still_works(services, server, cupsd, listener):
    _, lic = printable(services, server, start=9)
    cupsd.lp("cupsdisable", services.citizen.licence_printing.printer.queue)
    try:
        s = services.citizen.print_licence(lic.licence_id)
    finally:
        cupsd.lp("cupsenable", services.citizen.licence_printing.printer.queue)
    assert s.page == "message" and "取号、预约签到、办件进度仍可使用" in s.message
    assert "a4printer" in dict(services.faults) and listener.jobs == []
    assert not [p for p in server.received()["prints"] if p["licence_id"] == lic.licence_id]


def test_not_printable_licence_is_refused(services, server):
    for who in server.citizens():
        identify(services, who)
        lic = next((x for x in services.citizen.show_licences().licences if not x.printable), None)
        if lic is not None:
            break
        services.citizen.finish()
    assert lic is not None
    assert "窗口领取" in services.citizen.print_licence(lic.licence_id).message




def serve(device, hall_config, number: str) -> None:
    """A window that serves the ticket's service calls it and finishes it."""
    window = next(w.number for w in hall_config.windows if number[0] in w.services)
    caller = device(f"caller-w{window}")
    topic = contract.WINDOW_REQUEST.format(hall=HALL, client=f"caller-w{window}")
    for action in ({"action": "call", "ticket": number}, {"action": "finish"}):
        assert caller.request(topic, {"window": window, "request_id": new_request_id(), **action})["status"] == "ok"


def test_the_identified_citizen_rates_the_ticket_of_their_appointment(services, server, device, suite_config):
    who, code = booked(services, server)
    services.citizen.check_in(code)
    number = services.flow.screen.ticket.number
    services.flow.done()
    # not served yet: the rating says so
    identify(services, who)
    services.citizen.rate()
    civic = services.civic
    assert services.citizen.screen.page == "rating" and civic.screen.page == "rate_entry"
    offer = next(o for o in civic.screen.offers if o.number == number)
    assert offer.day and offer.matter_id and offer.matter_name     # its day, naming the booked matter
    civic.choose_offer(offer)
    assert offer.matter_name in civic.screen.message
    civic.choose_score(4)
    assert civic.submit().message == "该号码尚未办结，办结后再评价"
    serve(device, suite_config.hall(HALL), number)
    # served; the platform is down, the controller keeps the rating
    server.set_faults(error_rate=1.0)
    civic.start_rating(number)
    civic.choose_score(5)
    civic.toggle_reason("friendly")
    civic.set_comment("  讲解很耐心  ")
    assert civic.submit().page == "rated"
    civic.close()
    assert services.citizen.screen.page == "menu"      # back to the citizen's menu
    server.clear_faults()
    civic.open_rating("zh")
    civic.scanned(f"https://example.gov.cn/q/{HALL}/{number}")
    assert civic.screen.entry == number
    civic.confirm_entry()
    civic.choose_score(1)
    assert civic.submit().message == "该号码已评价过"
    services.citizen.finish()
    assert not civic.active and services.identity_flow.identity is None


def test_rating_by_typed_number_and_idle_timeouts(services, server):
    civic = services.civic
    civic.open_rating("en")
    for ch in "a0x":
        civic.key(ch)
    civic.backspace()
    assert civic.screen.entry == "A0"
    assert civic.confirm_entry().message == "Not a ticket number (e.g. A001)"
    services.clock.advance(61)
    assert civic.tick().page == "closed"
    identify(services, server.citizens()[4])
    services.clock.advance(59)
    assert services.citizen.tick().page == "menu" and services.identity_flow.tick().state == "identified"
    services.citizen.show_progress()            # busy: the idle time starts again for both
    services.clock.advance(59)
    assert services.citizen.tick().page == "progress" and services.identity_flow.tick().state == "identified"
    services.clock.advance(2)
    assert services.citizen.tick().page == "closed"
    assert services.identity_flow.identity is None and services.citizen.screen.applications == ()


def test_a_whole_session_leaves_nothing_personal(services, server, listener, caplog):
    """Identify, look at everything, check in, print a licence, finish: no name and no full
    ID number in any log line (kiosk, controller, drivers), nothing written to disk but the
    device counters, nothing personal left in the session's state."""
    caplog.set_level(logging.DEBUG)
    with watch_writes() as written:
        who, lic = printable(services, server, start=3)
        services.citizen.show_progress()
        services.citizen.show_licences()
        assert services.citizen.print_licence(lic.licence_id).page == "printed"
        appointments = services.citizen.show_appointments().appointments
        booked = [a.code for a in appointments if a.status.value == "booked"]
        if booked:
            services.citizen.check_in(booked[0])
        services.flow.done() if booked else services.citizen.finish()
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert who["name"] not in logged and who["id_number"] not in logged
    assert all(counters_only(w) for w in written), written
    state = repr((services.citizen.screen, services.identity_flow.view, services.civic.screen, services.flow.screen))
    assert who["id_number"][-4:] not in state and services.citizen.identity is None
