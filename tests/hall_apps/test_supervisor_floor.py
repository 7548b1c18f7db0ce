"""The supervisor desk on the hall floor, against a real Mosquitto and a real controller on a
clock the test drives: alerts appear with their suggestion and are acknowledged with one click,
a bad rating's follow-up case is moved on step by step from the desk, and today's figures come
from the retained statistics (no database). (SUPERVISOR_ALERTS_SCREENSHOT=path saves a picture.)"""
from __future__ import annotations

import os

import pytest

from hall_apps.supervisor import SupervisorWindow
from hall_apps.supervisor_floor import FloorModel
from hall_apps.supervisor_model import ReportClient, SupervisorModel, supervisor_endpoint
from tests.hall_apps.ui_support import HALL, clock, clocked_controller, issue, wait_for  # noqa: F401
from tests.support.fixtures import new_request_id


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path}/hall.db"


def test_the_desk_shows_alerts_acknowledges_them_and_follows_up_a_bad_rating(clocked_controller, device, broker,
                                                                            clock, hall_config):
    from qtkit.common import application
    app = application()
    desk = supervisor_endpoint("supervisor-desk", HALL, "127.0.0.1", broker.port, broker.passwords["supervisor-desk"])
    model = SupervisorModel(hall_config.halls[0], ReportClient(desk, HALL), clock)
    model.attach(desk)
    floor = FloorModel(HALL, "0900")
    floor.attach(desk)
    w = SupervisorWindow(model, floor)
    desk.start()
    w.show()
    try:
        issue(device, clock, ["A", "B", "A"])
        caller = device("caller-w1")
        ask = lambda action: caller.request(f"hall/{HALL}/request/window/caller-w1",  # noqa: E731
                                            {"window": 1, "action": action, "request_id": new_request_id()})
        assert ask("call_next")["status"] == "ok" and ask("finish")["status"] == "ok"
        r = device("kiosk-01").request(f"hall/{HALL}/request/backend/kiosk-01", {
            "op": "rate", "ticket": "A001", "score": 2, "reason_codes": ["waiting"], "request_id": new_request_id()})
        assert r["status"] == "ok", r
        clock.advance(35 * 60)  # B001 and A002 wait past their 30-minute target
        assert wait_for(lambda: w.alerts.rows[0][0].isVisible() and "最长等候" in w.alerts.rows[0][0].text()
                        and len(floor.open_alerts()) >= 3, app=app)
        texts = [t.text() for t, _ in w.alerts.rows if t.isVisible()]
        assert any("差评：A001 2 星（1 号窗口）" in t for t in texts) and any("建议增开窗口" in t for t in texts)
        assert wait_for(lambda: "今日 取号 3" in w.today.text() and "超时 Over target" in w.today.text(), app=app)
        shot = os.environ.get("SUPERVISOR_ALERTS_SCREENSHOT")
        if shot:
            w.resize(1680, 1000)
            for _ in range(5):
                app.processEvents()
            w.grab().save(shot)
        first = floor.open_alerts()[0]
        w.alerts.rows[0][1].click()  # 确认 Acknowledge
        assert wait_for(lambda: all(a.id != first.id for a in floor.open_alerts()), app=app)
        acked = next(a for a in floor.shown_alerts() if a.id == first.id)
        assert acked.acknowledged_by == "supervisor-desk 0900"

        # the follow-up case: assign, contacted, rectified, closed, from the desk
        w.tabs.setCurrentWidget(w.cases)
        assert wait_for(lambda: w.cases.table.rowCount() == 1, app=app)
        for state in ("assigned", "contacted", "rectified", "closed"):
            w.cases.table.selectRow(0)
            w.cases.note.setText("已处理")
            w.cases.step.click()
            assert wait_for(lambda: floor.shown_cases()[0].state == state, app=app), floor.error
        case = floor.shown_cases()[0]
        assert case.assignee == "0900" and [h.step for h in case.history] == ["assign", "contact", "rectify", "close"]
        assert wait_for(lambda: not w.cases.step.isEnabled(), app=app)  # nothing more to do
    finally:
        w.close()
        desk.stop()
