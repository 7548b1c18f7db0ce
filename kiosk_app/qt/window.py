"""The kiosk's window: renders the flow's Screen and sends intents; nothing else.

Device and network work runs on a thread pool; results come back through a signal.
"""
from __future__ import annotations

import io

import qrcode
from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QApplication, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QStackedWidget,
                               QVBoxLayout, QWidget)

from kiosk_app.qt import theme
from kiosk_app.qt.icons import service_icon
from kiosk_app.qt.pagekit import fit_wrapped, scroll_box, wrap_line
from kiosk_app.qt.theme import GOLD, MARGIN, PAGE, WARN, WHITE, button_css, look_for, mark, text_css

from config.schema import HallConfig
from hall_protocol.contract import Board
from kiosk_app.flows.service_state import service_states, state_text
from kiosk_app.flows.ticket import PRIORITY_NOTES, KioskFlow, Screen, estimate_text
from kiosk_app.i18n import tr
from kiosk_app.qt.attract import AttractHooks
GREYED = "QPushButton{background:#cfd8dc; color:#263238; border-radius:24px; %s}"   # full or not open now

BG = PAGE
DESIGN_SIZE = (1080, 1920)   # the kiosk's portrait panel; also laid out at 1920x1080 and 1280x1024


class _Bridge(QObject):
    changed = Signal(object)
    board = Signal(object)
    hall = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def run(self) -> None:
        self.fn()


