"""The identify page of the real kiosk window (offscreen) follows the identity flow:
prompt, live picture, captured frames, result, masked ID only. Run as a module to
regenerate the screenshot: `python -m tests.kiosk_app.qt.test_identity_ui docs/screens/kiosk-identify.png`."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel, QPushButton

from config import HallSuiteConfig, load_config
from drivers.core.clock import FakeClock
from kiosk_app.flows.identity import IDENTIFIED, RETRY, VERIFYING
from kiosk_app.flows.ticket import KioskFlow
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application

from ..identity_support import PERSON, Harness
from ..test_e2e import wait_until as pump

ROOT = Path(__file__).resolve().parents[3]


def side_by_side(left, right):
    """Two grabs of the window in one picture, for the README."""
    from PySide6.QtGui import QPainter, QPixmap
    both = QPixmap(left.width() + right.width() + 20, max(left.height(), right.height()))
    both.fill()
    painter = QPainter(both)
    painter.drawPixmap(0, 0, left)
    painter.drawPixmap(left.width() + 20, 0, right)
    painter.end()
    return both


def make_window(h: Harness) -> KioskWindow:
    hall = load_config(ROOT / "config" / "examples" / "hall.toml", HallSuiteConfig).hall("demo-hall")
    # The ticket side is not used here: no ticket source, no printer.
    return KioskWindow(KioskFlow(None, None, FakeClock()), hall, identity=h.flow)


@contextlib.contextmanager
def shown(h: Harness):
    app = application()
    window = make_window(h)
    window.show()
    try:
        yield app, window
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def texts(window) -> str:
    widgets = window.findChildren(QLabel) + window.findChildren(QPushButton)
    return "\n".join(w.text() for w in widgets if w.isVisibleTo(window))


def test_identify_page_shows_prompt_preview_and_masked_id_only():
    with Harness() as h, shown(h) as (app, window):
        drawn = []
        window.identify_page.bridge.frame.connect(
            lambda _frame: drawn.append(not window.identify_page.preview.pixmap().isNull()))
        window.findChild(QPushButton, "identify").click()
        assert pump(app, lambda: window.stack.currentWidget() is window.identify_page)
        assert "请将身份证放在读卡区" in texts(window)
        h.emulator.place("resident")
        assert pump(app, lambda: h.flow.view.state == IDENTIFIED)
        assert pump(app, lambda: "身份核验通过" in texts(window))
        assert any(drawn)                      # the live picture was on screen while verifying
        card, text = h.card, texts(window)
        assert h.flow.identity.masked_id in text
        assert card.name not in text and card.id_number not in text
        window.identify_page.finish_button.click()
        assert pump(app, lambda: window.stack.currentIndex() == 0 and h.flow.identity is None)


def test_retry_button_only_when_a_retry_is_offered():
    with Harness(f"person={PERSON}&impostor=1") as h, shown(h) as (app, window):
        h.identify()
        assert pump(app, lambda: h.flow.view.state == RETRY)
        assert pump(app, lambda: window.identify_page.retry_button.isVisibleTo(window))
        assert "人脸比对未通过" in texts(window)


def screenshot(path: str) -> None:
    """The page while the simulated citizen turns their head, left; the result, right."""
    with Harness(seed=1) as h, shown(h) as (app, window):
        h.service.worker.max_fps = 4
        h.identify()
        pump(app, lambda: h.flow.view.state == VERIFYING and h.flow.view.accepted_frames >= 2)
        during = window.grab()
        pump(app, lambda: h.flow.view.state == IDENTIFIED)
        pump(app, lambda: "身份核验通过" in texts(window))
        after = window.grab()
        side_by_side(during, after).scaledToWidth(1200).save(path)


if __name__ == "__main__":
    screenshot(sys.argv[1])
