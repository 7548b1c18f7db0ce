"""Statistics for supervisor desks over the real broker: the controller answers a desk's
report request from its event log; anyone else, and a bad range, gets a clear refusal."""
from devkit.broker import MosquittoBroker
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import extra_identity, identities
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from hall_protocol.reporting import ReportAnswer
from tests.support.fixtures import new_request_id

HALL = "demo-hall"


def test_a_desk_gets_the_days_tables_from_the_event_log(controller, device):
    kiosk, caller, desk = device("kiosk-01"), device("caller-w1"), device("supervisor-desk")
    for s in "AAB":
        assert kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                             {"service": s, "request_id": new_request_id()})["status"] == "ok"
    window = contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w1")
    assert caller.request(window, {"window": 1, "action": "call_next", "request_id": new_request_id()})["status"] == "ok"
    assert caller.request(window, {"window": 1, "action": "finish", "request_id": new_request_id()})["status"] == "ok"
    day = controller.queues[HALL].today()
    topic = contract.REPORT_REQUEST.format(hall=HALL, client="supervisor-desk")
    answer = desk.request(topic, {"day_from": day, "by": ["service", "window"]})
    assert answer["status"] == "ok" and answer["transaction"]
    tables = {t.by: t for t in ReportAnswer.model_validate(answer["data"]).tables}
    assert list(tables) == ["service", "window"]
    assert tables["service"].total["issued"] == 3 and tables["window"].total["served"] == 1
    assert [r.label for r in tables["window"].rows] == ["1 号窗口"]
    assert tables["service"].rows[0].label == "A 综合受理"


def test_bad_ranges_are_refused_with_what_is_wrong(controller, device):
    desk = device("supervisor-desk")
    topic = contract.REPORT_REQUEST.format(hall=HALL, client="supervisor-desk")
    r = desk.request(topic, {"day_from": "2026-03-05", "day_to": "2026-03-01"})
    assert (r["status"], r["code"], r["error"]) == ("error", "bad_request", "--from 2026-03-05 is after --to 2026-03-01")
    r = desk.request(topic, {"day_from": "2026-02-30"})
    assert r["code"] == "bad_request" and "not a calendar day" in r["error"]
    r = desk.request(topic, {"day_from": "2024-01-01", "day_to": "2026-01-01"})
    assert r["code"] == "bad_request" and "at most 366 days" in r["error"]
    r = desk.request(topic, {"day_from": "2026-03-01", "by": ["hour", "hour"]})
    assert r["code"] == "bad_request" and "at most once" in r["error"]


def test_only_the_halls_supervisor_desks_get_reports(tmp_path, suite_config, database_url, device, controller):
    # A kiosk cannot even publish there: the broker drops it, and the controller handles nothing.
    kiosk = device("kiosk-01")
    handled = controller.handled
    info = kiosk.publish(contract.REPORT_REQUEST.format(hall=HALL, client="kiosk-01"), b'{"day_from": "2026-03-01"}')
    info.wait_for_publish(5)
    # "probe" has rights wider than any device's, to show the controller's own check.
    probe_id = extra_identity("probe", "test", [("write", "hall/#"), ("read", "reply/probe/#")])
    broker = MosquittoBroker(tmp_path / "wide", [*identities(suite_config), probe_id]).start()
    cfg = suite_config.model_copy(update={"broker": suite_config.broker.model_copy(update={"port": broker.port})})
    engine = make_engine(database_url)
    c = HallController(cfg, engine, password=broker.passwords[cfg.controller_id])
    c.start()
    probe = Endpoint("probe", "127.0.0.1", broker.port, username="probe", password=broker.passwords["probe"])
    probe.start()
    try:
        r = probe.request(contract.REPORT_REQUEST.format(hall=HALL, client="probe"), {"day_from": "2026-03-01"})
        assert (r["status"], r["code"]) == ("error", "forbidden") and "not a supervisor desk" in r["error"]
    finally:
        probe.stop()
        c.stop()
        broker.stop()
        engine.dispose()
    assert controller.handled == handled and not controller.rejected
