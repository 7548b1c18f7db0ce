"""Device faults seen across halls: a kiosk whose receipt printer (the ESC/POS emulator)
runs out of paper publishes it with action "staff"; a window display whose line fails
(the display emulator stops answering) is published by the controller with "technician";
the supervisor model shows both, the second in its "needs a visit" list. Real broker with
the provisioned ACLs, real controller, real emulators."""
from __future__ import annotations

import json
import threading

import pytest

from config.schema import KioskConfig
from drivers.core.clock import FakeClock
from drivers.core.errors import Action
from drivers.core.status import DeviceState, DeviceStatus
from drivers.escpos.emulator import EscposEmulator
from drivers.idcard.synthetic import generate_card
from hall_apps.supervisor_model import SupervisorModel, supervisor_endpoint
from hall_controller.core import calling
from hall_protocol import contract
from hall_protocol.contract import DeviceHealth, WindowCommand
from hall_protocol.health import HealthPublisher, clean_message, needs_visit, worst_part
from hall_protocol.mqtt import Endpoint
from devkit.broker import MosquittoBroker
from hall_controller.tools.provision import extra_identity, identities
from hall_protocol.acl import rules_for
from kiosk_app.app import Kiosk
from tests.hall_controller.features.test_displays import hall_with_displays, wait_for  # noqa: F401 (a fixture)

HALL = "demo-hall"


@pytest.fixture
def database_url(tmp_path):  # the device layer does not depend on the database: SQLite only
    return f"sqlite:///{tmp_path}/hall.db"


@pytest.fixture
def broker(tmp_path, hall_config):
    """The example hall's identities and a second supervisor desk, one that starts late (each
    desk has its own identity: a client id is bound to its credentials)."""
    late = extra_identity("supervisor-late", "supervisor",
                          rules_for("supervisor", "supervisor-late", HALL, hall_config.controller_id))
    b = MosquittoBroker(tmp_path / "broker", [*identities(hall_config), late]).start()
    yield b
    b.stop()


def collect() -> tuple[list[DeviceHealth], HealthPublisher]:
    sent: list[DeviceHealth] = []
    pub = HealthPublisher(lambda topic, payload: sent.append(DeviceHealth.model_validate_json(payload)),
                          HALL, "kiosk-07", "kiosk", FakeClock())
    return sent, pub


def test_parts_actions_and_the_worst_part():
    sent, pub = collect()
    pub.set("printer", DeviceStatus(DeviceState.ONLINE))
    pub.set("idcard", DeviceStatus(DeviceState.USER_ERROR, ("card_misplaced",), Action.CITIZEN, "place the card"))
    assert sent[-1].parts[0].part == "idcard" and sent[-1].parts[0].action == "none"  # a citizen's slip
    pub.set("printer", DeviceStatus(DeviceState.USER_ERROR, ("paper_out",), Action.STAFF, "paper out"),
            {"prints": 12, "faults": 1})
    assert worst_part(sent[-1]).part == "printer" and worst_part(sent[-1]).counters == {"prints": 12, "faults": 1}
    pub.set("camera", DeviceStatus(DeviceState.NO_DEVICE, action=Action.TECHNICIAN, message="no camera"))
    assert worst_part(sent[-1]).part == "camera"
    assert [(v.device, v.part) for v in needs_visit({"kiosk-07": sent[-1]})] == [("kiosk-07", "camera")]
    # closing a faulty device to reopen it does not hide its fault; working again does
    pub.set("camera", DeviceStatus(DeviceState.OFFLINE, message="closed"))
    assert worst_part(sent[-1]).part == "camera" and worst_part(sent[-1]).action == "technician"
    pub.set("camera", DeviceStatus(DeviceState.ONLINE))
    assert worst_part(sent[-1]).part == "printer"


def test_no_personal_data_leaves_the_device():
    number = generate_card(seed=7).card.id_number
    text = clean_message(f"card {number} unreadable " + "x" * 300)
    assert number not in text and number[:6] in text and len(text) == 200


@pytest.fixture
def desk(controller, broker):
    """The supervisor model of the example hall, attached as the read-only supervisor-desk."""
    model = SupervisorModel(controller.config.hall(HALL), None, FakeClock())
    ep = supervisor_endpoint("supervisor-desk", HALL, "127.0.0.1", broker.port, broker.passwords["supervisor-desk"])
    model.attach(ep)
    ep.start()
    yield model
    ep.stop()


