"""Every error a citizen can meet has a plain message that says what to do next
(kiosk_app/flows/messages.py), code by code: parametrised over the codes the contract, the
controller (every refusal class and every literal code in its source), the router, the
receipt printer and the kiosk declare, so that a new code without a message fails here. End
to end on the real broker and controller: a full service and a closed service refuse a
ticket with the plain message, in both languages; no developer text reaches the screen."""
from __future__ import annotations

import importlib
import itertools
import logging
import pkgutil
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import hall_controller
from config.schema import OpeningPeriod
from drivers.escpos.printer import PrinterStatus
from hall_controller.store.db import make_engine
from hall_controller.service import HallController
from hall_protocol import contract
from hall_protocol.errors import Refused
from hall_protocol.phone import PHONE_ERROR_CODES
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.messages import DEVICE_CODES, GENERIC, KIOSK_CODES, MESSAGES, details_of, format_hours, plain_message
from kiosk_app.flows.ticket import KioskFlow
from drivers.core.clock import FakeClock

HALL = "demo-hall"
ROOT = Path(__file__).resolve().parents[3]


def _refusal_codes() -> set[str]:
    """The `code` of every refusal class of the controller (all its modules imported)."""
    for module in pkgutil.walk_packages(hall_controller.__path__, "hall_controller."):
        if not module.name.endswith("__main__") and ".migrations" not in module.name:
            importlib.import_module(module.name)
    codes, todo = set(), [Refused]
    while todo:
        cls = todo.pop()
        codes.add(cls.code)
        todo += cls.__subclasses__()
    return codes


def _literal_codes() -> set[str]:
    """Codes given as literals where a refusal is raised: `code="..."` and Refused("...", "...")."""
    codes = set()
    for path in itertools.chain((ROOT / "hall_controller").rglob("*.py"), (ROOT / "hall_protocol").rglob("*.py")):
        text = path.read_text("utf-8")
        codes |= set(re.findall(r"\bcode=\"([a-z_]+)\"", text))
        codes |= set(re.findall(r"Refused\(\"([a-z_]+)\"", text))                     # AppointmentRefused("code", ...)
        codes |= set(re.findall(r"Refused\(f?\"[^\"]*\"(?:\s*\n\s*f?\"[^\"]*\")*,\s*\"([a-z_]+)\"\)", text))
    return codes


def _printer_codes() -> set[str]:
    codes = set()
    for online, paper, cover, answered in itertools.product((True, False), ("ok", "near_end", "out", "unknown"),
                                                            (True, False), (True, False)):
        status = PrinterStatus(online, paper, cover, answered).device_status()
        if not status.usable:
            codes |= set(status.details)
    return codes


ROUTER_CODES = {"bad_request", "internal_error"}
DECLARED = sorted(set(contract.BACKEND_ERROR_CODES) | set(PHONE_ERROR_CODES) | _refusal_codes() | _literal_codes()
                  | ROUTER_CODES | _printer_codes() | set(DEVICE_CODES) | set(KIOSK_CODES))
DEVELOPER = re.compile(r"[a-z]+_[a-z_]+|\{|\}|None|Error|service [A-Z]\b|has issued its|controller|backend|"
                       r"MQTT|http", re.IGNORECASE)


def test_the_lists_are_what_they_claim():
    assert {"limit_reached", "not_open", "not_found", "conflict", "forbidden", "unavailable", "wrong_pin",
            "robot_unavailable", "sign_in_required", "receipt_printed"} <= set(DECLARED)
    assert {"appointment_early", "other_hall", "remote_closed", "paper_out", "no_answer"} <= set(DECLARED)


@pytest.mark.parametrize("code", DECLARED)
def test_every_declared_code_has_a_plain_message(code):
    assert code in MESSAGES, f"error code {code!r} has no plain message in kiosk_app/flows/messages.py"


@pytest.mark.parametrize("code", sorted(MESSAGES))
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("with_details", [True, False])
def test_each_message_is_plain_and_says_what_to_do(code, lang, with_details):
    details = ({"hours": "周一至周五 08:30-12:00", "opens": "09:30", "hall": "市民中心"} if lang == "zh" else
               {"hours": "Mon-Fri 08:30-12:00", "opens": "09:30", "hall": "City Hall"}) if with_details else {}
    text = plain_message(code, lang, **details)
    assert text and len(text) <= 200
    assert not DEVELOPER.search(text), f"{code}: developer text in {text!r}"
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", text) and "请" in text, f"{code}: no plain Chinese next step: {text!r}"
    else:
        assert text.isascii() and "please" in text.lower(), f"{code}: no plain English next step: {text!r}"
    if with_details:
        for name in details_of(code):
            assert str(details[name]) in text


def test_an_unknown_code_gets_the_generic_message_and_is_logged(caplog):
    caplog.set_level(logging.WARNING, logger="kiosk_app.flows.messages")
    assert plain_message("brand_new_code", "en") == plain_message(GENERIC, "en")
    assert plain_message(None, "zh") == plain_message(GENERIC, "zh")
    assert "brand_new_code" in caplog.text


