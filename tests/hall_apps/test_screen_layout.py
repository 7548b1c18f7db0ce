"""The main calling screen laid out for 4, 16 and 60 windows on 1920x1080, rendered offscreen:
every window has a card, no card overlaps another, no text is clipped or leaves the screen,
the window labels and every text read from afar are at least 56 px (English lines 40 px); a new
board redraws only the card that changed; a screen set to an area shows its windows only.
(CALLING_SCREENS=dir also saves the pictures.)"""
from __future__ import annotations

import os
import re
from itertools import combinations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel

from hall_apps.calling_screen import CallingScreen
from hall_apps.screen_layout import MIN_EN_PX, MIN_PX, layout_for, parse_windows
from hall_apps.screen_model import ScreenModel
from qtkit.common import application
from devkit.boards import board


def _screen(n: int, **kw) -> CallingScreen:
    app = application()
    m = ScreenModel("demo-hall")
    m.accept(board(n))
    m.broker_up = m.controller_up = True
    s = CallingScreen(m, **kw)
    s.setFixedSize(1920, 1080)
    s.show()
    s.render()
    app.processEvents()
    return s


def ink(label: QLabel) -> QRect:
    """Where the label's text is drawn (its glyphs' tight box), as QLabel places one line."""
    fm, cr, text = label.fontMetrics(), label.contentsRect(), label.text()
    advance, align = fm.horizontalAdvance(text), label.alignment()
    if align & Qt.AlignLeft:
        x = cr.left()
    elif align & Qt.AlignRight:
        x = cr.right() + 1 - advance
    else:
        x = cr.left() + (cr.width() - advance) // 2
    baseline = cr.top() + (cr.height() - fm.height()) // 2 + fm.ascent()
    box = fm.tightBoundingRect(text).translated(x, baseline)
    return QRect(label.mapTo(label.window(), box.topLeft()), box.size())


def inside(outer: QRect, inner: QRect, slack: int = 1) -> bool:
    return outer.adjusted(-slack, -slack, slack, slack).contains(inner)


def assert_readable(s) -> list[QLabel]:
    """Every shown text inside the screen, not clipped, not on another, and large enough."""
    labels = [w for w in s.findChildren(QLabel) if w.isVisibleTo(s) and w.text()]
    for w in labels:
        own = QRect(w.mapTo(s, QPoint(0, 0)), w.size())
        assert inside(s.rect(), own, 0), f"{w.text()!r} leaves the screen: {own}"
        assert inside(own, ink(w)), f"{w.text()!r} is clipped: {ink(w)} outside {own}"
        px = w.font().pixelSize()
        english = not re.search(r"[\u3000-\u9fff]", w.text()) and not re.fullmatch(r"[A-Z]?[0-9]+", w.text())
        assert px >= (MIN_EN_PX - 4 if english else MIN_PX), f"{w.text()!r} is {px} px"
    for a, b in combinations(labels, 2):
        assert not ink(a).intersects(ink(b)), f"{a.text()!r} overlaps {b.text()!r}"
    return labels


@pytest.mark.parametrize("n", [4, 16, 60])
def test_n_windows_fit_readably_on_one_screen(n):
    s = _screen(n)
    try:
        cards = list(s.card_widgets.values())
        assert sorted(s.card_widgets) == list(range(1, n + 1))
        boxes = {c.window: QRect(c.mapTo(s, QPoint(0, 0)), c.size()) for c in cards}
        for a, b in combinations(boxes.values(), 2):
            assert not a.intersects(b), f"cards overlap: {a} {b}"
        for c in cards:
            assert c.label.font().pixelSize() >= MIN_PX and c.ticket.font().pixelSize() >= MIN_PX
            assert inside(boxes[c.window], ink(c.label)) and inside(boxes[c.window], ink(c.ticket)), c.window
        assert len(assert_readable(s)) > n
        assert s.notice.height() >= MIN_PX and s.notice.geometry().bottom() < 1080
        if os.environ.get("CALLING_SCREENS"):
            s.grab().save(os.path.join(os.environ["CALLING_SCREENS"], f"calling-screen-{n}.png"))
    finally:
        s.close()


