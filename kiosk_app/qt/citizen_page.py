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

STATUS_ZH = {"booked": "待签到", "checked_in": "已签到", "cancelled": "已取消", "expired": "已过期"}


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
    def __init__(self, citizen: CitizenServices, scale: Callable[[], float] = lambda: 1.0,
                 intent: Callable[[Callable], None] = lambda fn: fn()) -> None:
        super().__init__()
        self.citizen, self.scale, self.intent = citizen, scale, intent
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
        for w in (self.title, self.who, self.message):
            lay.addWidget(w)
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
        k, lang = self.scale(), s.lang
        clear(self.body)
        clear(self.footer)
        self.title.setText(tr("cz_title", lang))
        self.title.setStyleSheet(font(46, k, True) + f"color:{GOLD};")
        self.who.setText(tr("cz_hello", lang, id=s.masked_id) if s.masked_id else "")
        self.who.setStyleSheet(font(32, k))
        self.message.setText(s.message)
        colour = {"printed": GOOD, "message": WARN, "confirm_print": GOLD}.get(s.page, "white")
        self.message.setStyleSheet(font(44 if s.page in ("printed", "message", "confirm_print") else 32, k, True)
                                   + f"color:{colour};")
        getattr(self, f"_{s.page}", lambda *_: None)(s, k, lang)
        if s.page not in ("menu", "closed", "loading", "printing"):
            self.footer.addWidget(button(tr("cz_back", lang), 32, k, self._do(self.citizen.menu), secondary=True,
                                         name="citizen-back"))
        if s.page not in ("closed", "printing"):
            self.footer.addWidget(button(tr("cz_finish", lang), 32, k, self._do(self.citizen.finish), secondary=True,
                                         name="citizen-finish"))

    def _menu(self, s: CitizenScreen, k: float, lang: str) -> None:
        items = [("cz_appointments", self.citizen.show_appointments, "appointments"),
                 ("cz_progress", self.citizen.show_progress, "progress"),
                 ("cz_licences", self.citizen.show_licences, "licences"),
                 ("cz_ticket_green" if s.green else "cz_ticket", self.citizen.take_ticket, "ticket"),
                 ("cz_rate", self.citizen.rate, "rate")]
        for key, fn, name in items:
            b = button(tr(key, lang), 44, k, self._do(fn), name=f"menu-{name}", height=150)
            if name == "ticket" and s.green:
                b.setStyleSheet(b.styleSheet().replace("background:white", "background:#c8e6c9"))
            self.body.addWidget(b)

    def _appointments(self, s: CitizenScreen, k: float, lang: str) -> None:
        for a in s.appointments:
            status = STATUS_ZH.get(a.status.value, a.status.value) if lang == "zh" else a.status.value.replace("_", " ")
            action = None
            if a.status.value == "booked":
                action = button(tr("cz_check_in", lang), 36, k, self._do(lambda c=a.code: self.citizen.check_in(c)),
                                name=f"check-in-{a.code}", height=100, width=220)
            self.body.addWidget(item(label(f"{a.matter_name}\n{a.slot_start}–{a.slot_end} · {status}", 32, k,
                                           bold=True), action))

    def _progress(self, s: CitizenScreen, k: float, lang: str) -> None:
        for app in s.applications:
            steps = "  →  ".join(("✔ " if st.done else "○ ") + st.name for st in app.steps)
            self.body.addWidget(card(label(app.matter_name, 34, k, bold=True, colour=GOLD),
                                     label(app.status_text, 32, k, bold=True),
                                     label(steps, 26, k)))

    def _licences(self, s: CitizenScreen, k: float, lang: str) -> None:
        for lic in s.licences:
            note = tr("cz_printed_times", lang, n=lic.print_count) if lic.print_count else ""
            text = f"{lic.title}\n{lic.issuer} · {lic.issued_on:%Y-%m-%d}" + (f" · {note}" if note else "")
            if lic.printable:
                action = button(tr("cz_print", lang), 36, k,
                                self._do(lambda lid=lic.licence_id: self.citizen.print_licence(lid)),
                                name=f"print-{lic.licence_id}", height=100, width=220)
            else:
                action = label(tr("cz_window_only", lang), 28, k, colour=WARN, align=Qt.AlignRight)
            self.body.addWidget(item(label(text, 30, k, bold=True), action))

    def _confirm_print(self, s: CitizenScreen, k: float, lang: str) -> None:
        self.body.addWidget(button(tr("lic_yes", lang), 44, k, self._do(self.citizen.confirm_print),
                                   name="confirm-print", height=140))

    def _printed(self, s: CitizenScreen, k: float, lang: str) -> None:
        if s.licence is not None:
            self.body.addWidget(label(f"《{s.licence.title}》" if lang == "zh" else s.licence.title, 40, k,
                                      bold=True, colour=GOLD, align=Qt.AlignCenter))
