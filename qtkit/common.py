"""Qt helpers shared by the kiosk, the calling screen and the window caller."""
from __future__ import annotations

import os

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
