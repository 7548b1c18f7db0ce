"""Services a citizen cannot get a ticket for now are greyed on the kiosk's home page before the
tap, with the reason and the hours: a service full for today (the retained board's `full`, from
the real controller on the real broker) and a service outside its ticket hours. The real kiosk
(kiosk_app/app.py) and its window offscreen; the kiosk's clock starts at the real time (the
controller's), then moves into the hours."""
from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from config.schema import KioskConfig, OpeningPeriod
from drivers.core.clock import FakeClock
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.contract import Board
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application, process_until

HALL = "demo-hall"


def _controller(suite_config, broker, changes: dict[str, dict]):
    hall = suite_config.hall(HALL)
    services = [s.model_copy(update=changes.get(s.code, {})) for s in hall.services]
    config = suite_config.model_copy(update={"halls": [
        h.model_copy(update={"services": services}) if h.id == HALL else h for h in suite_config.halls]})
    engine = make_engine(config.database.url)
    c = HallController(config, engine, password=broker.passwords[config.controller_id])
    c.start()
    return c, engine, config.hall(HALL)



def shown(button) -> str:
    """A button's words as one line: a long line is wrapped to the button's width."""
    return " ".join(button.text().split())


def test_a_full_and_a_not_yet_open_service_are_greyed_with_reason_and_hours(suite_config, broker, printer_emulator):
    zone = ZoneInfo(suite_config.hall(HALL).timezone)
    now = datetime.now(zone)
    start = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0, minute=0)
    end = time(start.hour, 30)
    controller, engine, hall = _controller(suite_config, broker, {
        "D": {"daily_limit": 1},
        "C": {"hours": [OpeningPeriod(opens=start, closes=end, weekdays=[1, 2, 3, 4, 5, 6, 7])]}})
    _, port = printer_emulator
    cfg = KioskConfig(id="kiosk-01", hall=HALL, printer_url=f"tcp://127.0.0.1:{port}",
                      broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}))
    clock = FakeClock(start=now)
    kiosk = Kiosk(cfg, hall, password=broker.passwords["kiosk-01"], clock=clock)
    kiosk.start()
    app = application()
    window = KioskWindow.for_kiosk(kiosk)
    buttons = window.service_buttons
    try:
        window.show()
        hours = f"周一至周日 {start:%H:%M}-{end:%H:%M}"
        assert process_until(app, lambda: buttons["C"].property("state") == "not_open", 10)
        assert "现在不取号" in shown(buttons["C"]) and hours in shown(buttons["C"])
        assert "#cfd8dc" in buttons["C"].styleSheet()                     # greyed
        assert buttons["D"].property("state") == "" and buttons["A"].property("state") == ""
        QTest.mouseClick(buttons["D"], Qt.LeftButton)                     # D's only ticket of the day
        assert process_until(app, lambda: kiosk.flow.screen.page == "ticket", 10)
        kiosk.flow.done()
        assert process_until(app, lambda: buttons["D"].property("state") == "full", 10)
        assert "今日号已取完" in shown(buttons["D"]) and "#cfd8dc" in buttons["D"].styleSheet()
        assert buttons["A"].property("state") == "" and "#cfd8dc" not in buttons["A"].styleSheet()
        if os.environ.get("KIOSK_SCREENS"):
            for _ in range(5):
                app.processEvents()
            window.grab().save(str(Path(os.environ["KIOSK_SCREENS"]) / "kiosk-home-greyed.png"))
        kiosk.flow.toggle_language()
        assert process_until(app, lambda: "Not taking tickets now" in shown(buttons["C"]), 10)
        assert f"Hours: Mon-Sun {start:%H:%M}-{end:%H:%M}" in shown(buttons["C"])
        assert "All of today's tickets are taken" in shown(buttons["D"])
        # the kiosk's clock reaches C's hours: C is offered again without any other change
        opens_at = datetime.combine((now + timedelta(hours=2)).date(), start, zone)
        clock.advance((opens_at - now).total_seconds() + 60)
        assert process_until(app, lambda: buttons["C"].property("state") == "", 10)
        assert "Not taking tickets now" not in shown(buttons["C"])
    finally:
        window.close()
        window.deleteLater()
        kiosk.stop()
        app.processEvents()
        controller.stop()
        engine.dispose()


def test_a_board_without_full_from_an_older_controller_still_reads():
    board = Board.model_validate({"hall": HALL, "hall_name": "x", "day": "2026-01-05", "seq": 1,
                                  "updated_at": "2026-01-05T08:30:00+08:00", "windows": [], "current": [],
                                  "recent": [], "waiting": {}, "services": {}})
    assert board.full == []