def test_kiosk_out_of_paper_reaches_the_supervisor_as_staff(tmp_path, suite_config, broker, controller, desk):
    emu = EscposEmulator(tmp_path / "receipts")
    port = emu.start_tcp()
    cfg = KioskConfig(id="kiosk-01", hall=HALL, printer_url=f"tcp://127.0.0.1:{port}",
                      broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}))
    kiosk = Kiosk(cfg, suite_config.hall(HALL), password=broker.passwords["kiosk-01"])
    kiosk.start()
    try:
        row = lambda: next(d for d in desk.devices() if d.id == "kiosk-01")  # noqa: E731
        assert wait_for(lambda: "kiosk-01" in desk.device_health)
        assert row().action == "none" and desk.device_health["kiosk-01"].parts[0].part == "printer"
        emu.set_state("out")
        kiosk.flow.choose_service("A")   # the citizen's ticket shows as a QR code; the printer reports
        assert wait_for(lambda: row().action == "staff"), desk.device_health
        assert row().fault == "printer paper_out"
        printer = desk.device_health["kiosk-01"].parts[0]
        assert (printer.state, printer.details, printer.action) == ("user_error", ["paper_out"], "staff")
        assert printer.counters.get("faults", 0) >= 1
        assert desk.needs_visit() == []   # staff load paper; nobody has to come
    finally:
        kiosk.stop()
        emu.stop()


def test_a_failing_display_line_needs_a_technician(hall_with_displays):  # noqa: F811
    c, displays, broker = hall_with_displays
    text = displays.workers[(HALL, 3)][0]
    model = SupervisorModel(c.config.hall(HALL), None, FakeClock())
    ep = supervisor_endpoint("supervisor-desk", HALL, "127.0.0.1", broker.port, broker.passwords["supervisor-desk"])
    model.attach(ep)
    ep.start()
    try:
        assert wait_for(lambda: text.display.emulator is not None and text.display.emulator.lines[:1] == ["3号窗口"])
        assert wait_for(lambda: model.device_health.get("display-w3") is not None
                        and model.device_health["display-w3"].parts[0].state == "online")
        text.display.emulator.faults.set("no_ack")
        c.queues[HALL].issue("B", "r1", source="kiosk-01")
        calling.apply(c.queues[HALL], WindowCommand(window=3, action="call_next"))
        c.publish_board(HALL)  # window 3 now calls B001: the display must show it, and cannot
        assert wait_for(lambda: [v.device for v in model.needs_visit()] == ["display-w3"], timeout=20)
        visit = model.needs_visit()[0]
        assert (visit.hall, visit.part, visit.state) == (HALL, "display", "offline")
        row = next(d for d in model.devices() if d.id == "display-w3")
        assert row.action == "technician" and row.fault == "display offline"
        # the line answers again: the visit is no longer needed
        text.display.emulator.faults.clear("no_ack")
        assert wait_for(lambda: model.needs_visit() == [], timeout=40)
    finally:
        ep.stop()


def test_health_is_retained_and_a_broker_check_is_ignored(controller, broker, device, desk):
    """A late reader gets the retained health; an empty message (hall-provision check) changes nothing."""
    kiosk = device("kiosk-01")
    pub = HealthPublisher.on_endpoint(kiosk, HALL, "kiosk-01", "kiosk")
    pub.set("printer", DeviceStatus(DeviceState.HARDWARE_ERROR, ("cutter_jam",), Action.TECHNICIAN, "cutter jam"))
    assert wait_for(lambda: [v.device for v in desk.needs_visit()] == ["kiosk-01"])
    kiosk.publish(contract.DEVICE_HEALTH.format(hall=HALL, client="kiosk-01"), b"", qos=1).wait_for_publish(5)
    late: list[dict] = []
    got = threading.Event()
    reader = Endpoint("supervisor-late", "127.0.0.1", broker.port, username="supervisor-late",
                      password=broker.passwords["supervisor-late"])
    reader.subscribe(contract.DEVICE_HEALTH.format(hall=HALL, client="kiosk-01"),
                     lambda m: (late.append(json.loads(m.payload)), got.set()))
    reader.start()
    try:
        assert got.wait(10)
    finally:
        reader.stop()
    assert got.is_set() and late[0]["parts"][0]["details"] == ["cutter_jam"]
    assert [v.device for v in desk.needs_visit()] == ["kiosk-01"]
