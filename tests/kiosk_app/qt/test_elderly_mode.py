"""The elderly mode (长辈版) of the real kiosk window (offscreen, on real parts: broker, controller,
reference backend, the ID card emulator behind the real reader): its switch above every page,
its offer when an identified citizen's card shows the hall's age, and its longer idle time in
every flow, the identified session included (the window's own timers drive the flows; the kiosk's
clock is a FakeClock moved by the test)."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, QRect

from drivers.speech.output import AudioOutput
from kiosk_app.flows.identity import IDENTIFIED
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


def age(citizen: dict, today: date) -> int:
    birth = date.fromisoformat(citizen["birth"])
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def on_screen(window, widget) -> bool:
    return widget.isVisible() and QRect(QPoint(0, 0), window.size()).contains(
        QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))


def test_the_switches_are_above_every_page(kiosk):
    app, window, s = kiosk
    for open_page in (lambda: None, window.guide_button.click, window.booking_button.click):
        open_page()
        for _ in range(5):
            app.processEvents()
        assert on_screen(window, window.elderly_button) and on_screen(window, window.lang_button)
        s.civic.close()
        s.kiosk.booking.close()
    assert window.elderly_button.text() == "长辈版"
    window.elderly_button.click()
    assert wait_until(app, lambda: window.elderly_button.text() == "标准版")
    assert window.prompt.font().pixelSize() >= 64 and window.elderly_button.height() >= 128


def test_an_elderly_card_offers_the_mode(kiosk, server):
    app, window, s = kiosk
    today = s.clock.now().date()
    limit = s.kiosk.hall.kiosk.elderly_mode_age
    old = next(c for c in server.citizens() if age(c, today) >= limit)
    young = next(c for c in server.citizens() if age(c, today) < limit)
    identify(s, young)
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page)
    assert not window.offer.isVisible()
    s.citizen.finish()
    assert wait_until(app, lambda: window.stack.currentIndex() == 0)
    identify(s, old)
    assert wait_until(app, lambda: window.offer.isVisible())
    assert f"{limit}" in window.offer_text.text() and on_screen(window, window.offer_button)
    window.offer_button.click()
    assert wait_until(app, lambda: s.flow.screen.elderly and not window.offer.isVisible())
    assert window.citizen_page.title.font().pixelSize() >= 64
    s.citizen.finish()
    assert wait_until(app, lambda: window.stack.currentIndex() == 0 and not window.offer.isVisible())


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
def test_an_identified_session_waits_the_modes_time(kiosk, server, elderly):
    """60 s (idle_timeout_s) in normal mode; 120 s (elderly_idle_timeout_s) in elderly mode: the
    identity flow was wiped after 60 s whatever the mode."""
    app, window, s = kiosk
    if elderly:
        window.elderly_button.click()
        assert wait_until(app, lambda: s.flow.screen.elderly)
    identify(s, server.citizens()[0])
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page)
    s.clock.advance(90)                       # past the normal time, within the elderly time
    # wiped: the home page, or the attract screen (home left alone 90 s shows it at once)
    wiped = lambda: (s.identity_flow.view.state != IDENTIFIED  # noqa: E731
                     and (window.stack.currentIndex() == 0 or s.flow.screen.page == "attract"))
    if not elderly:
        assert wait_until(app, wiped, 10)
        return
    assert not wait_until(app, wiped, 3)      # the window's timers have ticked (every second) meanwhile
    assert window.stack.currentWidget() is window.citizen_page
    s.clock.advance(40)                       # 130 s: past the elderly time too
    assert wait_until(app, wiped, 10)


def test_the_payment_page_waits_the_elderly_time(kiosk, server):
    """The payment flow closed its page after idle_timeout_s whatever the mode."""
    app, window, s = kiosk
    window.elderly_button.click()
    assert wait_until(app, lambda: s.flow.screen.elderly)
    identify(s, server.citizens()[0])
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page)
    s.citizen.pay()
    payment = s.kiosk.payment
    assert wait_until(app, lambda: window.stack.currentWidget() is window.payment_page
                      and payment.screen.page == "owed", 20)
    s.clock.advance(90)
    assert not wait_until(app, lambda: not payment.active, 3)
    assert window.stack.currentWidget() is window.payment_page
    s.clock.advance(40)
    assert wait_until(app, lambda: not payment.active, 10)


def test_the_language_switch_turns_the_open_page(kiosk, server):
    """中文/English above a service page turns that page (its title, buttons and instruction),
    not only the pages opened after it."""
    app, window, s = kiosk
    window.guide_button.click()
    assert wait_until(app, lambda: s.civic.screen.page == "guide_list" and window.civic_page.title.text() == "办事指南")
    window.lang_button.click()
    assert wait_until(app, lambda: s.civic.screen.lang == "en" and window.civic_page.title.text() == "Service Guide"
                      and window.civic_page.message.text() == "Please choose a matter")
    s.civic.close()
    window.booking_button.click()                 # opened in English now
    assert wait_until(app, lambda: window.stack.currentWidget() is window.booking_page
                      and window.booking_page.title.text() == "Check in a booking")
    window.lang_button.click()
    assert wait_until(app, lambda: s.kiosk.booking.screen.lang == "zh" and window.booking_page.title.text() == "预约签到"
                      and "预约码" in window.booking_page.message.text())
