"""The kiosk's accessibility audit: every page of the real kiosk window (offscreen, on real parts:
broker, controller, reference backend, ESC/POS emulator, the ID card emulator behind the real
reader) in {normal, elderly} x {zh, en}, each laid out at 1080x1920 (portrait, the design size),
1920x1080 (landscape) and 1280x1024, measured from the rendered widgets:

- each text's pixel size (the widget's font as Qt resolved it) and line spacing (its metrics):
  normal mode >= 32 px (a page's main text >= 44 px), elderly >= 48 px (main text >= 64 px),
  lines >= 1.3 of the size (kiosk_app/qt/theme.py);
- each text's contrast against its real background: the text colour is the widget's resolved
  palette, the background is the most common colour of the widget's pixels in the grabbed
  window: >= 7:1 (WCAG 2.2 AAA);
- each button's size: >= 96 px (elderly 128 px) both ways;
- clipping: a button or an unwrapped label narrower than its text (size hint), a wrapped
  label shorter than its text at its width, a word wider than its label;
- the window larger than the screen, or a widget outside it (inside a scrolling list only
  sideways: lists scroll up and down).

It prints the worst case of each check and fails on any breach. With KIOSK_SCREENS=docs/screens
it also writes every page in portrait, both modes, both languages, at half size
(kiosk-<page>-<mode>-<lang>.png), the README's kiosk pictures.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QFontInfo, QFontMetrics, QImage, QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QLineEdit, QPushButton, QWidget

from drivers.speech.output import AudioOutput
from kiosk_app.qt import theme
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application

from ..services_support import build, identify
from ..test_e2e import wait_until

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080), "1280x1024": (1280, 1024)}
CHECKS = {"text px": "px", "line spacing": "x", "contrast": ":1", "target": "px", "clipped": "px",
          "outside": "px"}


@dataclass(frozen=True)
class Finding:
    where: str          # page / mode / lang / size
    widget: str
    check: str
    value: float
    limit: float

    @property
    def margin(self) -> float:
        return self.value - self.limit


@pytest.fixture
def kiosk(hall, broker, suite_config, printer_emulator, server):
    _, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}")
    s.kiosk.voice.output = AudioOutput("none")    # what is said is test_voice.py's; here what is shown
    app = application()
    window = KioskWindow.for_kiosk(s.kiosk)
    window.show()
    yield app, window, s
    s.stop()
    window.close()
    window.deleteLater()
    app.processEvents()


# -- measuring ------------------------------------------------------------------------------
def settle(app, n: int = 6) -> None:
    for _ in range(n):
        app.processEvents()


def pixels(window: QWidget) -> np.ndarray:
    image = window.grab().toImage().convertToFormat(QImage.Format_RGB32)
    h, w = image.height(), image.width()
    raw = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.bytesPerLine() // 4 * h)
    return raw.reshape(h, image.bytesPerLine() // 4)[:, :w] & 0xFFFFFF


def background(px: np.ndarray, rect: QRect) -> str | None:
    """The most common colour of the widget's pixels: its real background."""
    region = px[max(rect.top(), 0):rect.bottom() + 1, max(rect.left(), 0):rect.right() + 1]
    if region.size == 0:
        return None
    values, counts = np.unique(region, return_counts=True)
    return f"#{int(values[counts.argmax()]):06x}"


def name_of(w: QWidget) -> str:
    text = w.text() if hasattr(w, "text") else ""
    text = " ".join(text.split())[:28]
    return f"{w.objectName() or type(w).__name__} «{text}»"


def visible_rect(w: QWidget, window: QWidget) -> QRect:
    """The part of the widget on screen (clipped by scrolling lists around it)."""
    rect = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
    parent = w.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent.parentWidget(), QAbstractScrollArea):   # a scrolling list's viewport
            rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return rect


