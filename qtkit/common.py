"""Qt helpers shared by the kiosk, the calling screen and the window caller."""
from __future__ import annotations

import logging
import os
import re

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Sans SC")


def cjk_family() -> str:
    families = set(QFontDatabase.families())
    for name in CJK_FAMILIES:
        if name in families:
            return name
    raise RuntimeError("no Simplified Chinese font installed (Debian: fonts-noto-cjk); "
                       "Qt would draw empty boxes")


def application(argv: list[str] | None = None) -> QApplication:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(argv or [])
    app.setFont(QFont(cjk_family(), 14))
    return app


def process_until(app: QApplication, cond, timeout: float) -> bool:
    """Run Qt's events until `cond()` holds or `timeout` seconds pass (for headless runs and tests)."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if cond():
            return True
        time.sleep(0.01)
    return False


def fitting_px(base: QFont, text: str, width: int, px: int, *, bold: bool = False, minimum: int = 18) -> int:
    """The largest pixel size up to `px` at which every line of `text` fits in `width`."""
    f = QFont(base)
    f.setBold(bold)
    while px > minimum:
        f.setPixelSize(px)
        metrics = QFontMetrics(f)
        if max(metrics.horizontalAdvance(line) for line in text.split("\n")) <= width:
            break
        px -= 2
    return px


GEOMETRY_ENV = "HALL_WINDOW_GEOMETRY"


def show_window(widget, *, full_screen: bool) -> None:
    """Show an app's main window: at `HALL_WINDOW_GEOMETRY` (`WxH+X+Y` in screen pixels, as the demo
    arranges several apps on one screen; with `QT_SCALE_FACTOR` the app draws itself scaled to it),
    otherwise full screen (a terminal's or a hall screen's own display) or at its own size."""
    geometry = os.environ.get(GEOMETRY_ENV, "").strip()
    m = re.fullmatch(r"(\d+)x(\d+)\+(\d+)\+(\d+)", geometry)
    if geometry and not m:   # shown as usual, and said why
        logging.getLogger(__name__).warning("%s=%r is not WxH+X+Y (e.g. 810x1080+0+0); ignored", GEOMETRY_ENV,
                                            geometry[:40])
    if m is None and full_screen:   # the whole screen, also in an X session with no window manager
        screen = widget.screen() or QApplication.primaryScreen()
        widget.setGeometry(screen.geometry())
        widget.showFullScreen()
        return
    if m is None:
        widget.show()
        return
    w, h, x, y = (int(v) for v in m.groups())
    try:   # Qt's logical pixels are screen pixels / its scale factor
        scale = float(os.environ.get("QT_SCALE_FACTOR") or 1.0) or 1.0
    except ValueError:
        scale = 1.0
    widget.setGeometry(round(x / scale), round(y / scale), round(w / scale), round(h / scale))
    widget.show()
