"""End to end: the real kiosk window (offscreen) takes a ticket through the real broker and
controller, prints it on the ESC/POS emulator over TCP, a caller calls it, the calling
screen shows it. Nothing of our own is mocked."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from config.schema import KioskConfig
from hall_apps.caller_model import CallerClient
from hall_apps.calling_screen import CallingScreen
from hall_apps.screen_model import ScreenModel
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application, process_until


def wait_until(app, cond, timeout=10.0):
    return process_until(app, cond, timeout)


@pytest.fixture
def keep():
    """Windows made by a test live until every MQTT thread has stopped (requested first,
    so this teardown runs last); deleting a widget while a thread signals it crashes Qt."""
    held: list = []
    yield held.append
    app = application()
    for w in held:
        w.close()
        w.deleteLater()
    app.processEvents()


@pytest.fixture
def kiosk(suite_config, broker, controller, printer_emulator):
    _, port = printer_emulator
    cfg = KioskConfig(id="kiosk-01", hall="demo-hall", printer_url=f"tcp://127.0.0.1:{port}",
                      broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}))
    k = Kiosk(cfg, suite_config.hall("demo-hall"), password=broker.passwords["kiosk-01"])
    k.start()
    yield k
    k.stop()


def test_citizen_takes_ticket_it_prints_and_the_screen_shows_the_call(keep, kiosk, printer_emulator, device, suite_config,
                                                                      controller):
    app = application()
    emu, _ = printer_emulator
    window = KioskWindow(kiosk.flow, suite_config.hall("demo-hall"))
    keep(window)
    window.show()
    QTest.mouseClick(window.service_buttons["B"], Qt.LeftButton)
    assert wait_until(app, lambda: kiosk.flow.screen.page == "ticket")
    s = kiosk.flow.screen
    assert s.ticket.number == "B001" and s.printed and not s.show_qr
    assert wait_until(app, lambda: window.t_number.text() == "B001")  # rendered on the UI thread
    assert window.t_ahead.text() == "前面还有 0 人"

    receipt = emu.wait_for_receipts(1)[0]
    text = "\n".join(receipt.lines)
    assert "B001" in text and "社保医保" in text and "前面还有 0 人" in text
    # the QR leads to the ticket's own page, by its unguessable token, never by its number
    token = controller.queues["demo-hall"].ticket("B001").token
    assert len(token) >= 22 and receipt.qr_payloads == [f"http://127.0.0.1:8080/t/demo-hall/{token}"]

    screen_ep = device("screen-main")
    model = ScreenModel("demo-hall")
    model.attach(screen_ep)
    screen = CallingScreen(model)
    keep(screen)
    model.on_broker(True)
    CallerClient(device("caller-w3"), "demo-hall", 3).command("call_next")
    assert wait_until(app, lambda: model.board is not None and model.board.current
                      and model.board.current[0].ticket == "B001")
    assert wait_until(app, lambda: "B001" in screen.big.text() and "3" in screen.big.text())
    assert wait_until(app, lambda: model.connected and screen.banner.isHidden())


def test_paper_out_shows_ticket_as_qr_and_reports_the_fault(keep, kiosk, printer_emulator, suite_config):
    app = application()
    emu, _ = printer_emulator
    emu.set_state("out")
    window = KioskWindow(kiosk.flow, suite_config.hall("demo-hall"))
    keep(window)
    QTest.mouseClick(window.service_buttons["A"], Qt.LeftButton)
    assert wait_until(app, lambda: kiosk.flow.screen.page == "ticket")
    s = kiosk.flow.screen
    assert s.ticket.number == "A001" and not s.printed and s.show_qr
    assert wait_until(app, lambda: "二维码" in window.t_message.text())
    assert not window.t_qr.pixmap().isNull()
    assert kiosk.faults and kiosk.faults[0][0] == "printer"
    assert emu.receipts == []


def test_language_switch_and_session_wipe(keep, kiosk, suite_config):
    app = application()
    window = KioskWindow(kiosk.flow, suite_config.hall("demo-hall"))
    keep(window)
    QTest.mouseClick(window.lang_button, Qt.LeftButton)
    # the page's language first (a long name wraps to the button's width: "A  General\nServices")
    assert wait_until(app, lambda: window.service_buttons["A"].text().split("\n")[0].startswith("A  General"))
    QTest.mouseClick(window.service_buttons["D"], Qt.LeftButton)
    assert wait_until(app, lambda: kiosk.flow.screen.page == "ticket")
    assert wait_until(app, lambda: window.t_service.text() == "Business Registration")
    kiosk.flow.reset()
    assert kiosk.flow.screen.ticket is None and kiosk.flow.screen.page == "home"


def test_controller_lost_shows_banner_and_recovers(keep, suite_config, broker, device):
    """The screen says when it has lost the controller, and rebuilds when it is back."""
    from hall_controller.service import HallController
    from hall_controller.store.db import make_engine
    app = application()
    model = ScreenModel("demo-hall")
    ep = device("screen-main")
    model.attach(ep)
    model.on_broker(True)
    screen = CallingScreen(model)
    keep(screen)
    c = HallController(suite_config, make_engine(suite_config.database.url),
                       password=broker.passwords[suite_config.controller_id])
    c.start()
    assert wait_until(app, lambda: model.connected and model.board is not None)
    c.endpoint.client._sock.close()  # the controller dies without a goodbye: the broker sends its will
    c.endpoint.client.loop_stop()
    assert wait_until(app, lambda: not model.controller_up and not screen.banner.isHidden(), timeout=90)
    assert "失去连接" in screen.banner.text()
    c2 = HallController(suite_config, make_engine(suite_config.database.url),
                        password=broker.passwords[suite_config.controller_id])
    c2.start()
    assert wait_until(app, lambda: model.connected and screen.banner.isHidden())
    c2.stop()
    c.stop()  # the crashed one's own threads (housekeeping, backend link) end too
