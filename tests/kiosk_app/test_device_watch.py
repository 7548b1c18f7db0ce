"""The kiosk's device watch (drivers/core/watch.py, built in kiosk_app/app.py): the receipt printer is the ESC/POS
emulator behind a real pty, the kiosk is assembled by kiosk_app/app.py and talks to a private
Mosquitto under its provisioned identity; the supervisor desk reads the kiosk's retained device
health as the broker lets it. No ticket is printed: the paper's state reaches the health topic
(and the kiosk's home page) by the scheduled check alone."""
from __future__ import annotations

import threading
import time

import pytest

from config.schema import DeviceWatchConfig, KioskConfig
from drivers.core.watch import DeviceWatch
from drivers.escpos.emulator import EscposEmulator
from drivers.escpos.printer import ReceiptPrinter
from hall_protocol import contract
from hall_protocol.contract import DeviceHealth
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application

from .test_e2e import keep, wait_until  # noqa: F401 (keep is a fixture)

HALL = "demo-hall"
PERIOD_S = 0.5


@pytest.fixture
def pty_printer(tmp_path):
    emu = EscposEmulator(tmp_path / "receipts")
    emu.start_pty()
    yield emu
    emu.stop()


@pytest.fixture
def watched_kiosk(suite_config, broker, pty_printer):
    cfg = KioskConfig(id="kiosk-01", hall=HALL, broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}),
                      printer_url=f"serial://{pty_printer.pty_path}?baud=115200",
                      watch=DeviceWatchConfig(printer_s=PERIOD_S))
    k = Kiosk(cfg, suite_config.hall(HALL), password=broker.passwords["kiosk-01"])
    k.start()
    yield k
    k.stop()


def _printer_part(health: list[DeviceHealth]):
    if not health:
        return None
    return next((p for p in health[-1].parts if p.part == "printer"), None)


def test_paper_near_end_then_out_shows_before_any_ticket_and_clears_after_refill(
        keep, watched_kiosk, pty_printer, device, suite_config):  # noqa: F811
    app = application()
    k = watched_kiosk
    prints = k.printer.counters.snapshot().get("prints", 0)  # counters are kept across runs (the state directory)
    window = KioskWindow.for_kiosk(k)
    keep(window)
    desk = device("supervisor-desk")
    seen: list[DeviceHealth] = []
    desk.subscribe(contract.DEVICE_HEALTH.format(hall=HALL, client="kiosk-01"),
                   lambda msg: msg.payload and seen.append(contract.read(msg, DeviceHealth)))

    def printer_is(state: str, details: list[str], action: str) -> bool:
        part = _printer_part(seen)
        return part is not None and (part.state, part.details, part.action) == (state, details, action)

    # the retained health says the printer works (the first check runs at start)
    assert wait_until(app, lambda: printer_is("online", [], "none"))
    assert "缺纸" not in window.prompt.text()
    pty_printer.set_state("near_end")
    assert wait_until(app, lambda: printer_is("online", ["paper_near_end"], "staff"), timeout=10 * PERIOD_S)
    assert k.flow.screen.faults == () and "缺纸" not in window.prompt.text()  # a citizen still gets paper
    pty_printer.set_state("out")
    assert wait_until(app, lambda: printer_is("user_error", ["paper_out"], "staff"), timeout=10 * PERIOD_S)
    assert k.flow.screen.faults == ("printer",) and k.flow.screen.paper_out
    assert wait_until(app, lambda: "打印机缺纸" in window.prompt.text())
    assert k.flow.screen.page == "home"
    pty_printer.set_state("ok")  # staff loaded a roll
    assert wait_until(app, lambda: printer_is("online", [], "none"), timeout=10 * PERIOD_S)
    assert wait_until(app, lambda: "缺纸" not in window.prompt.text() and k.flow.screen.faults == ())
    # near end was published before out, and nothing was printed to find any of it out
    states = [tuple(p.details) for h in seen for p in h.parts if p.part == "printer"]
    assert states.index(("paper_near_end",)) < states.index(("paper_out",))
    assert pty_printer.receipts == [] and k.printer.counters.snapshot().get("prints", 0) == prints
    # the home page in English too
    k.flow.toggle_language()
    pty_printer.set_state("out")
    assert wait_until(app, lambda: "out of paper" in window.prompt.text(), timeout=10 * PERIOD_S)