def test_opening_hours_read_plainly():
    periods = [OpeningPeriod(opens=time(8, 30), closes=time(12, 0)),
               OpeningPeriod(opens=time(13, 30), closes=time(17, 0)),
               OpeningPeriod(opens=time(9, 0), closes=time(12, 0), weekdays=[6])]
    assert format_hours(periods, "zh") == "周一至周五 08:30-12:00、13:30-17:00；周六 09:00-12:00"
    assert format_hours(periods, "en") == "Mon-Fri 08:30-12:00, 13:30-17:00; Sat 09:00-12:00"


# -- end to end: the real broker, the real controller, the kiosk's flow ---------------------
def _controller(suite_config, broker, **changes):
    hall = suite_config.hall(HALL)
    services = [s.model_copy(update=changes) if s.code == "D" else s for s in hall.services]
    config = suite_config.model_copy(update={"halls": [
        h.model_copy(update={"services": services}) if h.id == HALL else h for h in suite_config.halls]})
    engine = make_engine(config.database.url)
    c = HallController(config, engine, password=broker.passwords[config.controller_id])
    c.start()
    return c, engine, config.hall(HALL)


def _flow(endpoint, hall) -> KioskFlow:
    return KioskFlow(TicketClient(endpoint, HALL), None, FakeClock(), hall=hall)


def test_a_full_service_says_so_plainly(suite_config, broker, device):
    controller, engine, hall = _controller(suite_config, broker, daily_limit=1)
    try:
        flow = _flow(device("kiosk-01"), hall)
        assert flow.choose_service("D").page == "ticket"
        flow.done()
        s = flow.choose_service("D")
        assert s.page == "error" and s.message == "今日该业务号已发完，请明天再来，或在手机上预约其他时间"
        flow.done()
        flow.toggle_language()
        s = flow.choose_service("D")
        assert s.page == "error" and s.message == plain_message("limit_reached", "en")
        assert "issued" not in s.message and "service D" not in s.message and "1 tickets" not in s.message
    finally:
        controller.stop()
        engine.dispose()


def test_a_closed_service_says_when_it_opens(suite_config, broker, device):
    now = datetime.now(ZoneInfo(suite_config.hall(HALL).timezone))
    # an hour that is not now (nor within a minute of now): closed today at this time
    start = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0, minute=0)
    end = time(start.hour, 30)
    controller, engine, hall = _controller(suite_config, broker, hours=[
        OpeningPeriod(opens=start, closes=end, weekdays=[1, 2, 3, 4, 5, 6, 7])])
    try:
        flow = _flow(device("kiosk-01"), hall)
        s = flow.choose_service("D")
        hours = f"{start:%H:%M}-{end:%H:%M}"
        assert s.page == "error" and s.message == f"该业务现在不取号，取号时间为 周一至周日 {hours}，请在此时间内再来"
        assert flow.choose_service("A").page == "ticket"      # the other services still issue tickets
        assert controller.queues[HALL].seqs.get("D", 0) == 0  # nothing was issued for D
    finally:
        controller.stop()
        engine.dispose()


def test_the_kiosk_window_shows_the_plain_message_for_a_full_service(suite_config, broker, printer_emulator):
    """The real kiosk (kiosk_app/app.py) and its window (offscreen): the citizen taps a service
    that has given out its tickets; the window shows the plain message and nothing of the
    controller's text, and the ticket page's estimate never says "about 0 min"."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLabel

    from config.schema import KioskConfig
    from kiosk_app.app import Kiosk
    from kiosk_app.qt.window import KioskWindow
    from qtkit.common import application, process_until

    controller, engine, hall = _controller(suite_config, broker, daily_limit=1)
    _, port = printer_emulator
    cfg = KioskConfig(id="kiosk-01", hall=HALL, printer_url=f"tcp://127.0.0.1:{port}",
                      broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}))
    kiosk = Kiosk(cfg, hall, password=broker.passwords["kiosk-01"])
    kiosk.start()
    app = application()
    window = KioskWindow(kiosk.flow, hall)
    try:
        window.show()
        QTest.mouseClick(window.service_buttons["D"], Qt.LeftButton)
        assert process_until(app, lambda: kiosk.flow.screen.page == "ticket", 10)
        assert process_until(app, lambda: window.t_number.text() == "D001", 10)
        assert window.t_wait.text() == "即将叫号，请留意叫号屏幕"          # nobody ahead: not "约 0 分钟"
        kiosk.flow.done()
        QTest.mouseClick(window.service_buttons["D"], Qt.LeftButton)
        assert process_until(app, lambda: kiosk.flow.screen.page == "error", 10)
        expected = "今日该业务号已发完，请明天再来，或在手机上预约其他时间"
        assert process_until(app, lambda: window.m_text.text() == expected, 10)
        shown = " ".join(label.text() for label in window.findChildren(QLabel) if label.isVisible())
        assert expected in shown and not DEVELOPER.search(shown.replace("kiosk", "")), shown
    finally:
        window.close()
        window.deleteLater()
        kiosk.stop()
        app.processEvents()
        controller.stop()
        engine.dispose()
