"""The service guide (办事指南) and rating (好差评) pages: render kiosk_app/flows/civic.py's
CivicScreen and send intents; Qt only. Backend calls go through `intent` (a thread pool);
each new screen comes back to the UI thread through a signal."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from config.schema import HallConfig
from kiosk_app.flows.civic import CivicPages, CivicScreen
from kiosk_app.i18n import tr
from kiosk_app.qt.pagekit import GOLD, GOOD, WARN, button, card, clear, font, label, scroll_box

STARS = "★"


class _Bridge(QObject):
    changed = Signal(object)


class CivicPage(QWidget):
    def __init__(self, civic: CivicPages, hall: HallConfig, scale: Callable[[], float] = lambda: 1.0,
                 intent: Callable[[Callable], None] = lambda fn: fn()) -> None:
        super().__init__()
        self.civic, self.hall, self.scale, self.intent = civic, hall, scale, intent
        self.setObjectName("civic-page")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        self.body_area, self.body = scroll_box()
        lay.addWidget(self.title)
        lay.addWidget(self.message)
        lay.addWidget(self.body_area, 1)
        self.footer = QHBoxLayout()
        lay.addLayout(self.footer)
        self.comment: QLineEdit | None = None
        self.bridge = _Bridge(self)
        self.bridge.changed.connect(self.render)
        civic.listeners.append(self.bridge.changed.emit)

    def keyPressEvent(self, event) -> None:   # a ticket scanner types like a keyboard
        if self.civic.screen.page != "rate_entry":
            return super().keyPressEvent(event)
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.civic.confirm_entry()
        elif event.key() == Qt.Key_Backspace:
            self.civic.backspace()
        elif event.text().isalnum():
            self.civic.key(event.text())

    # -- rendering ----------------------------------------------------------------------
    def render(self, s: CivicScreen | None = None) -> None:
        s = s or self.civic.screen
        k, lang = self.scale(), s.lang
        clear(self.body)
        clear(self.footer)
        self.comment = None
        self.title.setText(tr("guide_title" if s.topic == "guide" else "rate_title", lang))
        self.title.setStyleSheet(font(46, k, True) + f"color:{GOLD};")
        self.message.setText(s.message)
        self.message.setStyleSheet(font(34, k, True))
        getattr(self, f"_{s.page}", self._message)(s, k, lang)
        back = {"guide": lambda: self.civic.choose_category(s.category),
                "rate": lambda: self.civic.open_rating(lang, s.offers)}.get(s.page)
        if back is not None:
            self.footer.addWidget(button(tr("cz_back", lang), 32, k, back, secondary=True, name="civic-back"))
        self.footer.addWidget(button(tr("done", lang), 32, k, self.civic.close, secondary=True, name="civic-close"))

    def _guide_list(self, s: CivicScreen, k: float, lang: str) -> None:
        row = QHBoxLayout()
        for code in (None, *s.categories):
            if code is None:
                text = "全部" if lang == "zh" else "All"
            else:
                svc = next((x for x in self.hall.services if x.code == code), None)
                text = f"{code} {(svc.name if lang == 'zh' else svc.name_en) if svc else ''}"
            b = button(text, 26, k, lambda c=code: self.civic.choose_category(c), secondary=s.category != code,
                       name=f"category-{code or 'all'}", height=70)
            row.addWidget(b)
        self.body.addLayout(row)
        for m in s.shown_matters:
            self.body.addWidget(button(f"{m.name}\n{m.department}", 32, k,
                                       lambda mid=m.matter_id: self.intent(lambda: self.civic.show_guide(mid)),
                                       name=f"matter-{m.matter_id}", height=110))

    def _guide(self, s: CivicScreen, k: float, lang: str) -> None:
        lines = self.civic.guide_lines()
        if not lines:
            return
        self.body.addWidget(label(lines[0], 44, k, bold=True, colour=GOLD, align=Qt.AlignCenter))
        section: list[QWidget] = []
        for line in lines[1:]:
            if not line.startswith("· ") and section:
                self.body.addWidget(card(*section))
                section = []
            heading = line in (tr("guide_documents", lang), tr("guide_conditions", lang))
            section.append(label(line, 34 if heading else 30, k, bold=heading or not line.startswith("· "),
                                 colour=GOLD if heading else "white"))
        if section:
            self.body.addWidget(card(*section))

    def _rate_entry(self, s: CivicScreen, k: float, lang: str) -> None:
        if s.offers:
            self.body.addWidget(label(tr("rate_mine", lang), 32, k, bold=True, colour=GOLD))
            row = QHBoxLayout()
            for number in s.offers:
                row.addWidget(button(number, 48, k, lambda n=number: self.civic.start_rating(n, lang),
                                     name=f"offer-{number}", height=110))
            self.body.addLayout(row)
        entry = label(s.entry or "—", 96, k, bold=True, colour=GOLD, align=Qt.AlignCenter)
        entry.setObjectName("rate-entry")
        self.body.addWidget(entry)
        grid = QGridLayout()
        grid.setSpacing(14)
        keys = [svc.code for svc in self.hall.services] + list("1234567890")
        for i, ch in enumerate(keys):
            key = button(ch, 44, k, lambda c=ch: self.civic.key(c), name=f"key-{ch}", height=100)
            grid.addWidget(key, i // 5, i % 5)
        n = len(keys)
        grid.addWidget(button("⌫", 44, k, self.civic.backspace, name="key-back", height=100), n // 5, n % 5)
        self.body.addLayout(grid)
        self.body.addWidget(button(tr("rate_ok", lang), 40, k,
                                   self.civic.confirm_entry, name="entry-ok", height=110))

    def _rate(self, s: CivicScreen, k: float, lang: str) -> None:
        for score in range(5, 0, -1):
            chosen = s.score == score
            b = button(f"{STARS * score}{'☆' * (5 - score)}   {tr(f'rate_{score}', lang)}", 38, k,
                       lambda n=score: self.civic.choose_score(n), name=f"score-{score}", height=100)
            if chosen:
                b.setStyleSheet(b.styleSheet().replace("background:white", f"background:{GOLD}"))
            self.body.addWidget(b)
        if s.choices:
            self.body.addWidget(label(tr("rate_reasons", lang), 32, k, bold=True, colour=GOLD))
            row = QGridLayout()
            for i, code in enumerate(s.choices):
                on = code in s.reasons
                b = button(("✓ " if on else "") + tr(f"reason_{code}", lang), 30, k,
                           lambda c=code: self.civic.toggle_reason(c), secondary=not on, name=f"reason-{code}",
                           height=80)
                row.addWidget(b, i // 2, i % 2)
            self.body.addLayout(row)
            self.comment = QLineEdit(s.comment)
            self.comment.setObjectName("comment")
            self.comment.setPlaceholderText(tr("rate_comment", lang))
            self.comment.setStyleSheet("background:white; color:#0b3d91; border-radius:12px; padding:10px;"
                                       + font(30, k))
            self.comment.editingFinished.connect(lambda: self.civic.set_comment(self.comment.text())
                                                 if self.comment is not None else None)
            self.body.addWidget(self.comment)
        submit = button(tr("rate_submit", lang), 40, k, self._submit, name="rate-submit", height=110)
        submit.setEnabled(s.score is not None)
        self.body.addWidget(submit)

    def _submit(self) -> None:
        comment = self.comment.text() if self.comment is not None else ""
        self.intent(lambda: (self.civic.set_comment(comment), self.civic.submit()))

    def _rated(self, s: CivicScreen, k: float, lang: str) -> None:
        self.message.setStyleSheet(font(52, k, True) + f"color:{GOOD};")

    def _message(self, s: CivicScreen, k: float, lang: str) -> None:
        self.message.setStyleSheet(font(44, k, True) + f"color:{WARN};")