def test_a_check_never_interrupts_a_print_in_progress(pty_printer):
    """While a print owns the printer (its lock, from the status check to the last byte), the
    scheduled check is skipped rather than sending status queries into the receipt."""
    printer = ReceiptPrinter(f"serial://{pty_printer.pty_path}?baud=115200", device_id="watch-test-printer")
    printer.start()
    watch = DeviceWatch()
    watch.add("printer", printer, 60)
    check = watch.checks[0]
    try:
        watch.poll(check)
        assert (check.polls, check.skipped) == (1, 0)
        before = pty_printer.bytes_received
        holding, release = threading.Event(), threading.Event()

        def print_in_progress() -> None:
            with printer._lock:  # what print_blocks holds while it prints
                holding.set()
                release.wait(10)
        t = threading.Thread(target=print_in_progress)
        t.start()
        assert holding.wait(5)
        watch.poll(check)
        assert (check.polls, check.skipped) == (1, 1)
        assert pty_printer.bytes_received == before  # not one status query went out
        release.set()
        t.join(5)
        watch.poll(check)
        assert (check.polls, check.skipped) == (2, 1) and pty_printer.bytes_received > before
    finally:
        printer.close()


def test_the_watch_thread_checks_each_device_on_its_own_schedule(pty_printer):
    printer = ReceiptPrinter(f"serial://{pty_printer.pty_path}?baud=115200", device_id="watch-test-printer")
    printer.start()
    watch = DeviceWatch()
    watch.add("printer", printer, 0.2)
    watch.add("nothing", None, 0.2)  # a device the kiosk does not have is not checked
    try:
        watch.start()
        pty_printer.set_state("near_end")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and printer.last_status.details != ("paper_near_end",):
            time.sleep(0.05)
        assert printer.last_status.details == ("paper_near_end",) and len(watch.checks) == 1
    finally:
        watch.stop()
        printer.close()


def test_a_stopped_a4_queue_shows_before_a_licence_is_printed(suite_config, broker, device, cupsd, queue_url):
    """The A4 printer's CUPS queue (a private cupsd, a raw queue to a loopback listener) is checked
    on its schedule: a queue a clerk stopped is on the health topic (staff) before any citizen
    asks for a licence, and clears when the queue runs again."""
    cfg = KioskConfig(id="kiosk-01", hall=HALL, broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}),
                      a4_printer_url=queue_url, watch=DeviceWatchConfig(a4printer_s=PERIOD_S))
    k = Kiosk(cfg, suite_config.hall(HALL), password=broker.passwords["kiosk-01"])
    seen: list[DeviceHealth] = []
    device("supervisor-desk").subscribe(contract.DEVICE_HEALTH.format(hall=HALL, client="kiosk-01"),
                                        lambda msg: msg.payload and seen.append(contract.read(msg, DeviceHealth)))
    k.start()
    prints = k.a4.counters.snapshot().get("prints", 0)
    try:
        def a4() -> tuple | None:
            part = next((p for p in seen[-1].parts if p.part == "a4printer"), None) if seen else None
            return part and (part.state, part.action, "stopped" in part.details)

        def reached(want: tuple) -> bool:
            deadline = time.monotonic() + 20 * PERIOD_S
            while time.monotonic() < deadline and a4() != want:
                time.sleep(0.05)
            return a4() == want

        assert reached(("online", "none", False))
        cupsd.lp("cupsdisable", k.a4.queue)
        assert reached(("user_error", "staff", True))
        cupsd.lp("cupsenable", k.a4.queue)
        assert reached(("online", "none", False))
        assert k.a4.counters.snapshot().get("prints", 0) == prints
    finally:
        k.stop()
