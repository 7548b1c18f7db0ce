"""The identified citizen's pages: render kiosk_app/flows/citizen.py's CitizenScreen (menu, my
appointments, progress, licences, printing) and send intents; Qt only. Shows the masked ID
number only, never the name. Backend and printer work go through `intent` (a thread pool);
each new screen comes back to the UI thread through a signal."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk_app.flows.citizen import CitizenScreen, CitizenServices
from kiosk_app.i18n import tr
from kiosk_app.qt.pagekit import GOLD, GOOD, WARN, button, card, clear, font, label, scroll_box
from kiosk_app.qt.theme import DESIGN_WIDTH, GAP, MARGIN, NORMAL, Look, button_css, mark

STATUSES = ("booked", "checked_in", "cancelled", "expired")   # an appointment's status: its words appt_<status>
WRAP = DESIGN_WIDTH - 2 * MARGIN - 6 * GAP     # a full-width button's text on the portrait panel


def item(text: QWidget, action: QWidget | None) -> QWidget:
    """One list entry: the text on its own lines (it may wrap), the action under it on the right."""
    if action is None:
        return card(text)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(action)
    return card(text, row)


class _Bridge(QObject):
    changed = Signal(object)


class CitizenPage(QWidget):
    def __init__(self, citizen: CitizenServices, look: Callable[[], Look] = lambda: NORMAL,
                 intent: Callable[[Callable], None] = lambda fn: fn()) -> None:
        super().__init__()
        self.citizen, self.look, self.intent = citizen, look, intent
        self.setObjectName("citizen-page")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        self.who = QLabel()
        self.who.setAlignment(Qt.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        self.body_area, self.body = scroll_box()
        for w, role in ((self.title, "title"), (self.who, "body"), (self.message, "primary")):
            lay.addWidget(mark(w, role))
        lay.addWidget(self.body_area, 1)
        self.footer = QHBoxLayout()
        lay.addLayout(self.footer)
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        citizen.listeners.append(self.bridge.changed.emit)

    def _do(self, fn: Callable) -> Callable[[], None]:
        return lambda: self.intent(fn)

    def render(self, s: CitizenScreen | None = None) -> None:
        s = s or self.citizen.screen
        k, lang = self.look(), s.lang
        clear(self.body)
        clear(self.footer)
        self.title.setText(tr("cz_title", lang))
        self.title.setStyleSheet(font("title", k, True) + f"color:{GOLD};")
        self.who.setText(tr("cz_hello", lang, id=s.masked_id) if s.masked_id else "")
        self.who.setStyleSheet(font("body", k))
        self.message.setText(s.message)
        self.message.setVisible(bool(s.message))    # an empty line takes no room
        colour = {"printed": GOOD, "message": WARN, "confirm_print": GOLD}.get(s.page, "white")
        self.message.setStyleSheet(font("primary", k, True)
                                   + f"color:{colour};")
        getattr(self, f"_{s.page}", lambda *_: None)(s, k, lang)
        if s.page not in ("menu", "closed", "loading", "printing"):
            self.footer.addWidget(button(tr("cz_back", lang), "body", k, self._do(self.citizen.menu), secondary=True,
                                         name="citizen-back"))
        if s.page not in ("closed", "printing"):
            self.footer.addWidget(button(tr("cz_finish", lang), "body", k, self._do(self.citizen.finish),
                                         secondary=True,
                                         name="citizen-finish"))

    def _menu(self, s: CitizenScreen, k: Look, lang: str) -> None:
        items = [("cz_appointments", self.citizen.show_appointments, "appointments"),
                 ("cz_progress", self.citizen.show_progress, "progress"),
                 ("cz_licences", self.citizen.show_licences, "licences"),
                 ("cz_ticket_green" if s.green else "cz_ticket", self.citizen.take_ticket, "ticket"),
                 ("cz_rate", self.citizen.rate, "rate")]
        if self.citizen.payment is not None:      # 缴费: kiosk_app/qt/payment_page.py
            items.insert(3, ("cz_pay", self.citizen.pay, "pay"))
        for key, fn, name in items:
            b = button(tr(key, lang), "primary", k, self._do(fn), name=f"menu-{name}", height="menu",
                       wrap=WRAP)
            if name == "ticket" and s.green:
                b.setStyleSheet(button_css(k, "primary", kind="good"))
            self.body.addWidget(b)

    def _appointments(self, s: CitizenScreen, k: Look, lang: str) -> None:
        for a in s.appointments:
            status = tr(f"appt_{a.status.value}", lang) if a.status.value in STATUSES else a.status.value
            action = None
            if a.status.value == "booked":
                action = button(tr("cz_check_in", lang), "body", k, self._do(lambda c=a.code: self.citizen.check_in(c)),
                                name=f"check-in-{a.code}", height="target")
            self.body.addWidget(item(label(f"{a.matter_name}\n{a.slot_start}–{a.slot_end} · {status}", "body", k,
                                           bold=True), action))

    def _progress(self, s: CitizenScreen, k: Look, lang: str) -> None:
        for app in s.applications:
            steps = "  →  ".join(("✔ " if st.done else "○ ") + st.name for st in app.steps)
            self.body.addWidget(card(label(app.matter_name, "body", k, bold=True, colour=GOLD),
                                     label(app.status_text, "body", k, bold=True),
                                     label(steps, "small", k)))

    def _licences(self, s: CitizenScreen, k: Look, lang: str) -> None:
        for lic in s.licences:
            note = tr("cz_printed_times", lang, n=lic.print_count) if lic.print_count else ""
            text = f"{lic.title}\n{lic.issuer} · {lic.issued_on:%Y-%m-%d}" + (f" · {note}" if note else "")
            if lic.printable:
                action = button(tr("cz_print", lang), "body", k,
                                self._do(lambda lid=lic.licence_id: self.citizen.print_licence(lid)),
                                name=f"print-{lic.licence_id}", height="target")
            else:
                action = label(tr("cz_window_only", lang), "small", k, colour=WARN, align=Qt.AlignRight)
            self.body.addWidget(item(label(text, "small", k, bold=True), action))

    def _confirm_print(self, s: CitizenScreen, k: Look, lang: str) -> None:
        self.body.addWidget(button(tr("lic_yes", lang), "primary", k, self._do(self.citizen.confirm_print),
                                   name="confirm-print", height="menu"))

    def _printed(self, s: CitizenScreen, k: Look, lang: str) -> None:
        if s.licence is not None:
            self.body.addWidget(label(tr("lic_title_quoted", lang, title=s.licence.title), "body", k,
                                      bold=True, colour=GOLD, align=Qt.AlignCenter))
