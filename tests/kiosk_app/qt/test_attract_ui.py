"""The attract screen and the timeout warning of the real kiosk window (offscreen), over the
kiosk's own composition on real parts (broker, controller, reference backend, ID card emulator
behind the real reader, ESC/POS emulator); the flows' clock is a FakeClock the test moves, the
touches are real Qt mouse events through the application's event filter. Set KIOSK_SCREENS=docs/screens
to also write kiosk-attract.png and kiosk-timeout-warning.png."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk_app.qt.window import KioskWindow
from qtkit.common import application

from ..services_support import build
from ..flows.test_payment import qr_from_png
from ..test_e2e import wait_until
from .test_services_ui import shot


@pytest.fixture
def kiosk(hall, broker, suite_config, printer_emulator, server):
    _, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}")
    app = application()
    window = KioskWindow.for_kiosk(s.kiosk)
    window.show()
    yield app, window, s
    s.stop()
    window.close()
    window.deleteLater()
    app.processEvents()


def visible_texts(window) -> str:
    page = window.stack.currentWidget()
    return "\n".join(w.text() for w in page.findChildren(QLabel) + page.findChildren(QPushButton)
                     if w.isVisibleTo(window))


def touch(app, widget) -> None:
    """A real press on the screen (through QApplication, so the event filter sees it)."""
    QTest.mouseClick(widget, Qt.LeftButton)
    app.processEvents()


def test_the_attract_screen_after_inactivity_and_a_touch_leaves_it(kiosk, tmp_path):
    app, window, s = kiosk
    s.clock.advance(s.flow.attract_after_s - 1)
    assert s.flow.tick().page == "home"
    touch(app, window.header)                      # someone is there: the time starts again
    s.flow.toggle_language()                       # and reads in English
    s.clock.advance(s.flow.attract_after_s - 1)
    assert s.flow.tick().page == "home"
    s.clock.advance(1)
    assert s.flow.tick().page == "attract" and s.flow.screen.lang == "zh"   # the next citizen: the kiosk's language
    assert wait_until(app, lambda: window.stack.currentWidget() is window.attract.page)
    text = visible_texts(window)
    assert s.kiosk.hall.name in text and "触摸屏幕开始" in text and "Touch to start" in text
    assert f"{s.clock.now():%H:%M}" in text
    assert not window.header.isVisible()
    shot(window, tmp_path, "kiosk-attract.png")
    # the hall takes phone tickets: the QR leads to its phone queue page (hall_web's /h/<hall>)
    hall = s.kiosk.hall
    assert hall.phone_page is not None and window.attract.page.qr.isVisible()   # the controller says the page
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    window.attract.page.qr.grab().save(buf, "PNG")
    expected = hall.ticket_url.split("/t/{hall}/{token}")[0] + f"/h/{hall.id}"
    assert qr_from_png(bytes(buf.data())) == expected
    assert window.width() <= 1080                  # never wider than the panel (the English name wraps)
    touch(app, window.attract.page.touch)
    assert wait_until(app, lambda: s.flow.screen.page == "home" and window.stack.currentIndex() == 0)
    assert window.header.isVisible()


def test_reading_a_guide_with_touches_is_never_thrown_out_and_the_warning_counts_down(kiosk, tmp_path):
    app, window, s = kiosk
    window.findChild(QPushButton, "guide").click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.civic_page and s.civic.active)
    limit = s.flow.idle_timeout_s
    for _ in range(int(3 * limit / 10)):           # three timeouts long, a touch every 10 s
        s.clock.advance(10)
        touch(app, window.header)
        s.civic.tick(limit)
        s.flow.tick()
        window.attract.check()
        assert s.civic.active and not window.attract.warning.isVisible()
    assert window.stack.currentWidget() is window.civic_page
    # no touch: the warning in the last 15 s, counting down
    s.clock.advance(limit - 15)
    s.civic.tick(limit)
    window.attract.check()
    warning = window.attract.warning
    assert s.civic.active and warning.isVisible() and warning.seconds == 15
    assert "15" in warning.text.text() and "继续使用" in warning.button.text()
    shot(window, tmp_path, "kiosk-timeout-warning.png")
    s.clock.advance(5)
    window.attract.check()
    assert warning.seconds == 10 and "10" in warning.text.text()
    # 继续使用 keeps the page
    touch(app, warning.button)
    assert not warning.isVisible()
    s.clock.advance(limit - 1)
    s.civic.tick(limit)
    assert s.civic.active and window.stack.currentWidget() is window.civic_page
    # otherwise home after the countdown
    s.clock.advance(1)
    s.civic.tick(limit)
    assert not s.civic.active
    assert wait_until(app, lambda: window.stack.currentIndex() == 0)
    window.attract.check()
    assert not warning.isVisible()


def test_the_no_paper_page_shows_the_instructions_next_to_the_qr_until_done(kiosk, printer_emulator, tmp_path):
    app, window, s = kiosk
    emu, _ = printer_emulator
    emu.set_state("out")
    window.service_buttons["A"].click()
    assert wait_until(app, lambda: s.flow.screen.page == "ticket" and window.stack.currentIndex() == 1)
    for _ in range(5):
        app.processEvents()
    qr, text = window.t_qr, window.t_message
    assert qr.isVisible() and text.isVisible() and "拍照" in text.text() and "自助机" not in text.text()
    q, t = qr.geometry(), text.geometry()
    assert t.left() >= q.right() and t.top() < q.bottom() and q.top() < t.bottom()   # side by side
    shot(window, tmp_path, "kiosk-no-paper-page.png")
    assert text.mapTo(window, QPoint(0, 0)).x() + t.width() <= window.width()      # inside the screen
    s.clock.advance(119)
    s.flow.tick()
    assert s.flow.screen.page == "ticket" and window.t_qr.isVisible()
    window.t_done.click()                                # 完成 / Done
    assert wait_until(app, lambda: s.flow.screen.page == "home" and window.stack.currentIndex() == 0)


def test_the_guide_list_in_english_marks_what_the_platform_has_in_chinese_only(kiosk):
    app, window, s = kiosk
    s.flow.toggle_language()
    window.findChild(QPushButton, "guide").click()
    assert wait_until(app, lambda: window.findChild(QPushButton, "matter-B001") is not None
                      and window.findChild(QPushButton, "matter-A001") is not None)
    a001 = window.findChild(QPushButton, "matter-A001").text()
    b001 = window.findChild(QPushButton, "matter-B001").text()
    assert a001 == "Household registration certificate\nCity Public Security Bureau"
    assert b001 == "社会保障卡申领 (Chinese only)\n市人力资源和社会保障局 (Chinese only)"


def test_the_kiosk_file_sets_the_attract_and_no_paper_times(suite_config, broker):
    from kiosk_app.app import Kiosk

    from ..services_support import HALL, kiosk_config
    config = kiosk_config(suite_config, attract_after_s=30, no_paper_timeout_s=300)
    kiosk = Kiosk(config, suite_config.hall(HALL), password=broker.passwords["kiosk-01"])
    try:
        assert (kiosk.flow.attract_after_s, kiosk.flow.no_paper_timeout_s) == (30, 300)
        assert kiosk.civic.activity is kiosk.flow.activity is kiosk.booking.activity is not None
    finally:
        kiosk.stop()


def test_no_phone_qr_on_the_attract_screen_of_a_hall_without_phone_tickets(suite_config):
    from kiosk_app.flows.activity import phone_page_url

    from ..services_support import HALL
    hall = suite_config.hall(HALL)
    assert phone_page_url(hall) == hall.ticket_url.split("/t/")[0] + f"/h/{HALL}"
    assert phone_page_url(hall.model_copy(update={"remote": None})) is None
