"""The service guide (办事指南) and rating (好差评) pages: render kiosk_app/flows/civic.py's
CivicScreen and send intents; Qt only. Backend calls go through `intent` (a thread pool);
each new screen comes back to the UI thread through a signal."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from config.schema import HallConfig
from kiosk_app.flows.civic import CivicPages, CivicScreen, platform_text
from kiosk_app.i18n import tr
from kiosk_app.qt.pagekit import GOLD, GOOD, WARN, button, card, clear, font, label, scroll_box
from kiosk_app.qt.theme import INK, KEY_GAP, NORMAL, SMALL_RADIUS, WHITE, Look, button_css, mark

STARS = "★"


class _Bridge(QObject):
    changed = Signal(object)


class CivicPage(QWidget):
    def __init__(self, civic: CivicPages, hall: HallConfig, look: Callable[[], Look] = lambda: NORMAL,
                 intent: Callable[[Callable], None] = lambda fn: fn()) -> None:
        super().__init__()
        self.civic, self.hall, self.look, self.intent = civic, hall, look, intent
        self.setObjectName("civic-page")
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignCenter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        self.body_area, self.body = scroll_box()
        lay.addWidget(mark(self.title, "title"))
        lay.addWidget(mark(self.message, "primary"))
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
        k, lang = self.look(), s.lang
        clear(self.body)
        clear(self.footer)
        self.comment = None
        self.title.setText(tr("guide_title" if s.topic == "guide" else "rate_title", lang))
        self.title.setStyleSheet(font("title", k, True) + f"color:{GOLD};")
        self.message.setText(s.message)
        self.message.setVisible(bool(s.message))    # an empty line takes no room
        self.message.setStyleSheet(font("primary", k, True))
        getattr(self, f"_{s.page}", self._message)(s, k, lang)
        back = {"guide": lambda: self.civic.choose_category(s.category),
                "rate": lambda: self.civic.open_rating(lang, s.offers)}.get(s.page)
        if back is not None:
            self.footer.addWidget(button(tr("cz_back", lang), "body", k, back, secondary=True, name="civic-back"))
        self.footer.addWidget(button(tr("done", lang), "body", k, self.civic.close, secondary=True, name="civic-close"))

    def _guide_list(self, s: CivicScreen, k: Look, lang: str) -> None:
        row = QGridLayout()          # the categories: three a row (elderly: two), never wider than the page
        row.setSpacing(KEY_GAP)
        columns = 1 if k.elderly and lang == "en" else (2 if k.elderly or lang == "en" else 3)
        for i, code in enumerate((None, *s.categories)):
            if code is None:
                text = tr("guide_all", lang)
            else:
                svc = next((x for x in self.hall.services if x.code == code), None)
                text = f"{code} {(svc.name if lang == 'zh' else svc.name_en) if svc else ''}"
            b = button(text, "small", k, lambda c=code: self.civic.choose_category(c), secondary=s.category != code,
                       name=f"category-{code or 'all'}", height="target")
            row.addWidget(b, i // columns, i % columns)
        self.body.addLayout(row)
        for m in s.shown_matters:
            name, dept = platform_text(m.name, m.name_en, lang), platform_text(m.department, m.department_en, lang)
            self.body.addWidget(button(f"{name}\n{dept}", "body", k,
                                       lambda mid=m.matter_id: self.intent(lambda: self.civic.show_guide(mid)),
                                       name=f"matter-{m.matter_id}", height="key"))

    def _guide(self, s: CivicScreen, k: Look, lang: str) -> None:
        lines = self.civic.guide_lines()
        if not lines:
            return
        self.body.addWidget(label(lines[0], "primary", k, bold=True, colour=GOLD, align=Qt.AlignCenter))
        section: list[QWidget] = []
        for line in lines[1:]:
            if not line.startswith("· ") and section:
                self.body.addWidget(card(*section))
                section = []
            heading = line in (tr("guide_documents", lang), tr("guide_conditions", lang))
            section.append(label(line, "body" if heading else "small", k, bold=heading or not line.startswith("· "),
                                 colour=GOLD if heading else "white"))
        if section:
            self.body.addWidget(card(*section))

    def _rate_entry(self, s: CivicScreen, k: Look, lang: str) -> None:
        if s.offers:
            self.body.addWidget(label(tr("rate_mine", lang), "body", k, bold=True, colour=GOLD))
            row = QHBoxLayout()
            for number in s.offers:
                row.addWidget(button(number, "primary", k, lambda n=number: self.civic.start_rating(n, lang),
                                     name=f"offer-{number}", height="key"))
            self.body.addLayout(row)
        entry = label(s.entry or "—", "huge", k, bold=True, colour=GOLD, align=Qt.AlignCenter)
        entry.setObjectName("rate-entry")
        self.body.addWidget(entry)
        grid = QGridLayout()
        grid.setSpacing(KEY_GAP)
        keys = [svc.code for svc in self.hall.services] + list("1234567890")
        for i, ch in enumerate(keys):
            key = button(ch, "primary", k, lambda c=ch: self.civic.key(c), name=f"key-{ch}", height="key")
            grid.addWidget(key, i // 5, i % 5)
        n = len(keys)
        grid.addWidget(button("⌫", "primary", k, self.civic.backspace, name="key-back", height="key"), n // 5, n % 5)
        self.body.addLayout(grid)
        self.body.addWidget(button(tr("rate_ok", lang), "body", k,
                                   self.civic.confirm_entry, name="entry-ok", height="key"))

    def _rate(self, s: CivicScreen, k: Look, lang: str) -> None:
        for score in range(5, 0, -1):
            chosen = s.score == score
            b = button(f"{STARS * score}{'☆' * (5 - score)}   {tr(f'rate_{score}', lang)}", "body", k,
                       lambda n=score: self.civic.choose_score(n), name=f"score-{score}", height="target")
            if chosen:
                b.setStyleSheet(button_css(k, "body", kind="gold"))
            self.body.addWidget(b)
        if s.choices:
            self.body.addWidget(label(tr("rate_reasons", lang), "body", k, bold=True, colour=GOLD))
            row = QGridLayout()
            for i, code in enumerate(s.choices):
                on = code in s.reasons
                b = button(("✓ " if on else "") + tr(f"reason_{code}", lang), "small", k,
                           lambda c=code: self.civic.toggle_reason(c), secondary=not on, name=f"reason-{code}",
                           height="target")
                row.addWidget(b, i // 2, i % 2)
            self.body.addLayout(row)
            self.comment = QLineEdit(s.comment)
            self.comment.setObjectName("comment")
            self.comment.setPlaceholderText(tr("rate_comment", lang))
            self.comment.setStyleSheet(f"background:{WHITE}; color:{INK}; border-radius:{SMALL_RADIUS}px; padding:10px;"
                                       + font("body", k))
            self.comment.setMinimumHeight(k.target())
            self.comment.editingFinished.connect(lambda: self.civic.set_comment(self.comment.text())
                                                 if self.comment is not None else None)
            self.body.addWidget(self.comment)
        submit = button(tr("rate_submit", lang), "body", k, self._submit, name="rate-submit", height="key")
        submit.setEnabled(s.score is not None)
        self.body.addWidget(submit)

    def _submit(self) -> None:
        comment = self.comment.text() if self.comment is not None else ""
        self.intent(lambda: (self.civic.set_comment(comment), self.civic.submit()))

    def _rated(self, s: CivicScreen, k: Look, lang: str) -> None:
        self.message.setStyleSheet(font("primary", k, True) + f"color:{GOOD};")

    def _message(self, s: CivicScreen, k: Look, lang: str) -> None:
        self.message.setStyleSheet(font("primary", k, True) + f"color:{WARN};")
