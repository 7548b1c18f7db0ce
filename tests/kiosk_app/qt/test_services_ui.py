"""The guide, rating and identified-citizen pages of the real kiosk window (offscreen), on
real parts (broker, controller, reference backend, ID card emulator behind the real reader,
private cupsd, ESC/POS emulator). Set KIOSK_SCREENS=docs/screens to also write the README's
screenshots (kiosk-guide.png, kiosk-rating.png, kiosk-citizen.png, kiosk-licence.png)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk_app.qt.window import KioskWindow
from qtkit.common import application

from ..services_support import HALL, build, identify
from ..test_e2e import wait_until
from .test_identity_ui import side_by_side


@pytest.fixture
def kiosk(hall, broker, suite_config, printer_emulator, queue_url, server):
    _, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}", a4_url=queue_url)
    app = application()
    window = KioskWindow.for_kiosk(s.kiosk)       # the kiosk's own composition (kiosk_app/app.py)
    window.show()
    yield app, window, s
    s.stop()
    window.close()
    window.deleteLater()
    app.processEvents()


def texts(window) -> str:
    page = window.stack.currentWidget()
    widgets = page.findChildren(QLabel) + page.findChildren(QPushButton) + [window.header]
    return "\n".join(w.text() for w in widgets if w.isVisibleTo(window))


def click(app, window, name: str) -> None:
    assert wait_until(app, lambda: window.findChild(QPushButton, name) is not None), name
    window.findChild(QPushButton, name).click()


def settled(window):
    """The window once Qt has shown and laid out the widgets of the last render."""
    app = application()
    for _ in range(5):
        app.processEvents()
    return window.grab()


def shot(window, tmp_path: Path, name: str, before=None) -> None:
    """Save the window (with `before` on its left, when given)."""
    path = tmp_path / name
    image = settled(window)
    if before is not None:
        image = side_by_side(before, image).scaledToWidth(1600)
    assert image.save(str(path))
    if os.environ.get("KIOSK_SCREENS"):
        shutil.copy(path, Path(os.environ["KIOSK_SCREENS"]) / name)


def test_guide_by_category_then_one_matter(kiosk, tmp_path):
    app, window, s = kiosk
    window.findChild(QPushButton, "guide").click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.civic_page and "综合受理" in texts(window))
    click(app, window, "category-B")
    assert wait_until(app, lambda: all(m.service_code == "B" for m in s.civic.screen.shown_matters)
                      and f"matter-{s.civic.screen.shown_matters[0].matter_id}" in
                      [b.objectName() for b in window.civic_page.findChildren(QPushButton) if b.isVisibleTo(window)])
    matter = s.civic.screen.shown_matters[0]
    click(app, window, f"matter-{matter.matter_id}")
    assert wait_until(app, lambda: "所需材料" in texts(window) and "办理窗口" in texts(window))
    assert s.civic.screen.guide.matter_id == matter.matter_id
    shot(window, tmp_path, "kiosk-guide.png")
    click(app, window, "civic-close")
    assert wait_until(app, lambda: window.stack.currentIndex() == 0)


def test_rating_with_the_keypad(kiosk, tmp_path):
    app, window, s = kiosk
    number = s.flow.choose_service("A").ticket.number
    s.flow.done()
    window.findChild(QPushButton, "rate").click()
    assert wait_until(app, lambda: window.stack.currentWidget() is window.civic_page and "请输入或扫描" in texts(window))
    for ch in number:
        click(app, window, f"key-{ch}")
        app.processEvents()
    assert wait_until(app, lambda: s.civic.screen.entry == number)
    click(app, window, "entry-ok")
    assert wait_until(app, lambda: "非常满意" in texts(window))
    click(app, window, "score-5")
    assert wait_until(app, lambda: "办理快捷" in texts(window))
    click(app, window, "reason-friendly")
    assert wait_until(app, lambda: "✓ 态度热情" in texts(window))
    shot(window, tmp_path, "kiosk-rating.png")
    click(app, window, "rate-submit")
    assert wait_until(app, lambda: "尚未办结" in texts(window)), (s.civic.screen, texts(window))  # still waiting


def test_identified_citizen_menu_and_licence_print(kiosk, server, listener, tmp_path):
    app, window, s = kiosk
    who = next(c for c in server.citizens()[:3] if len(c["licences"]) > 1)   # elderly, with licences
    identify(s, who)
    assert wait_until(app, lambda: window.stack.currentWidget() is window.citizen_page and "办件进度" in texts(window))
    text = texts(window)
    assert s.citizen.identity.masked_id in text and "绿色通道" in text
    assert who["name"] not in text and who["id_number"] not in text
    shot(window, tmp_path, "kiosk-citizen.png")
    click(app, window, "menu-licences")
    assert wait_until(app, lambda: s.citizen.screen.page == "licences")
    lic = next(x for x in s.citizen.screen.licences if x.printable)
    wait_until(app, lambda: window.findChild(QPushButton, f"print-{lic.licence_id}") is not None)
    listing = settled(window)
    click(app, window, f"print-{lic.licence_id}")
    if lic.print_count:
        click(app, window, "confirm-print")
    assert wait_until(app, lambda: "打印完成" in texts(window), timeout=60)
    assert listener.received.wait(20)
    shot(window, tmp_path, "kiosk-licence.png", before=listing)
    click(app, window, "citizen-finish")
    assert wait_until(app, lambda: window.stack.currentIndex() == 0)
    assert s.identity_flow.identity is None and s.citizen.screen.licences == ()
    everything = "\n".join(w.text() for w in window.findChildren(QLabel) + window.findChildren(QPushButton))
    assert who["name"] not in everything and s.citizen.screen.masked_id == ""


def test_identified_citizen_checks_in_and_the_ticket_page_shows_it(kiosk, server):
    app, window, s = kiosk
    who = next(c for c in server.citizens()[3:] if c["appointments"])
    identify(s, who)
    click(app, window, "menu-appointments")
    assert wait_until(app, lambda: s.citizen.screen.page == "appointments")
    code = next(a.code for a in s.citizen.screen.appointments if a.status.value == "booked")
    click(app, window, f"check-in-{code}")
    assert wait_until(app, lambda: window.stack.currentIndex() == 1 and "预约签到" in window.t_caption.text())
    window.t_done.click()
    assert wait_until(app, lambda: window.stack.currentIndex() == 0 and s.identity_flow.identity is None), (
        window.stack.currentIndex(), s.identity_flow.view, s.citizen.screen.page, s.flow.screen.page)
