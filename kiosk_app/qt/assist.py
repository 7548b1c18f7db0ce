"""The bar under every kiosk page: 朗读 / Read aloud and 求助 / Help, with the help call's state;
and the voice that follows the page on screen. Widgets only: what a page says comes from
kiosk_app/flows/spoken.py, the help call is kiosk_app/flows/help.py's.

- A new page (or a change of what it says) silences the old speech; in elderly mode the new
  page is read aloud. The read-aloud button reads the page on screen in any mode.
- Any touch in the kiosk's window silences the voice at once (an event filter sees the press
  before the button acts on it).
- When a clerk acknowledges the help call, the kiosk shows and says "工作人员马上就到".
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk_app.flows import spoken
from kiosk_app.flows.help import HelpFlow, HelpState
from kiosk_app.flows.ticket import Screen
from kiosk_app.i18n import tr
from kiosk_app.qt.theme import INK, PAGE, SMALL_RADIUS, WHITE, button_css, look_for, mark, text_css

# the ticket flow's pages and the service pages, as the help call names them (hall_protocol/words.py PAGES)
FLOW_PAGE_NAMES = {"home": "home", "issuing": "ticket", "ticket": "ticket", "error": "ticket"}
CITIZEN_PAGE_NAMES = {"appointments": "appointment", "progress": "progress", "licences": "licence",
                      "confirm_print": "licence", "printing": "licence", "printed": "licence", "rating": "rating"}
# what failed on the identify page, as a help call's problem (hall_protocol/words.py PROBLEMS)
IDENTIFY_PROBLEMS = {"id_card_error": "idcard_error", "id_face_staff": "face_mismatch", "id_face_retry": "face_mismatch",
                     "id_camera_down": "camera_error"}
BAR_BG = PAGE


class _Bridge(QObject):
    help = Signal(object)


class _TouchSilences(QObject):
    """A press anywhere in the window stops the voice, before the pressed widget acts."""

    def __init__(self, window: QWidget, stop) -> None:
        super().__init__(window)
        self.window, self.stop = window, stop

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.MouseButtonPress, QEvent.TouchBegin) and isinstance(obj, QWidget) \
                and obj.window() is self.window:
            self.stop()
        return False


def current_page(window, s: Screen) -> tuple[str, str | None, str]:
    """(the page's name for a help call, what failed there, what it says) for the page on screen."""
    lang = s.lang
    page = window._service_page()
    if page is None:
        return FLOW_PAGE_NAMES.get(s.page, "home"), s.problem, spoken.for_flow(s, window.hall)
    if page is window.identify_page:
        view = page.identity.view
        return "identify", IDENTIFY_PROBLEMS.get(view.message), spoken.for_service("identify", view, lang)
    if page is window.civic_page:
        cs = page.civic.screen
        return ("rating" if cs.topic == "rate" else "guide"), None, spoken.for_service("civic", cs, lang)
    if page is window.citizen_page:
        cz = page.citizen.screen
        return CITIZEN_PAGE_NAMES.get(cz.page, "identify"), None, spoken.for_service("citizen", cz, lang)
    if page is window.booking_page:
        return "appointment", None, spoken.for_service("booking", page.booking.screen, lang)
    if page is window.payment_page:
        ps = page.payment.screen
        return "payment", ("payment_failed" if ps.page == "message" else None), spoken.for_service("payment", ps, lang)
    return "home", None, ""


class AssistBar(QWidget):
    def __init__(self, window, voice=None, help_flow: HelpFlow | None = None) -> None:
        super().__init__()
        self.window_, self.voice, self.help = window, voice, help_flow
        self.setObjectName("assist-bar")
        self._said: tuple | None = None   # (page, text, lang, elderly) last followed
        self._help_said: str | None = None
        self.guide_button: QPushButton | None = None
        lay = QVBoxLayout(self)
        page_margins = window.stack.widget(0).layout().contentsMargins()   # aligned with the pages' buttons
        lay.setContentsMargins(page_margins.left(), 8, page_margins.right(), 0)
        self.status = QLabel()
        self.status.setObjectName("help-status")
        self.status.setAlignment(Qt.AlignCenter)
        self.status.setWordWrap(True)
        self.status.hide()
        lay.addWidget(self.status)
        row = QHBoxLayout()
        self.read_button = QPushButton()
        self.read_button.setObjectName("read-aloud")
        self.read_button.clicked.connect(self.read_aloud)
        self.help_button = QPushButton()
        self.help_button.setObjectName("help")
        self.help_button.clicked.connect(self.press_help)
        for b in (self.read_button, self.help_button):
            row.addWidget(mark(b, "body"))
        lay.addLayout(row)
        self.bridge = _Bridge(self)
        self.bridge.help.connect(lambda _state: self.show_help())
        if help_flow is not None:
            help_flow.listeners.append(self.bridge.help.emit)
        else:
            self.help_button.hide()
        if voice is not None:
            self.filter = _TouchSilences(window, voice.stop)
            from PySide6.QtWidgets import QApplication
            QApplication.instance().installEventFilter(self.filter)
        else:
            self.read_button.hide()

    # -- intents -------------------------------------------------------------------------------
    def read_aloud(self) -> None:
        s = self.window_.flow.screen
        _page, _problem, text = current_page(self.window_, s)
        if self.voice is not None and text:
            self.voice.say(text, s.lang)

    def press_help(self) -> None:
        s = self.window_.flow.screen
        page, problem, _text = current_page(self.window_, s)
        self.window_.intent(lambda: self.help.press(page, problem, elderly=s.elderly, lang=s.lang))

    def add_guide_button(self, home_layout) -> QPushButton:
        """"需要引导 / Guide me" on the home page (halls with a guide robot): the next ticket asks
        for the robot to lead the citizen to the window."""
        self.guide_button = QPushButton()
        self.guide_button.setObjectName("guide-me")
        mark(self.guide_button, "body")
        self.guide_button.clicked.connect(self.window_.flow.toggle_guide)
        home_layout.addWidget(self.guide_button)
        return self.guide_button

    # -- rendering -----------------------------------------------------------------------------
    def follow(self, s: Screen) -> None:
        """Called with every render of the window: a new page silences the old one and, in
        elderly mode, is read aloud."""
        self.render(s)
        if self.voice is None:
            return
        page, _problem, text = current_page(self.window_, s)
        key = (page, text, s.lang, s.elderly)
        if key == self._said:
            return
        self._said = key
        if s.elderly and text:
            self.voice.say(text, s.lang)
        else:
            self.voice.stop()

    def render(self, s: Screen) -> None:
        look = look_for(s.elderly)
        self.read_button.setText(f"{tr('read_aloud', 'zh')} / {tr('read_aloud', 'en')}")
        self.help_button.setText(f"{tr('help_button', 'zh')} / {tr('help_button', 'en')}")
        self.read_button.setStyleSheet(button_css(look, "body", kind="primary"))
        self.help_button.setStyleSheet(button_css(look, "body", kind="gold"))
        for b in (self.read_button, self.help_button):
            b.setMinimumHeight(look.target())
        if getattr(self, "guide_button", None) is not None:
            self.guide_button.setText(tr("guide_me_on" if s.guide else "guide_me", s.lang))
            self.guide_button.setStyleSheet(button_css(look, "body", kind="gold" if s.guide else "secondary"))
            self.guide_button.setMinimumHeight(look.target())
        self.show_help()

    def show_help(self) -> None:
        state: HelpState = self.help.state if self.help is not None else HelpState()
        key = state.message_key
        if key is None:
            self.status.hide()
            self._help_said = None
            return
        lang = state.lang
        text = tr(key, lang)
        shown = f"{tr(key, 'zh')} / {tr(key, 'en')}" if lang == "zh" else f"{tr(key, 'en')} / {tr(key, 'zh')}"
        if state.robot == "coming" and state.status in ("notified", "coming"):
            text += tr("say_sentence_sep", lang) + tr("help_robot", lang)
            shown += "\n" + tr("help_robot", lang)
        self.status.setText(shown)
        elderly = self.window_.flow.screen.elderly
        self.status.setStyleSheet(f"background:{WHITE}; border-radius:{SMALL_RADIUS}px; padding:12px; "
                                  + text_css(look_for(elderly), "primary", INK, bold=True))
        mark(self.status, "primary")
        self.status.show()
        # said once per state: "工作人员马上就到" always, "已通知工作人员" in elderly mode
        if self.voice is not None and key != self._help_said and state.status != "sending":
            self._help_said = key
            if key == "help_coming" or elderly:
                self.voice.say(text, lang)