def qr_pixmap(text: str, size: int) -> QPixmap:
    img = qrcode.make(text, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    pm = QPixmap()
    pm.loadFromData(buf.getvalue(), "PNG")
    return pm.scaled(size, size, Qt.KeepAspectRatio, Qt.SmoothTransformation)


class KioskWindow(QWidget):
    def __init__(self, flow: KioskFlow, hall: HallConfig, identity=None, citizen=None, civic=None,
                 booking=None, payment=None, voice=None, help=None) -> None:
        super().__init__()
        self.flow, self.hall = flow, hall
        self.assist = None   # kiosk_app/qt/assist.py: read aloud and help under every page
        self.identify_page = None   # kiosk_app/qt/identify_page.py, when the kiosk identifies citizens
        self.citizen_page = self.civic_page = None   # kiosk_app/qt/citizen_page.py, civic_page.py
        self.pool = QThreadPool.globalInstance()
        self.bridge = _Bridge(self)
        # Always the flow's newest screen: a change made on a worker thread arrives queued, and
        # its snapshot may be older than what the UI thread did meanwhile (e.g. "done").
        self.bridge.changed.connect(lambda _screen: self.render(self.flow.screen))
        self.bridge.board.connect(self._board)
        self.bridge.hall.connect(self._hall_changed)
        flow.listeners.append(self.bridge.changed.emit)
        if hasattr(hall, "listeners"):   # kiosk_app/hall_source.py: the controller's configuration, live
            hall.listeners.append(self.bridge.hall.emit)
        self.waiting: dict[str, int] = {}
        self.full: list[str] = []
        self.setWindowTitle(f"{tr('title', 'zh')} / {tr('title', 'en')}")
        self.resize(*DESIGN_SIZE)
        self.setStyleSheet(f"background:{BG}; color:{WHITE};")
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(MARGIN, MARGIN // 2, MARGIN, MARGIN // 2)
        self.header = mark(QLabel(), "body")
        self.header.setAlignment(Qt.AlignCenter)
        self.header.setWordWrap(True)        # a long English hall name wraps, never widens the window
        self._home_layout = (0, 0, 0)     # (columns, columns of the other choices, how many) laid out for
        self._build_home()
        outer.addLayout(self._build_top())
        outer.addWidget(self._build_offer())
        outer.addWidget(self.stack, 1)
        self._build_ticket()
        self._build_message()
        if identity is not None:
            self._build_identify(identity)
        self._build_services(citizen, civic)
        self.booking_page = self.payment_page = None
        self._build_booking_payment(booking, payment)
        if voice is not None or help is not None:
            self._build_assist(voice, help, outer)
        self.attract = AttractHooks(self, qr_pixmap)   # attract screen, last touch, timeout warning
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.flow.tick)
        self.timer.start(1000)
        for i in range(self.stack.count()):     # every page's buttons line up with the bars above and below
            self.stack.widget(i).layout().setContentsMargins(0, 0, 0, 0)
        fit_wrapped(self)
        self.render(flow.screen)

    # -- pages ------------------------------------------------------------------------
    def _build_home(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        self.prompt = mark(QLabel(), "primary")
        self.prompt.setAlignment(Qt.AlignCenter)
        self.prompt.setWordWrap(True)
        lay.addWidget(self.prompt, 0)
        # the choices fill the page (no empty band); a panel too small for them scrolls
        area, inner = scroll_box()
        lay.addWidget(area, 1)
        self.service_grid = QGridLayout()
        self.service_grid.setSpacing(theme.GAP)
        self.service_buttons: dict[str, QPushButton] = {}
        self._fill_services()
        inner.setAlignment(Qt.Alignment())
        inner.addLayout(self.service_grid, 1)
        self.more_grid = QGridLayout()      # identify, booking, guide, rating, guide me (_arrange_home)
        self.more_grid.setSpacing(theme.GAP)
        inner.addLayout(self.more_grid)
        self.stack.addWidget(page)

    def _fill_services(self) -> None:
        """One button per service of the hall as known now (none while connecting); called again
        when the controller's configuration changes."""
        for b in self.service_buttons.values():
            self.service_grid.removeWidget(b)
            b.deleteLater()
        self.service_buttons = {}
        for i, svc in enumerate(self.hall.services):
            b = mark(QPushButton(), "primary")
            b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
            b.setIcon(service_icon(svc))
            b.setObjectName(f"service-{svc.code}")
            b.clicked.connect(lambda _=False, code=svc.code: self.intent(lambda: self.flow.choose_service(code)))
            self.service_grid.addWidget(b, i // 2, i % 2)
            self.service_buttons[svc.code] = b
        self._home_layout = (0, 0, 0)       # laid out again for the panel at the next render

    def _hall_changed(self, _hall) -> None:
        """A new configuration from the controller (UI thread): the home page's services again; a
        page in use is left as it is."""
        if [s.code for s in self.hall.services] != list(self.service_buttons):
            self._fill_services()
        self.render(self.flow.screen)

    def _more_buttons(self) -> list[QPushButton]:
        """The home page's other choices, in the order shown."""
        names = ("id_button", "booking_button", "guide_button", "rate_button")
        found = [getattr(self, n, None) for n in names]
        if self.assist is not None and self.assist.guide_button is not None:
            found.append(self.assist.guide_button)
        return [b for b in found if b is not None]

    def _arrange_home(self, elderly: bool) -> None:
        """Lay the home page's buttons out for the panel's shape and the mode: portrait two
        columns of services (elderly: one, larger), landscape four (elderly: two)."""
        # a column per 480 px (elderly: per 720 px): 1080 portrait two (one), 1920 landscape four (two)
        columns = max(1, min(4, self.width() // (720 if elderly else 480)))
        more_columns = max(2, min(4, self.width() // (600 if elderly else 480)))
        key = (columns, more_columns, len(self._more_buttons()))
        if key == self._home_layout:
            return
        self._home_layout = key
        for i, b in enumerate(self.service_buttons.values()):
            self.service_grid.removeWidget(b)
            self.service_grid.addWidget(b, i // columns, i % columns)
        for i, b in enumerate(self._more_buttons()):
            self.more_grid.removeWidget(b)
            self.more_grid.addWidget(b, i // more_columns, i % more_columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.render(self.flow.screen)

    def _build_top(self) -> QHBoxLayout:
        """The hall's name, the language switch and the elderly mode's switch, above every page."""
        row = QHBoxLayout()
        row.addWidget(self.header, 1)
        self.lang_button = QPushButton()
        self.lang_button.setObjectName("language")
        self.lang_button.clicked.connect(self._toggle_language)
        self.elderly_button = QPushButton()
        self.elderly_button.setObjectName("elderly")
        self.elderly_button.clicked.connect(self._toggle_elderly)
        for b in (self.lang_button, self.elderly_button):
            row.addWidget(b)
        return row

    def _build_offer(self) -> QWidget:
        """"您已年满 65 岁，可使用长辈版": shown once an identified citizen's card shows the hall's
        `kiosk.elderly_mode_age` (config/schema.py KioskPolicy), while the kiosk is in normal mode."""
        self.offer = QWidget()
        self.offer.setObjectName("elderly-offer")
        row = QHBoxLayout(self.offer)
        row.setContentsMargins(0, 0, 0, 0)
        self.offer_text = mark(QLabel(), "body")
        self.offer_text.setWordWrap(True)
        self.offer_button = QPushButton()
        self.offer_button.setObjectName("elderly-offer-yes")
        self.offer_button.clicked.connect(lambda: None if self.flow.screen.elderly else self._toggle_elderly())
        row.addWidget(self.offer_text, 1)
        row.addWidget(self.offer_button)
        self.offer.hide()
        return self.offer

    def _toggle_elderly(self) -> None:
        """The elderly mode's switch of every page: the open service page is drawn again at once
        in the mode's sizes (it renders on its own flow's changes otherwise)."""
        self.flow.toggle_elderly()
        page = self._service_page()
        if page is not None and page is not self.identify_page:
            page.render()

    def _toggle_language(self) -> None:
        """The language switch of every page: the ticket flow's language, and the open service
        page's when it keeps its own."""
        self.flow.toggle_language()
        page = self._service_page()
        lang = self.flow.screen.lang
        for flow in (getattr(page, "civic", None), getattr(page, "citizen", None), getattr(page, "booking", None),
                     getattr(page, "payment", None)):
            if flow is not None and hasattr(flow, "set_lang"):
                self.intent(lambda f=flow: f.set_lang(lang))
        if page is not None:
            self.render(self.flow.screen)

    def _build_ticket(self) -> None:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        area, lay = scroll_box()           # a panel too short for the ticket scrolls; the button stays
        lay.setAlignment(Qt.Alignment())
        outer.addWidget(area, 1)
        self.t_caption = QLabel()
        self.t_number = QLabel()
        self.t_service = QLabel()
        self.t_ahead = QLabel()
        self.t_wait = QLabel()
        self.t_area = QLabel()
        self.t_qr = QLabel()
        self.t_message = QLabel()
        self.t_message.setWordWrap(True)
        for w, role in ((self.t_caption, "primary"), (self.t_number, "display"), (self.t_service, "title"),
                        (self.t_ahead, "body"), (self.t_wait, "body"), (self.t_area, "body"),
                        (self.t_message, "primary"), (self.t_qr, "")):   # "scan the QR code below": above it
            w.setAlignment(Qt.AlignCenter)
            w.setWordWrap(w is not self.t_qr)
            if role:
                mark(w, role)
        # no paper: the instructions next to the QR, large
        qr_row = QWidget()
        row = QHBoxLayout(qr_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.t_qr)
        row.addWidget(self.t_message, 1)
        # portrait: one column; landscape: the number on the left, what to do on the right
        self.t_grid = QGridLayout()
        self.t_grid.setSpacing(theme.GAP)
        self._ticket_landscape: bool | None = None
        self.t_halves = (QWidget(), QWidget())
        for half, widgets in zip(self.t_halves, ((self.t_caption, self.t_number, self.t_service),
                                                 (self.t_ahead, self.t_wait, self.t_area, qr_row))):
            column = QVBoxLayout(half)
            column.setContentsMargins(0, 0, 0, 0)
            column.setAlignment(Qt.AlignVCenter)
            for w in widgets:
                column.addWidget(w)
        lay.addStretch(1)               # the ticket in the middle of the page, the button at the bottom
        lay.addLayout(self.t_grid)
        lay.addStretch(1)
        self.t_done = mark(QPushButton(), "primary")
        self.t_done.setObjectName("ticket-done")
        self.t_done.clicked.connect(self.flow.done)
        outer.addWidget(self.t_done)
        self.stack.addWidget(page)

    def _arrange_ticket(self) -> None:
        landscape = self.width() > self.height()
        if landscape == self._ticket_landscape:
            return
        self._ticket_landscape = landscape
        left, right = self.t_halves
        for half in (left, right):
            self.t_grid.removeWidget(half)
        self.t_grid.addWidget(left, 0, 0)
        self.t_grid.addWidget(right, 0 if landscape else 1, 1 if landscape else 0)

    def _build_message(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.m_text = mark(QLabel(), "primary")
        self.m_text.setWordWrap(True)
        self.m_text.setAlignment(Qt.AlignCenter)
        lay.addWidget(self.m_text, 1)
        self.m_done = mark(QPushButton(), "primary")
        self.m_done.setObjectName("message-done")
        self.m_done.clicked.connect(self.flow.done)
        lay.addWidget(self.m_done)
        self.stack.addWidget(page)

    def _build_identify(self, identity) -> None:
        from kiosk_app.qt.identify_page import IdentifyPage
        self.identify_page = IdentifyPage(identity, lambda: self.flow.screen.lang, self.intent, look=self.look)
        self.identify_page.bridge.view.connect(lambda _view: self.render(self.flow.screen))
        self.stack.addWidget(self.identify_page)
        self.id_button = QPushButton()
        self.id_button.setObjectName("identify")
        self.id_button.clicked.connect(lambda: self.intent(identity.begin))
        self.more_grid.addWidget(self.id_button)
        timer = QTimer(self)
        timer.timeout.connect(lambda: self.intent(lambda: identity.tick(self.idle_limit())))
        timer.start(1000)

    def _build_services(self, citizen, civic) -> None:
        """The guide and rating pages (no ID needed) and the identified citizen's pages."""
        from kiosk_app.qt.citizen_page import CitizenPage
        from kiosk_app.qt.civic_page import CivicPage
        rerender = lambda _screen: self.render(self.flow.screen)  # noqa: E731
        timer = QTimer(self)
        if civic is not None:
            self.civic_page = CivicPage(civic, self.hall, self.look, self.intent)
            self.civic_page.bridge.changed.connect(rerender)
            self.stack.addWidget(self.civic_page)
            self.guide_button = QPushButton()
            self.guide_button.setObjectName("guide")
            self.guide_button.clicked.connect(lambda: self.intent(lambda: civic.open_guide(self.flow.screen.lang)))
            self.rate_button = QPushButton()
            self.rate_button.setObjectName("rate")
            self.rate_button.clicked.connect(lambda: civic.open_rating(self.flow.screen.lang))
            for b in (self.guide_button, self.rate_button):
                self.more_grid.addWidget(b)
            timer.timeout.connect(lambda: civic.tick(self.idle_limit()))
        if citizen is not None:
            self.citizen_page = CitizenPage(citizen, self.look, self.intent)
            self.citizen_page.bridge.changed.connect(rerender)
            self.stack.addWidget(self.citizen_page)
            timer.timeout.connect(citizen.tick)
        timer.start(1000)

    def _build_booking_payment(self, booking, payment) -> None:
        """Booking check-in (kiosk_app/qt/booking_page.py, a button on the home page) and the
        identified citizen's payment (kiosk_app/qt/payment_page.py, from the citizen's menu)."""
        from kiosk_app.qt.booking_page import BookingPage
        from kiosk_app.qt.payment_page import PaymentPage
        rerender = lambda _screen: self.render(self.flow.screen)  # noqa: E731
        timer = QTimer(self)
        if booking is not None:
            self.booking_page = BookingPage(booking, self.look, self.intent)
            self.booking_page.bridge.changed.connect(rerender)
            self.stack.addWidget(self.booking_page)
            self.booking_button = QPushButton()
            self.booking_button.setObjectName("booking")
            self.booking_button.clicked.connect(lambda: booking.open(self.flow.screen.lang))
            self.more_grid.addWidget(self.booking_button)
            timer.timeout.connect(lambda: booking.tick(self.idle_limit()))
        if payment is not None:
            self.payment_page = PaymentPage(payment, self.look, self.intent)
            self.payment_page.bridge.changed.connect(rerender)
            self.stack.addWidget(self.payment_page)
            timer.timeout.connect(lambda: self.intent(lambda: payment.tick(self.idle_limit())))   # network: off the UI
        timer.start(1000)

    def _build_assist(self, voice, help, outer) -> None:
        from kiosk_app.qt.assist import AssistBar
        self.assist = AssistBar(self, voice, help)
        outer.addWidget(self.assist)
        if self.hall.robot is not None:
            self.assist.add_guide_button(self.more_grid)
        if help is not None:
            timer = QTimer(self)
            timer.timeout.connect(help.tick)
            timer.start(1000)

    def _service_page(self):
        """The page of a service in use, if any: payment, booking, rating/guide, then the citizen's,
        then identify."""
        for page in (self.payment_page, self.booking_page):
            if page is not None and page.active:
                return page
        if self.civic_page is not None and self.civic_page.civic.active:
            return self.civic_page
        if self.citizen_page is not None and self.citizen_page.citizen.active:
            return self.citizen_page
        citizen_busy = self.citizen_page is not None and self.citizen_page.citizen.session
        if self.identify_page is not None and self.identify_page.active and not citizen_busy:
            return self.identify_page
        return None

    # -- the locked-down terminal (kiosk_app/qt/lockdown.py) ------------------------------
    locked = False
    technician_page = None

    def lock_down(self, *, kiosk_mode: bool, hide_cursor: bool = False, technician=None) -> None:
        """Kiosk mode (frameless, full screen, not closable from outside), no context menus, and
        the technician page behind a long press in the corner when a PIN is configured."""
        from kiosk_app.qt.lockdown import lock_down
        from kiosk_app.qt.technician_page import TechnicianPage
        if technician is not None and technician.enabled:
            self.technician_page = TechnicianPage(technician, self, self.intent)
        self.guard = lock_down(self, kiosk_mode=kiosk_mode, hide_cursor=hide_cursor,
                               on_long_press=self.technician_page and self.technician_page.open_page)

    def quit(self) -> None:
        """The kiosk itself quits (SIGTERM, kiosk_app/qt/lockdown.py): the one way a locked window closes."""
        self.locked = False
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.locked:   # Alt+F4, a window manager's close button: a kiosk stays
            event.ignore()
            return
        for timer in self.findChildren(QTimer):   # a closed window ticks no flow and records no touch
            timer.stop()
        QApplication.instance().removeEventFilter(self.attract.recorder)
        super().closeEvent(event)

    # -- behaviour --------------------------------------------------------------------
    def look(self) -> theme.Look:
        """The sizes of the mode on screen (kiosk_app/qt/theme.py)."""
        return look_for(self.flow.screen.elderly)

    def idle_limit(self) -> float:
        """How long any page waits for a touch: the elderly mode's longer time in every flow,
        the identified citizen's included."""
        return self.flow.elderly_idle_timeout_s if self.flow.screen.elderly else self.flow.idle_timeout_s

    def intent(self, fn) -> None:
        self.pool.start(_Task(fn))

    @classmethod
    def for_kiosk(cls, kiosk) -> "KioskWindow":
        """The window of a kiosk assembled by kiosk_app/app.py (its one composition)."""
        window = cls(kiosk.flow, kiosk.hall, identity=kiosk.identity and kiosk.identity.flow, citizen=kiosk.citizen,
                     civic=kiosk.civic, booking=kiosk.booking, payment=kiosk.payment,
                     voice=getattr(kiosk, "voice", None), help=getattr(kiosk, "help", None))
        kiosk.board_listeners.append(window.on_board)
        return window

    def on_board(self, board: Board) -> None:
        """Called from the MQTT thread with each newer board; rendered on the UI thread."""
        self.bridge.board.emit(board)

    def _board(self, board: Board) -> None:
        self.waiting = dict(board.waiting)
        self.full = list(board.full)      # services that issued their daily limit: greyed
        self.render(self.flow.screen)

    def render(self, s: Screen) -> None:
        if self.assist is not None:
            self.assist.follow(s)
        look = look_for(s.elderly)
        lang = s.lang
        self._arrange_home(s.elderly)
        self._render_top(s, look)
        for b in (getattr(self, "booking_button", None), getattr(self, "id_button", None)):
            if b is not None:
                b.setStyleSheet(button_css(look, "body", kind="gold"))
                b.setMinimumHeight(look.target())
        if self.booking_page is not None:
            self.booking_button.setText(tr("bk_button", lang))
        if self.identify_page is not None:
            self.id_button.setText(tr("id_button_any" if self.identify_page.identity.view.social else "id_button",
                                      lang))
        if self.civic_page is not None:
            self.guide_button.setText(tr("guide_title", lang))
            self.rate_button.setText(tr("rate_title", lang))
            for b in (self.guide_button, self.rate_button):
                b.setStyleSheet(button_css(look, "body", kind="secondary"))
                b.setMinimumHeight(look.target())
        more_width = (self.width() - 2 * MARGIN - 24) // max(1, self._home_layout[1]) - 4 * theme.GAP
        for b in self._more_buttons():
            mark(b, "body")
            b.setText(wrap_line(" ".join(b.text().split("\n")), self.font(), more_width, look.px("body")))
            b.ensurePolished()
            b.setMinimumHeight(max(look.target(), b.sizeHint().height()))
        page = self._service_page()
        if page is not None:
            self.stack.setCurrentWidget(page)
            if page is self.identify_page:    # the service pages render on their own signal
                page.render()
            return
        if self.attract.render(s):
            return
        if s.page == "home":
            self.stack.setCurrentIndex(0)
            printer = "home_paper_out" if s.paper_out else ("home_printer_down" if "printer" in s.faults else None)
            connecting = not getattr(self.hall, "ready", True)   # no configuration from the controller yet
            self.prompt.setText(tr("connecting" if connecting else "choose", lang)
                                + (f"\n{tr(printer, lang)}" if printer else ""))
            self.prompt.setStyleSheet(text_css(look, "primary", WARN if printer else WHITE, bold=True))
            self._render_services(s, look)
        elif s.page == "ticket" and s.ticket is not None:
            self.stack.setCurrentIndex(1)
            self._arrange_ticket()
            t = s.ticket
            note = PRIORITY_NOTES.get(t.priority)
            self.t_caption.setText(tr("your_number", lang) + (f"  ·  {tr(note, lang)}" if note else ""))
            self.t_caption.setStyleSheet(text_css(look, "primary"))
            self.t_number.setText(t.number)
            self.t_number.setStyleSheet(text_css(look, "display", GOLD, bold=True))
            self.t_service.setText(t.service_name if lang == "zh" else t.service_name_en)
            self.t_service.setStyleSheet(text_css(look, "title", bold=True))
            self.t_ahead.setText(tr("ahead", lang, n=t.people_ahead))
            self.t_wait.setText(estimate_text(t, lang))   # never "about 0 min"
            self.t_area.setText(tr("area", lang, area=t.area if lang == "zh" else (t.area_en or t.area)))
            for w in (self.t_ahead, self.t_wait, self.t_area):
                w.setStyleSheet(text_css(look, "body"))
            if s.show_qr:
                self.t_qr.setPixmap(qr_pixmap(t.qr_url, look.picture("qr")))
                self.t_qr.show()
            else:
                self.t_qr.clear()
                self.t_qr.hide()
            self.t_message.setText(s.message)
            self.t_message.setAlignment((Qt.AlignLeft | Qt.AlignVCenter) if s.show_qr else Qt.AlignCenter)
            self.t_message.setStyleSheet(text_css(look, "primary", WARN if s.show_qr else WHITE, bold=True))
            self.t_done.setText(tr("done", lang))
            self.t_done.setStyleSheet(button_css(look, "primary"))
            self.t_done.setMinimumHeight(look.target("choice" if self.height() >= self.width() else "target"))
        else:
            self.stack.setCurrentIndex(2)
            self.m_text.setText(s.message)
            self.m_text.setStyleSheet(text_css(look, "primary", WHITE, bold=True))
            self.m_done.setText(tr("done", lang))
            self.m_done.setVisible(s.page == "error")
            self.m_done.setStyleSheet(button_css(look, "primary"))
            self.m_done.setMinimumHeight(look.target("choice"))

    def _render_top(self, s: Screen, look: theme.Look) -> None:
        """The header row on every page, and the elderly mode's offer."""
        lang = s.lang
        self.header.setText(self.hall.name if lang == "zh" else (self.hall.name_en or self.hall.name))
        self.header.setStyleSheet(text_css(look, "body", bold=True))
        self.lang_button.setText(tr("language", lang))
        self.elderly_button.setText(tr("standard_mode" if s.elderly else "elderly_mode", lang))
        self.lang_button.setStyleSheet(button_css(look, "body", kind="secondary"))
        self.elderly_button.setStyleSheet(button_css(look, "body", kind="gold"))
        for b in (self.lang_button, self.elderly_button):
            mark(b, "body")
            b.setMinimumHeight(look.target())
        age = self._offer_age()
        self.offer.setVisible(age is not None and not s.elderly)
        if age is not None:
            self.offer_text.setText(tr("elderly_offer", lang, age=age))
            self.offer_text.setStyleSheet(text_css(look, "body", GOLD, bold=True))
            self.offer_button.setText(tr("elderly_offer_yes", lang))
            self.offer_button.setStyleSheet(button_css(look, "body", kind="gold"))
            self.offer_button.setMinimumHeight(look.target())
            mark(self.offer_button, "body")

    def _offer_age(self) -> int | None:
        """The hall's elderly age when the identified citizen's card shows it or more, else None."""
        if self.identify_page is None:
            return None
        identity = getattr(self.identify_page.identity, "identity", None)
        birth = getattr(identity, "birth_date", None)
        if birth is None:
            return None
        age_limit = self.hall.kiosk.elderly_mode_age
        today = self.flow.clock.now().date()
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        return age_limit if age >= age_limit else None

    def _render_services(self, s: Screen, look: theme.Look) -> None:
        """The service buttons: code, name and the queue; in the elderly mode only the page's
        language (fewer words, larger); a long name is wrapped to the button's width."""
        lang = s.lang
        columns = self._home_layout[0]      # the grid keeps its widest column count: ours is the one in use
        scrollbar = 24
        width = (self.width() - 2 * MARGIN - scrollbar - (columns - 1) * theme.GAP) // columns \
            - look.px("huge") - 4 * theme.GAP
        states = service_states(self.hall, self.full, self.flow.clock.now())  # full, not open: greyed
        for svc in self.hall.services:
            b = self.service_buttons.get(svc.code)
            if b is None:   # a service just added: its button comes with the configuration's signal
                continue
            name, other = (svc.name, svc.name_en) if lang == "zh" else (svc.name_en, svc.name)
            state = states.get(svc.code)
            status = state_text(svc, state, lang) if state else tr("waiting_count", lang,
                                                                   n=self.waiting.get(svc.code, 0))
            lines = [f"{svc.code}  {name}", *([] if s.elderly else [other]), *status.split("\n")]
            px = look.px("primary")
            text = "\n".join(wrap_line(line, self.font(), width, px) for line in lines)
            b.setText(text.replace("&", "&&"))  # a lone & would be a keyboard mnemonic
            b.setIconSize(QSize(look.px("huge"), look.px("huge")))
            b.setStyleSheet(button_css(look, "primary") if not state else
                            GREYED % f"font-size:{px}px; font-weight:bold;")
            b.setProperty("state", state or "")
            b.ensurePolished()
            b.setMinimumHeight(max(look.target("menu"), b.sizeHint().height()))   # every line of it shown