def test_a_new_board_redraws_only_what_changed():
    app = application()
    s = _screen(60)
    try:
        cards = dict(s.card_widgets)
        before = {w: c.redraws for w, c in cards.items()}
        assert s.model.accept(board(60, seq=6, changed=7))  # window 7 calls the next ticket
        s.render()
        app.processEvents()
        assert s.card_widgets == cards  # the same widgets, not rebuilt
        redrawn = [w for w, c in cards.items() if c.redraws != before[w]]
        assert redrawn == [7] and cards[7].ticket.text() == "D507"
        assert s.big.text() == "请 D507 号到 7 号窗口"
        assert s.waiting_chips["A"].zh.text() == "A 综合受理 3人"
    finally:
        s.close()


def test_a_screen_set_to_an_area_shows_its_windows_only():
    s = _screen(60, windows=parse_windows("41-48"), title="二楼 2F", services=["A", "B"])
    try:
        assert sorted(s.card_widgets) == list(range(41, 49)) and s.layout_ == layout_for(8)
        assert s.title.text() == "二楼 2F" and "号到 4" in s.big.text()  # the newest call of this area
        assert list(s.waiting_chips) == ["A", "B"]
    finally:
        s.close()


@pytest.mark.parametrize("text, windows", [("1-3,7", [1, 2, 3, 7]), ("5", [5]), ("2-2, 9-10", [2, 9, 10])])
def test_window_ranges(text, windows):
    assert parse_windows(text) == windows


@pytest.mark.parametrize("text", ["", "a-3", "5-2", "0"])
def test_bad_window_ranges_are_refused(text):
    with pytest.raises(ValueError, match="--windows"):
        parse_windows(text)


@pytest.mark.parametrize("window, big", [(1, "B101"), (3, "暂停服务"), (5, "窗口已关闭"), (4, "A104")])
def test_the_window_screen_shows_the_ticket_or_the_pause_and_the_clerk(window, big):
    """亮证服务: the clerk's photo, name, staff number and title beside the ticket (or the pause)."""
    import base64

    from devkit.avatars import avatar_jpeg
    from hall_apps.window_screen import WindowScreen
    from hall_protocol.staff import StaffCard
    app = application()
    m = ScreenModel("demo-hall", window=window)
    m.accept(board(8, wide=False))
    m.broker_up = m.controller_up = True
    m.clerk = StaffCard(hall="demo-hall", window=window, staff_id="0042", name="王丽华", name_en="Wang Lihua",
                        title="综合受理员", title_en="Service clerk",
                        photo_jpeg_b64=base64.b64encode(avatar_jpeg("0042")).decode())
    s = WindowScreen(m, window)
    s.setFixedSize(1920, 1080)
    s.show()
    s.render()
    app.processEvents()
    try:
        assert s.big.text() == big and s.clerk.isVisible()
        assert s.clerk.number.text() == "工号 0042" and s.clerk.name.text() == "王丽华"
        assert not s.clerk.photo.pixmap().isNull()
        if window == 3:
            assert s.line1.text() == "午休" and "paused" in s.line_en.text()
        if window == 1:
            assert s.line1.text() == "社保医保" and s.line_en.text().startswith("Social & Medical Insurance")
        assert_readable(s)
        m.clerk = None  # signed out: no card
        s.render()
        assert not s.clerk.isVisible()
    finally:
        s.close()


def test_a_screen_set_to_a_zone_of_the_hall_file(tmp_path):
    """`calling-screen --zone 2f --config hall.toml`: the zone's windows, its name, its services."""
    from argparse import Namespace

    from config import HallSuiteConfig, load_config
    from config.schema import AudioConfig, AudioZone
    from devkit import hallfile
    from hall_apps.calling_screen import _area
    from tests.support.fixtures import EXAMPLE_HALL
    cfg = load_config(EXAMPLE_HALL, HallSuiteConfig)
    hall = cfg.halls[0].model_copy(update={"audio": AudioConfig(zones=[
        AudioZone(id="2f", name="二楼", name_en="2F", windows=[3, 4], sink="pulse://zone2")])})
    path = hallfile.write(cfg.model_copy(update={"halls": [hall]}), tmp_path / "hall.toml")
    windows, title, services = _area(Namespace(zone="2f", config=str(path), hall="demo-hall", windows=None))
    assert windows == [3, 4] and title == "示范区政务服务中心　二楼 2F" and services == ["B", "C", "D"]
    with pytest.raises(ValueError, match="has no zone '3f' \\(zones: 2f\\)"):
        _area(Namespace(zone="3f", config=str(path), hall="demo-hall", windows=None))
    with pytest.raises(ValueError, match="--zone needs --config"):
        _area(Namespace(zone="2f", config=None, hall="demo-hall", windows=None))
