"""The locked-down kiosk (kiosk_app/qt/lockdown.py, kiosk_app/qt/technician_page.py).

Alt+F4 goes through a real window manager (openbox on Xvfb, whose default binding closes the
focused window) to the real kiosk process on Qt's xcb platform; the same key closes the kiosk
started with --no-kiosk-mode, which shows the key reaches it. The right click and the long press
with its PIN drive the real kiosk window in this process (QTest, offscreen), on the kiosk
assembled by kiosk_app/app.py against the test's private broker and ESC/POS emulator."""
from __future__ import annotations

import logging
import re
import subprocess
import time

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QTableWidget

from config.schema import KioskConfig
from devkit.xwindows import mapped_windows, wait_mapped
from drivers.speech.output import AudioOutput
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from kiosk_app.technician import LogTail, Technician, check_pin, hash_pin
from qtkit.common import application, process_until

from ..support.personal import id_numbers
from ..support.pulse import pulse  # noqa: F401 (fixture)
from ..support.xscreen import xdesktop  # noqa: F401 (fixture)
from .kiosk_process import PIN, kiosk_files, start_kiosk
from .test_e2e import keep  # noqa: F401 (fixture)

HALL = "demo-hall"


def press_alt_f4(x, window_id: int) -> None:
    subprocess.run(["xdotool", "windowactivate", "--sync", str(window_id)], env={"DISPLAY": x.display}, timeout=10)
    subprocess.run(["xdotool", "key", "--clearmodifiers", "alt+F4"], env={"DISPLAY": x.display}, check=True,
                   timeout=10)


@pytest.mark.parametrize("mode", ["--kiosk-mode", "--no-kiosk-mode"])
def test_alt_f4_from_the_window_manager_closes_only_a_desktop_kiosk(mode, tmp_path, broker, xdesktop):  # noqa: F811
    kiosk_path, hall_path = kiosk_files(tmp_path, broker)
    proc = start_kiosk(xdesktop, broker, kiosk_path, hall_path, mode, log=tmp_path / "kiosk.log")
    try:
        rect = wait_mapped(proc, xdesktop.display, timeout=60)
        if mode == "--kiosk-mode":       # frameless, the whole screen
            assert (rect.x, rect.y, rect.width, rect.height) == (0, 0, 1920, 1080)
        (window_id,) = [w for w, r in mapped_windows(proc.pid, xdesktop.display).items() if r == rect]
        press_alt_f4(xdesktop, window_id)
        if mode == "--kiosk-mode":
            time.sleep(2)                # what would close it has had its time
            assert proc.poll() is None, (tmp_path / "kiosk.log").read_text()[-2000:]
            assert rect in mapped_windows(proc.pid, xdesktop.display).values()
        else:
            assert proc.wait(15) == 0    # the desktop kiosk closes: the key did reach it
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def window(broker, suite_config, printer_emulator, tmp_path, keep, pulse):  # noqa: F811
    _, port = printer_emulator
    cfg = KioskConfig(id="kiosk-01", hall=HALL, printer_url=f"tcp://127.0.0.1:{port}",
                      broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}),
                      idcard_url="sim://idcard?name=technician-test",
                      technician_pin_hash=hash_pin(PIN, iterations=1000))
    kiosk = Kiosk(cfg, suite_config.hall(HALL), password=broker.passwords["kiosk-01"])
    kiosk.start()
    tail = LogTail().install()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)   # as the kiosk's entry point sets it
    app = application()
    w = KioskWindow.for_kiosk(kiosk)
    keep(w)
    w.lock_down(kiosk_mode=True, technician=Technician(kiosk, cfg.technician_pin_hash, tail,
                                                       out_dir=tmp_path / "technician",
                                                       speaker=AudioOutput("pulse://hall", env=pulse.env)))
    w.resize(1080, 1440)
    w.show()
    app.processEvents()
    yield app, w, kiosk
    root.removeHandler(tail)
    root.setLevel(level)
    w.guard.timer.stop()
    QApplication.instance().removeEventFilter(w.guard)
    kiosk.stop()
    w.quit()


def long_press(app, w, pos: QPoint, hold_s: float) -> None:
    QTest.mousePress(w, Qt.LeftButton, Qt.NoModifier, pos)
    end = time.monotonic() + hold_s
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    QTest.mouseRelease(w, Qt.LeftButton, Qt.NoModifier, pos)
    app.processEvents()


def enter_pin(app, w, pin: str) -> None:
    page = w.technician_page
    for digit in pin:
        next(b for b in page.findChildren(QPushButton) if b.text() == digit).click()
    page.ok.click()
    app.processEvents()


