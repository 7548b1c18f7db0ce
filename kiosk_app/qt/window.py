"""The kiosk's window: renders the flow's Screen and sends intents; nothing else.

Device and network work runs on a thread pool; results come back through a signal.
"""
from __future__ import annotations

import io

import qrcode
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from config.schema import HallConfig
from hall_protocol.contract import Board
from kiosk_app.flows.ticket import PRIORITY_NOTES, KioskFlow, Screen
from kiosk_app.i18n import tr
from qtkit.common import fitting_px

BG = "#0b3d91"


class _Bridge(QObject):
    changed = Signal(object)
    board = Signal(object)


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
    def __init__(self, flow: KioskFlow, hall: HallConfig, identity=None, citizen=None, civic=None) -> None:
        super().__init__()
        self.flow, self.hall = flow, hall
        self.identify_page = None   # kiosk_app/qt/identify_page.py, when the kiosk identifies citizens
        self.citizen_page = self.civic_page = None   # kiosk_app/qt/citizen_page.py, civic_page.py
        self.pool = QThreadPool.globalInstance()
        self.bridge = _Bridge(self)
        # Always the flow's newest screen: a change made on a worker thread arrives queued, and
        # its snapshot may be older than what the UI thread did meanwhile (e.g. "done").
        self.bridge.changed.connect(lambda _screen: self.render(self.flow.screen))
        self.bridge.board.connect(self._board)
        flow.listeners.append(self.bridge.changed.emit)
        self.waiting: dict[str, int] = {}
        self.setWindowTitle("自助取号 Kiosk")
        self.resize(1080, 1440)
        self.setStyleSheet(f"background:{BG}; color:white;")
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 30, 40, 30)
        self.header = QLabel()
        self.header.setAlignment(Qt.AlignCenter)
        outer.addWidget(self.header)
        outer.addWidget(self.stack, 1)
        self._build_home()
        self._build_ticket()
        self._build_message()
        if identity is not None:
            self._build_identify(identity)
        self._build_services(citizen, civic)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.flow.tick)
        self.timer.start(1000)
        self.render(flow.screen)

    # -- pages ------------------------------------------------------------------------
    def _build_home(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.prompt = QLabel()
        self.prompt.setAlignment(Qt.AlignCenter)
        lay.addWidget(self.prompt, 0)
        grid = QGridLayout()
        grid.setSpacing(28)
        self.service_buttons: dict[str, QPushButton] = {}
        for i, svc in enumerate(self.hall.services):
            b = QPushButton()
            b.setMinimumHeight(260)
            b.setObjectName(f"service-{svc.code}")
            b.clicked.connect(lambda _=False, code=svc.code: self.intent(lambda: self.flow.choose_service(code)))
            grid.addWidget(b, i // 2, i % 2)
            self.service_buttons[svc.code] = b
        lay.addLayout(grid, 1)
        row = QHBoxLayout()
        self.lang_button = QPushButton()
        self.lang_button.clicked.connect(self.flow.toggle_language)
        self.elderly_button = QPushButton()
        self.elderly_button.clicked.connect(self.flow.toggle_elderly)
        for b in (self.lang_button, self.elderly_button):
            b.setMinimumHeight(90)
            row.addWidget(b)
        lay.addLayout(row)
        self.stack.addWidget(page)

    def _build_ticket(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.t_caption = QLabel()
        self.t_number = QLabel()
        self.t_service = QLabel()
        self.t_ahead = QLabel()
        self.t_wait = QLabel()
        self.t_area = QLabel()
        self.t_qr = QLabel()
        self.t_message = QLabel()
        self.t_message.setWordWrap(True)
        for w in (self.t_caption, self.t_number, self.t_service, self.t_ahead, self.t_wait, self.t_area,
                  self.t_qr, self.t_message):
            w.setAlignment(Qt.AlignCenter)
            lay.addWidget(w)
        self.t_done = QPushButton()
        self.t_done.setMinimumHeight(100)
        self.t_done.clicked.connect(self.flow.done)
        lay.addWidget(self.t_done)
        self.stack.addWidget(page)

    def _build_message(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.m_text = QLabel()
        self.m_text.setWordWrap(True)
        self.m_text.setAlignment(Qt.AlignCenter)
        lay.addWidget(self.m_text, 1)
        self.m_done = QPushButton()
        self.m_done.setMinimumHeight(100)
        self.m_done.clicked.connect(self.flow.done)
        lay.addWidget(self.m_done)
        self.stack.addWidget(page)

    def _build_identify(self, identity) -> None:
        from kiosk_app.qt.identify_page import IdentifyPage
        self.identify_page = IdentifyPage(identity, lambda: self.flow.screen.lang, self.intent)
        self.identify_page.bridge.view.connect(lambda _view: self.render(self.flow.screen))
        self.stack.addWidget(self.identify_page)
        self.id_button = QPushButton()
        self.id_button.setObjectName("identify")
        self.id_button.setMinimumHeight(90)
        self.id_button.clicked.connect(lambda: self.intent(identity.begin))
        self.stack.widget(0).layout().addWidget(self.id_button)
        timer = QTimer(self)
        timer.timeout.connect(lambda: self.intent(identity.tick))
        timer.start(1000)

    def _build_services(self, citizen, civic) -> None:
        """The guide and rating pages (no ID needed) and the identified citizen's pages."""
        from kiosk_app.qt.citizen_page import CitizenPage
        from kiosk_app.qt.civic_page import CivicPage
        scale = lambda: 1.35 if self.flow.screen.elderly else 1.0  # noqa: E731
        rerender = lambda _screen: self.render(self.flow.screen)  # noqa: E731
        timer = QTimer(self)
        if civic is not None:
            self.civic_page = CivicPage(civic, self.hall, scale, self.intent)
            self.civic_page.bridge.changed.connect(rerender)
            self.stack.addWidget(self.civic_page)
            row = QHBoxLayout()
            self.guide_button = QPushButton()
            self.guide_button.setObjectName("guide")
            self.guide_button.clicked.connect(lambda: self.intent(lambda: civic.open_guide(self.flow.screen.lang)))
            self.rate_button = QPushButton()
            self.rate_button.setObjectName("rate")
            self.rate_button.clicked.connect(lambda: civic.open_rating(self.flow.screen.lang))
            for b in (self.guide_button, self.rate_button):
                b.setMinimumHeight(90)
                row.addWidget(b)
            self.stack.widget(0).layout().addLayout(row)
            timer.timeout.connect(lambda: civic.tick(self.flow.elderly_idle_timeout_s if self.flow.screen.elderly
                                                     else self.flow.idle_timeout_s))
        if citizen is not None:
            self.citizen_page = CitizenPage(citizen, scale, self.intent)
            self.citizen_page.bridge.changed.connect(rerender)
            self.stack.addWidget(self.citizen_page)
            timer.timeout.connect(citizen.tick)
        timer.start(1000)

    def _service_page(self):
        """The page of a service in use, if any: rating/guide, then the citizen's, then identify."""
        if self.civic_page is not None and self.civic_page.civic.active:
            return self.civic_page
        if self.citizen_page is not None and self.citizen_page.citizen.active:
            return self.citizen_page
        citizen_busy = self.citizen_page is not None and self.citizen_page.citizen.session
        if self.identify_page is not None and self.identify_page.active and not citizen_busy:
            return self.identify_page
        return None

    # -- behaviour --------------------------------------------------------------------
    def intent(self, fn) -> None:
        self.pool.start(_Task(fn))

    def on_board(self, board: Board) -> None:
        """Called from the MQTT thread with each newer board; rendered on the UI thread."""
        self.bridge.board.emit(board)

    def _board(self, board: Board) -> None:
        self.waiting = dict(board.waiting)
        self.render(self.flow.screen)

    def render(self, s: Screen) -> None:
        big = 1.35 if s.elderly else 1.0
        lang = s.lang

        def font(px: float, bold: bool = False) -> str:
            return f"font-size:{int(px * big)}px; {'font-weight:bold;' if bold else ''}"

        self.header.setText(f"{self.hall.name if lang == 'zh' else (self.hall.name_en or self.hall.name)}"
                            f"  ·  {tr('title', lang)}")
        self.header.setStyleSheet(font(40, True))
        if self.identify_page is not None:
            self.id_button.setText(tr("id_button", lang))
            self.id_button.setStyleSheet("QPushButton{background:#ffd54f; color:%s; border-radius:16px; %s}"
                                         % (BG, font(32, True)))
        if self.civic_page is not None:
            self.guide_button.setText(tr("guide_title", lang))
            self.rate_button.setText(tr("rate_title", lang))
            for b in (self.guide_button, self.rate_button):
                b.setStyleSheet("QPushButton{background:#1565c0; color:white; border-radius:16px; %s}"
                                % font(30, True))
        page = self._service_page()
        if page is not None:
            self.stack.setCurrentWidget(page)
            if page is self.identify_page:    # the service pages render on their own signal
                page.render()
            return
        button_css = ("QPushButton{background:white; color:%s; border-radius:24px; %s}"
                      "QPushButton:pressed{background:#ffd54f;}")
        if s.page == "home":
            self.stack.setCurrentIndex(0)
            self.prompt.setText(tr("choose", lang))
            self.prompt.setStyleSheet(font(34))
            for svc in self.hall.services:
                b = self.service_buttons[svc.code]
                name, other = (svc.name, svc.name_en) if lang == "zh" else (svc.name_en, svc.name)
                text = f"{svc.code}  {name}\n{other}\n{tr('waiting_count', lang, n=self.waiting.get(svc.code, 0))}"
                b.setText(text.replace("&", "&&"))  # a lone & would be a keyboard mnemonic
                # a long English name must not run over the button's edges: a smaller font then
                width = max(b.width(), (self.width() - 80) // 2) - 48
                px = fitting_px(self.font(), text, width, int(40 * big), bold=True)
                b.setStyleSheet(button_css % (BG, f"font-size:{px}px; font-weight:bold;"))
            self.lang_button.setText(tr("language", lang))
            self.elderly_button.setText(tr("elderly", lang) + (" ✓" if s.elderly else ""))
            for b in (self.lang_button, self.elderly_button):
                b.setStyleSheet("QPushButton{background:#1565c0; color:white; border-radius:16px; %s}" % font(30))
        elif s.page == "ticket" and s.ticket is not None:
            self.stack.setCurrentIndex(1)
            t = s.ticket
            note = PRIORITY_NOTES.get(t.priority)
            self.t_caption.setText(tr("your_number", lang) + (f"  ·  {tr(note, lang)}" if note else ""))
            self.t_caption.setStyleSheet(font(34))
            self.t_number.setText(t.number)
            self.t_number.setStyleSheet(font(200, True) + "color:#ffd54f;")
            self.t_service.setText(t.service_name if lang == "zh" else t.service_name_en)
            self.t_service.setStyleSheet(font(48, True))
            self.t_ahead.setText(tr("ahead", lang, n=t.people_ahead))
            self.t_wait.setText(tr("wait", lang, n=int(round(t.estimated_wait_min)))
                                if t.estimated_wait_min is not None else tr("wait_unknown", lang))
            self.t_area.setText(tr("area", lang, area=t.area if lang == "zh" else (t.area_en or t.area)))
            for w in (self.t_ahead, self.t_wait, self.t_area):
                w.setStyleSheet(font(36))
            if s.show_qr:
                self.t_qr.setPixmap(qr_pixmap(t.qr_url, int(300 * big)))
                self.t_qr.show()
            else:
                self.t_qr.clear()
                self.t_qr.hide()
            self.t_message.setText(s.message)
            self.t_message.setStyleSheet(font(34, True) + ("color:#ffab91;" if s.show_qr else ""))
            self.t_done.setText(tr("done", lang))
            self.t_done.setStyleSheet(button_css % (BG, font(36, True)))
        else:
            self.stack.setCurrentIndex(2)
            self.m_text.setText(s.message)
            self.m_text.setStyleSheet(font(44, True))
            self.m_done.setText(tr("done", lang))
            self.m_done.setVisible(s.page == "error")
            self.m_done.setStyleSheet(button_css % (BG, font(36, True)))