def in_scroll(w: QWidget) -> QWidget | None:
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def audit(window: QWidget, elderly: bool, where: str) -> list[Finding]:
    out: list[Finding] = []
    screen = QRect(QPoint(0, 0), window.size())
    target = SIZES[where.split(" / ")[-1]]
    if window.width() > target[0] or window.height() > target[1]:
        out.append(Finding(where, "window", "outside", -max(window.width() - target[0], window.height() - target[1]),
                           0))
    px = pixels(window)
    widgets = [w for w in window.findChildren(QWidget) if isinstance(w, (QLabel, QPushButton, QLineEdit))
               and w.isVisible() and (w.text() if not isinstance(w, QLabel) or w.pixmap().isNull() else "")]
    for w in widgets:
        name = name_of(w)
        role = w.property("role") or "body"
        size = QFontInfo(w.font()).pixelSize()
        primary = role in theme.PRIMARY_ROLES
        limit = (theme.MIN_PRIMARY if primary else theme.MIN_TEXT)[elderly]
        out.append(Finding(where, name, "text px", size, limit))
        metrics = QFontMetrics(w.font())
        out.append(Finding(where, name, "line spacing", round(metrics.lineSpacing() / size, 2), 1.3))
        # contrast: the resolved text colour against the real background
        rect = visible_rect(w, window)
        inset = min(rect.height() // 4, rect.width() // 4, 24) if isinstance(w, QPushButton) else 0
        bg = background(px, rect.adjusted(inset, inset, -inset, -inset))
        if bg is not None and rect.height() * 2 >= w.height():   # half scrolled away: its frame, not its text
            group = QPalette.Active if w.isEnabled() else QPalette.Disabled
            fg = w.palette().color(group, w.foregroundRole()).name()
            out.append(Finding(where, name, "contrast", round(theme.contrast(fg, bg), 2), theme.MIN_CONTRAST))
        # touch targets
        if isinstance(w, QPushButton):
            out.append(Finding(where, name, "target", min(w.width(), w.height()), theme.MIN_TARGET[elderly]))
        # clipping
        text = w.text().replace("&&", "&")
        if isinstance(w, QLabel) and w.wordWrap():
            width = w.contentsRect().width()
            out.append(Finding(where, name, "clipped", w.height() - w.heightForWidth(w.width()), 0))
            words = re.findall(r"[A-Za-z0-9@&.,:;/()'\-]+", text)   # Chinese breaks between any two characters
            widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
            out.append(Finding(where, name, "clipped", width - widest, 0))
        else:
            hint = w.sizeHint()
            out.append(Finding(where, name, "clipped", min(w.width() - hint.width(), w.height() - hint.height()), 0))
        # on screen: inside the window; in a scrolling list, inside it sideways
        mapped = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
        area = in_scroll(w)
        if area is not None:
            box = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
            out.append(Finding(where, name, "outside", min(mapped.left() - box.left(), box.right() - mapped.right()),
                               0))
        else:
            out.append(Finding(where, name, "outside", min(mapped.left() - screen.left(), mapped.top() - screen.top(),
                                                           screen.right() - mapped.right(),
                                                           screen.bottom() - mapped.bottom()), 0))
    return out


def report(findings: list[Finding]) -> str:
    rows = [f"{'check':13} {'worst':>8} {'limit':>6}  {'where':44} widget"]
    for check in CHECKS:
        mine = sorted((f for f in findings if f.check == check), key=lambda f: f.margin)
        for f in mine[:3]:
            rows.append(f"{check:13} {f.value:>8} {f.limit:>6}  {f.where:44} {f.widget}")
    return "\n".join(rows)


# -- walking the pages ----------------------------------------------------------------------
def walk(app, window, s, server):
    """Every page of the kiosk, in the flow's language and mode; yields each page's name."""
    flow, lang = s.flow, s.flow.screen.lang
    yield "home"
    window.service_buttons["A"].click()
    assert wait_until(app, lambda: flow.screen.page == "ticket" and window.stack.currentIndex() == 1)
    number = flow.screen.ticket.number
    yield "ticket"
    window.t_done.click()
    flow.choose_service("Z")                             # no such service: the error page
    assert wait_until(app, lambda: flow.screen.page == "error" and window.stack.currentIndex() == 2)
    yield "error"
    window.m_done.click()
    window.guide_button.click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.civic_page
                      and s.civic.screen.page == "guide_list")
    yield "guide-list"
    matter = s.civic.screen.shown_matters[0]
    s.civic.show_guide(matter.matter_id)
    assert wait_until(app, lambda: s.civic.screen.page == "guide")
    yield "guide"
    s.civic.close()
    window.rate_button.click()
    assert wait_until(app, lambda: s.civic.screen.page == "rate_entry")
    yield "rate-entry"
    s.civic.start_rating(number, lang)
    assert wait_until(app, lambda: s.civic.screen.page == "rate")
    yield "rate"
    s.civic.close()
    window.booking_button.click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.booking_page)
    yield "booking"
    s.kiosk.booking.close()
    window.id_button.click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.identify_page)
    yield "identify"
    identify(s, server.citizens()[0])                   # elderly, with licences: the offer shows
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page)
    yield "citizen"
    for page, fn in (("appointments", s.citizen.show_appointments), ("progress", s.citizen.show_progress),
                     ("licences", s.citizen.show_licences)):
        fn()
        assert wait_until(app, lambda p=page: s.citizen.screen.page == p)
        yield page
    s.citizen.menu()
    s.citizen.pay()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.payment_page
                      and s.kiosk.payment.screen.page not in ("loading", "closed"), 20)
    yield "payment"
    s.kiosk.payment.close()
    s.citizen.finish()
    assert wait_until(app, lambda: window.stack.currentIndex() == 0 and window._service_page() is None)


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
def test_every_page_in_both_languages_and_three_panels(kiosk, server, elderly, capsys):
    app, window, s = kiosk
    if elderly:
        window.elderly_button.click()
    findings: list[Finding] = []
    seen: set[str] = set()
    shots = os.environ.get("KIOSK_SCREENS")
    mode = "elderly" if elderly else "normal"
    for lang in ("zh", "en"):
        if s.flow.screen.lang != lang:
            window.lang_button.click()
        assert wait_until(app, lambda: s.flow.screen.lang == lang and s.flow.screen.elderly == elderly)
        for page in walk(app, window, s, server):
            seen.add(page)
            for size, (w, h) in SIZES.items():
                window.resize(w, h)
                settle(app)
                findings += audit(window, elderly, f"{page} / {mode} / {lang} / {size}")
                if shots and size == "portrait":
                    name = f"kiosk-{page}-{mode}-{lang}.png"
                    assert window.grab().scaled(QSize(w // 2, h // 2)).save(str(Path(shots) / name))
            window.resize(*SIZES["portrait"])
            settle(app)
    assert len(seen) == 14, seen
    table = report(findings)
    with capsys.disabled():
        print(f"\nkiosk accessibility, {mode} mode: {len(findings)} measures; the worst of each check:\n{table}")
    breaches = [f for f in findings if f.margin < 0]
    worst = "\n".join(f"{f.check}: {f.value} (limit {f.limit}) at {f.where}: {f.widget}"
                      for f in sorted(breaches, key=lambda f: f.margin)[:40])
    assert not breaches, f"{len(breaches)} breaches, the worst:\n{worst}"