def test_a_right_click_opens_no_menu(window):
    app, w, _ = window
    w.technician_page.open_page()          # the PIN field: a QLineEdit, which has a menu of its own
    field = w.findChild(QLineEdit, "technician-pin")
    seen = []

    def look() -> None:                    # a menu would block in exec(): note it and close it
        popup = QApplication.activePopupWidget()
        seen.append(popup)
        if popup is not None:
            popup.close()
    QTimer.singleShot(300, look)
    QApplication.sendEvent(field, QContextMenuEvent(QContextMenuEvent.Mouse, QPoint(5, 5),
                                                    field.mapToGlobal(QPoint(5, 5))))
    process_until(app, lambda: seen, 5)
    assert seen == [None]


def test_the_window_refuses_to_close_unless_the_kiosk_quits(window):
    app, w, _ = window
    assert w.close() is False and w.isVisible()
    assert w.windowFlags() & Qt.FramelessWindowHint


def test_a_long_press_in_the_corner_and_the_pin_open_the_technician_page(window, tmp_path, pulse):  # noqa: F811
    app, w, kiosk = window
    page = w.technician_page
    long_press(app, w, QPoint(8, 8), 1.0)            # too short
    assert not page.isVisible()
    long_press(app, w, QPoint(500, 700), 3.4)        # not in the corner
    assert not page.isVisible()
    long_press(app, w, QPoint(8, 8), 3.4)
    assert page.isVisible() and not page.unlocked
    enter_pin(app, w, "24680")                        # a wrong PIN
    assert not page.unlocked and "Wrong PIN" in page.message.text()
    enter_pin(app, w, PIN)
    assert page.unlocked
    table = w.findChild(QTableWidget, "technician-devices")
    rows = {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 3).text())
            for r in range(table.rowCount())}
    assert "printer" in rows and rows["printer"][0] == "online" and "idcard" in rows
    # test print: a self-test receipt reaches the ESC/POS emulator and the counters show it
    def prints() -> int:   # the printer's counters survive restarts (a run's earlier tests printed too)
        found = re.search(r"prints (\d+)", table.item(0, 3).text())
        return int(found.group(1)) if found else 0
    before = prints()
    w.findChild(QPushButton, "technician-print").click()
    assert process_until(app, lambda: "printer: ok" in page.message.text(), 20), page.message.text()
    assert process_until(app, lambda: prints() == before + 1, 5), table.item(0, 3).text()
    # test read: the ID card reader (its emulator behind the real driver) answers
    w.findChild(QPushButton, "technician-read").click()
    assert process_until(app, lambda: "card reader: ok" in page.message.text(), 20), page.message.text()
    # test speech: heard on the loudspeaker (a PulseAudio null sink, recorded)
    with pulse.record("hall") as heard:
        w.findChild(QPushButton, "technician-speech").click()
        assert process_until(app, lambda: page.message.text().startswith("speech: ok"), 60), page.message.text()
    assert heard.seconds_above(0.01) > 0.5
    # send logs: a masked tail where the technician fetches it; never the PIN nor its hash
    citizen = id_numbers(3)["resident"]
    logging.getLogger("kiosk_app.flows").info("read card %s", citizen)   # as a careless log line would
    w.findChild(QPushButton, "technician-logs").click()
    path = tmp_path / "technician" / "kiosk-01-log.txt"
    assert process_until(app, lambda: path.exists() and "logs:" in page.message.text(), 10)
    text = path.read_text("utf-8")
    assert "technician page opened" in text and "wrong technician PIN" in text
    assert PIN not in text and kiosk.config.technician_pin_hash.split("$")[3] not in text
    assert citizen not in text and f"read card {citizen[:6]}" in text
    assert path.stat().st_mode & 0o077 == 0
    w.findChild(QPushButton, "technician-close").click()
    assert not page.isVisible()


def test_pin_hash_round_trip_and_five_wrong_pins_lock_the_page(window):
    _, w, _ = window
    stored = hash_pin("4321", iterations=1000)
    assert check_pin("4321", stored) and not check_pin("4322", stored) and not check_pin("4321", "garbage")
    tech = w.technician_page.technician
    for _ in range(5):
        assert not tech.unlock("0000", now=100.0)
    assert not tech.unlock(PIN, now=101.0)            # locked for five minutes
    assert tech.unlock(PIN, now=401.0)


def test_the_cursor_is_hidden_on_a_touch_screen(window):
    app, w, _ = window
    assert QApplication.overrideCursor() is None       # hide_cursor off: the cursor stays
    guard = None
    try:
        from kiosk_app.qt.lockdown import lock_down
        guard = lock_down(w, kiosk_mode=True, hide_cursor=True)
        assert QApplication.overrideCursor().shape() == Qt.BlankCursor
    finally:
        QApplication.restoreOverrideCursor()
        if guard is not None:
            QApplication.instance().removeEventFilter(guard)
