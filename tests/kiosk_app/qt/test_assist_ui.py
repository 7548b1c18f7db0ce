"""朗读 / Read aloud and 求助 / Help on every page of the real kiosk window (offscreen), walked
page by page on real parts (broker, controller, reference backend, ESC/POS emulator, the ID card
emulator behind the real reader): on each page both buttons are shown inside the window, the
page has something to say, and Read aloud renders exactly what that page says (the kiosk's
speech engine writes it; this test's loudspeaker is `none`, what is heard is
tests/kiosk_app/test_voice.py's)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect

from drivers.speech.output import AudioOutput
from hall_protocol.words import PROBLEMS
from kiosk_app.qt.assist import current_page
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application

from ..services_support import build, identify
from ..test_e2e import wait_until


@pytest.fixture
def kiosk(hall, broker, suite_config, printer_emulator, server):
    _, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}")
    s.kiosk.voice.output = AudioOutput("none")
    app = application()
    window = KioskWindow.for_kiosk(s.kiosk)
    window.show()
    yield app, window, s
    s.stop()
    window.close()
    window.deleteLater()
    app.processEvents()


def check_page(app, window, s, name: str, says: str) -> str | None:
    """Both buttons inside the window on this page; Read aloud renders what the page says."""
    for _ in range(5):
        app.processEvents()
    bar = window.assist
    inside = QRect(QPoint(0, 0), window.size())
    for button in (bar.read_button, bar.help_button):
        assert button.isVisible(), (name, button.objectName())
        top_left = button.mapTo(window, QPoint(0, 0))
        assert inside.contains(QRect(top_left, button.size())), (name, button.objectName())
    page, problem, text = current_page(window, s.flow.screen)
    assert page == name and says in text, (name, page, text)
    n = len(s.kiosk.voice.history)
    bar.read_button.click()
    assert wait_until(app, lambda: len(s.kiosk.voice.history) > n, 20), name
    assert s.kiosk.voice.history[-1].text == text
    return problem


def test_read_aloud_and_help_on_every_page(kiosk, server):
    app, window, s = kiosk
    flow = s.flow
    check_page(app, window, s, "home", "请选择您要办理的业务")
    flow.toggle_language()
    check_page(app, window, s, "home", "Please choose a service")
    assert s.kiosk.voice.history[-1].lang == "en"      # English pages in the English voice
    flow.toggle_language()

    window.findChild(type(window.assist.read_button), "guide").click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.civic_page)
    check_page(app, window, s, "guide", "办事指南")
    s.civic.close()
    window.findChild(type(window.assist.read_button), "rate").click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.civic_page and s.civic.screen.topic == "rate")
    check_page(app, window, s, "rating", "服务评价")
    s.civic.close()
    window.booking_button.click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.booking_page)
    check_page(app, window, s, "appointment", "预约签到")
    s.kiosk.booking.close()

    window.service_buttons["A"].click()
    assert wait_until(app, lambda: window.stack.currentIndex() == 1 and flow.screen.page == "ticket")
    check_page(app, window, s, "ticket", "您的号码是 A零零一")
    window.t_done.click()
    flow.choose_service("Z")                          # no such service: the error page
    assert wait_until(app, lambda: window.stack.currentIndex() == 2 and flow.screen.page == "error")
    problem = check_page(app, window, s, "ticket", "求助")  # the plain message: what to do next
    assert problem == "ticket_refused" and problem in PROBLEMS  # a help call names what failed in words staff read
    window.m_done.click()

    window.id_button.click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.identify_page)
    check_page(app, window, s, "identify", "请将身份证放在读卡区")
    identify(s, server.citizens()[0])
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page)
    check_page(app, window, s, "identify", "个人办事")
    window.findChild(type(window.assist.read_button), "menu-pay").click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.payment_page
                      and s.kiosk.payment.screen.page not in ("loading", "closed"), 20)   # settled: a new page silences
    check_page(app, window, s, "payment", "缴费")
    # nothing personal is said: not the name, not the ID number
    said = "\n".join(p.text for p in s.kiosk.voice.history)
    who = server.citizens()[0]
    assert who["name"] not in said and who["id_number"] not in said and who["id_number"][-4:] not in said
