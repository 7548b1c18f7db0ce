"""The attract screen, the record of touches and the timeout warning of the kiosk window.

- `TouchRecorder`: an application-wide event filter; every touch, click or key is the citizen's
  activity (kiosk_app/flows/activity.py), so a page's timeout counts from the last touch.
- `AttractPage`: shown after the home page is left alone (hall name, time, notices, the phone
  queue page's QR when the hall has one, "触摸屏幕开始 / Touch to start"); a touch goes home.
- `TimeoutWarning`: the countdown with "继续使用 / Continue" in the last seconds before a page
  gives up (its press is a touch like any other: the page stays).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from config.schema import HallConfig
from kiosk_app.flows.activity import Activity, countdown, phone_page_url
from kiosk_app.flows.service_state import service_states
from kiosk_app.i18n import tr

TOUCHES = (QEvent.MouseButtonPress, QEvent.TouchBegin, QEvent.KeyPress)
BG, YELLOW = "#0b3d91", "#ffd54f"


class TouchRecorder(QObject):
    """Installed on the QApplication: records the citizen's activity; `on_touch` after each."""

    def __init__(self, activity: Activity, on_touch: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.activity, self.on_touch = activity, on_touch

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in TOUCHES and obj.isWidgetType():
            self.activity.touch()
            self.on_touch()
        return False


class AttractPage(QWidget):
    """Nobody at the kiosk: what the hall is, the time, its notices, the phone page's QR."""

    def __init__(self, hall: HallConfig, clock, wake: Callable[[], None], qr_pixmap) -> None:
        super().__init__()
        self.setObjectName("attract")
        self.hall, self.clock, self.wake, self.qr_pixmap = hall, clock, wake, qr_pixmap
        lay = QVBoxLayout(self)
        self.name = QLabel()
        self.time = QLabel()
        self.notices = QLabel()
        self.notices.setWordWrap(True)
        self.qr = QLabel()
        self.qr_caption = QLabel()
        self.qr_caption.setWordWrap(True)
        self.touch = QLabel()
        for w in (self.name, self.time, self.notices, self.qr, self.qr_caption, self.touch):
            w.setAlignment(Qt.AlignCenter)
            w.setWordWrap(w is not self.qr)     # never wider than the screen, in any language
            lay.addWidget(w, 1 if w is self.notices else 0)
        self.url: str | None = None

    def _phone_qr(self) -> None:
        """The hall's phone page as it is now (a kiosk may learn or change its hall while it runs)."""
        url = phone_page_url(self.hall)
        if url != self.url:
            self.url = url
            if url is not None:
                self.qr.setPixmap(self.qr_pixmap(url, 320))
            else:
                self.qr.clear()
        self.qr.setVisible(url is not None)
        self.qr_caption.setVisible(url is not None)

    def render(self, lang: str) -> None:
        self._phone_qr()
        other = "en" if lang == "zh" else "zh"
        names = {"zh": self.hall.name, "en": self.hall.name_en or self.hall.name}
        self.name.setText(f"{names[lang]}\n{names[other]}")
        self.name.setStyleSheet("font-size:56px; font-weight:bold;")
        self.time.setText(f"{self.clock.now():%H:%M}")
        self.time.setStyleSheet("font-size:120px; font-weight:bold;")
        self.notices.setText("\n".join(self.hall.kiosk.notices))
        self.notices.setStyleSheet("font-size:40px;")
        self.qr_caption.setText(f"{tr('attract_phone', lang)}\n{tr('attract_phone', other)}")
        self.qr_caption.setStyleSheet("font-size:36px;")
        self.touch.setText(f"{tr('attract_touch', lang)} / {tr('attract_touch', other)}")
        self.touch.setStyleSheet(f"font-size:64px; font-weight:bold; color:{YELLOW};")

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.wake()
        event.accept()


class TimeoutWarning(QFrame):
    """An overlay over the whole window: the seconds left and 继续使用 / Continue."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("timeout-warning")
        self.setStyleSheet("QFrame#timeout-warning{{background:rgba(0,0,0,200);}} QLabel{{color:white;}}")
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignCenter)
        self.text.setWordWrap(True)
        lay.addWidget(self.text)
        self.button = QPushButton()
        self.button.setObjectName("timeout-continue")
        self.button.setMinimumHeight(140)
        self.button.clicked.connect(self.hide)   # the press itself is the touch that keeps the page
        lay.addWidget(self.button)
        lay.addStretch(1)
        self.seconds: int | None = None
        self.hide()

    def show_count(self, seconds: int | None, lang: str) -> None:
        self.seconds = seconds
        if seconds is None:
            self.hide()
            return
        other = "en" if lang == "zh" else "zh"
        self.text.setText(f"{tr('timeout_warning', lang, n=seconds)}\n{tr('timeout_warning', other, n=seconds)}")
        self.text.setStyleSheet("font-size:48px; font-weight:bold;")
        self.button.setText(f"{tr('timeout_continue', lang)} / {tr('timeout_continue', other)}")
        self.button.setStyleSheet(f"QPushButton{{background:{YELLOW}; color:{BG}; border-radius:24px; "
                                  "font-size:56px; font-weight:bold;}")
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()


class AttractHooks(QObject):
    """The attract page, the touch recorder and the warning of a KioskWindow (kiosk_app/qt/window.py
    builds one and asks `render` first for each screen)."""

    def __init__(self, window, qr_pixmap) -> None:
        super().__init__(window)
        self.window = window
        flow = window.flow
        if flow.activity is None:          # a window over a bare flow (no kiosk composition)
            flow.activity = Activity(flow.clock)
        self.page = AttractPage(window.hall, flow.clock, lambda: window.intent(flow.wake), qr_pixmap)
        window.stack.addWidget(self.page)
        self.warning = TimeoutWarning(window)
        self.recorder = TouchRecorder(flow.activity, self._touched, self)
        QApplication.instance().installEventFilter(self.recorder)
        self._states: dict[str, str] | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(250)

    def _touched(self) -> None:
        if self.window.flow.screen.page == "attract":
            self.window.flow.wake()

    def remaining(self) -> list[float | None]:
        """What each flow of the window has left before its page gives up."""
        w, s = self.window, self.window.flow.screen
        limit = w.flow.elderly_idle_timeout_s if s.elderly else w.flow.idle_timeout_s
        left = [w.flow.remaining()]
        if w.civic_page is not None:
            left.append(w.civic_page.civic.remaining(limit))
        if w.booking_page is not None:
            left.append(w.booking_page.booking.remaining(limit))
        for page, attr in ((w.citizen_page, "citizen"), (w.payment_page, "payment"), (w.identify_page, "identity")):
            if page is not None:
                left.append(getattr(page, attr).remaining())
        return left

    def check(self) -> None:
        """The countdown before a page gives up (the flows' own ticks make it give up); the home
        page again when a service opens or closes by the clock."""
        w = self.window
        states = service_states(w.hall, w.full, w.flow.clock.now())
        if states != self._states:
            self._states = states
            w.render(w.flow.screen)
        self.warning.show_count(countdown(self.remaining()), self.window.flow.screen.lang)

    def render(self, s) -> bool:
        """Show the attract page for the screen `attract`; True when it did."""
        attract = s.page == "attract"
        if self.window.assist is not None:
            self.window.assist.setVisible(not attract)
        self.window.header.setVisible(not attract)
        if attract:
            self.page.render(s.lang)
            self.window.stack.setCurrentWidget(self.page)
        return attract
