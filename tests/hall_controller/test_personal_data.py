"""Personal data typed into every free text field of every request reaches no log, no disk and
no broker file in full: a real controller (as a process, and in this process with caplog), the
reference platform, a private Mosquitto with persistence, kiosks, a caller and a robot help
button sending synthetic ID numbers of every kind and phone numbers (tests/support/personal.py)
wherever a field takes text.

What may be kept as typed, and why (the decision this test holds the code to):
- The rating's comment and matter id are passed to the platform as the citizen's kiosk sent them
  (a citizen may write a phone number for the follow-up of a bad rating; the platform is the
  data's owner). The outbox keeps them as written only while they wait: once delivered, the item's
  payload is masked. So while the controller runs, these two may still be found in the database
  file or its WAL (pages of the item as it waited); after a clean stop (WAL checkpointed, SQLite's
  secure_delete on) they are gone from disk too.
- What selects something at the platform (the ID number of a query, an appointment code, a
  licence id) is sent to it in a request body (never in a URL) and not stored by the controller.
- Everything else a person or device types (pause reason, clerk, reprint reason, reason codes,
  the ticket's appointment code, request ids, the robot help area) is masked on arrival
  (hall_protocol.contract.MaskedText): never stored, published or sent in full.
- Logs (the process's stderr at DEBUG with urllib3's URLs, and caplog): nothing in full, ever.
"""
from __future__ import annotations

import itertools
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from demo.processes import Processes
from devkit.broker import MosquittoBroker
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from privacy.logs import install_log_masking, uninstall_log_masking
from reference_backend.process import ServerProcess
from tests.support.backend import backend_hall, start_controller
from tests.support.fixtures import EXAMPLE_HALL
from tests.support.hall_script import wait_for
from tests.support.personal import personal_numbers

HALL = "demo-hall"
KINDS = ["resident", "permit_hmt", "foreigner_2023", "resident_15", "foreigner_2017"]


@pytest.fixture
def database_url(tmp_path):  # the files at rest are greppable on SQLite (PostgreSQL: the same code)
    return f"sqlite:///{tmp_path}/state/hall.db"


class Typed:
    """Distinct synthetic numbers per field, so that a hit tells which field leaked."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}
        self._seed = itertools.count(100)
        self._kind = itertools.cycle(KINDS)

    def id(self, field: str, kind: str | None = None) -> str:
        number = personal_numbers(next(self._seed))[kind or next(self._kind)]
        self.by_field.setdefault(field, []).append(number)
        return number

    def phone(self, field: str) -> str:
        number = personal_numbers(next(self._seed))["phone"]
        self.by_field.setdefault(field, []).append(number)
        return number

    def numbers(self, *, but: tuple[str, ...] = ()) -> dict[str, str]:
        return {n: f for f, ns in self.by_field.items() if f not in but for n in ns}


AS_SENT = ("rate.comment", "rate.matter_id")  # kept as written while waiting for the platform


def drive_the_hall(broker: MosquittoBroker, typed: Typed) -> list[dict]:
    """Every request model, every text field: the hall's devices as a hostile or careless user
    drives them. Returns the answers (each must be an answer, ok or a clear error)."""
    eps = {cid: Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
           for cid in ("kiosk-01", "caller-w1")}
    for ep in eps.values():
        ep.start()
    kiosk, caller = eps["kiosk-01"], eps["caller-w1"]
    answers = []

    def ticket(**fields) -> dict:
        a = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                          {"service": "A", "request_id": uuid.uuid4().hex, **fields}, timeout=10)
        answers.append(a)
        return a

    def window(action: str, **fields) -> dict:
        a = caller.request(contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w1"),
                           {"window": 1, "action": action, "request_id": uuid.uuid4().hex, **fields}, timeout=10)
        answers.append(a)
        return a

    def backend(op: str, **fields) -> dict:
        a = kiosk.request(contract.BACKEND_REQUEST.format(hall=HALL, client="kiosk-01"),
                          {"op": op, **fields}, timeout=20)
        answers.append(a)
        return a

    try:
        # TicketRequest: the appointment code and the request id
        for make in (typed.id, lambda f: typed.phone(f)):
            assert ticket(priority="appointment", appointment_code=make("ticket.appointment_code"),
                          request_id=f"rid-{make('ticket.request_id')}")["status"] == "ok"
        served = ticket()["data"]["number"]
        # WindowCommand: the clerk, the pause reason (and a ticket number field of 8 characters at most)
        window("open", clerk=typed.id("window.clerk", "resident"),
               request_id=f"rid-{typed.id('window.request_id')}")
        while (called := window("call_next", clerk=typed.phone("window.clerk")))["data"]["ticket"]:
            window("start")
            window("finish")
            if called["data"]["ticket"]["number"] == served:
                break
        window("pause", reason=f"回电 {typed.phone('window.reason')}，证件 {typed.id('window.reason')}")
        window("resume")
        window("call", ticket=typed.phone("window.ticket"))  # refused: longer than a ticket number
        # BackendRequest: every op with every text field it takes
        for op in ("appointments", "progress", "licences"):
            backend(op, id_number=typed.id(f"{op}.id_number", "resident"))
        backend("progress", id_number=typed.id("progress.id_number", "foreigner_2017"))  # refused: pattern
        for op in ("appointment", "check_in"):
            for make in (typed.id, typed.id, typed.phone):
                backend(op, code=make(f"{op}.code"), request_id=f"ci-{typed.id(f'{op}.request_id')}")
        backend("guide", matter_id=typed.id("guide.matter_id"))
        backend("licence_pdf", licence_id=typed.id("licence_pdf.licence_id"))
        backend("record_print", licence_id=typed.id("record_print.licence_id"),
                request_id=f"pr-{typed.phone('record_print.request_id')}",
                reprint_reason=f"市民 {typed.id('record_print.reprint_reason')} 电话 "
                               f"{typed.phone('record_print.reprint_reason')}")
        rated = backend("rate", ticket=served, score=1, request_id=f"rate-{typed.id('rate.request_id')}",
                        matter_id=typed.id("rate.matter_id"), reason_codes=[typed.phone("rate.reason_codes")],
                        comment=f"请回电 {typed.phone('rate.comment')}，身份证 {typed.id('rate.comment', 'resident')}")
        assert rated["status"] == "ok", rated
        # RobotHelpRequest: the request id and the area (the robot is not there: a clear refusal)
        a = kiosk.request(contract.ROBOT_REQUEST.format(hall=HALL, client="kiosk-01"),
                          {"request_id": f"help-{typed.id('robot.request_id')}", "kind": "guide",
                           "area": typed.phone("robot.area")}, timeout=10)
        answers.append(a)
    finally:
        for ep in eps.values():
            ep.stop()
    return answers


def hits(numbers: dict[str, str], *blobs: bytes) -> list[str]:
    """The fields whose numbers are in any of the blobs, with the number."""
    return sorted({f"{field}: {n}" for n, field in numbers.items() for b in blobs if n.encode() in b})


def files(*paths: Path) -> list[bytes]:
    return [p.read_bytes() for p in paths if p.exists()]


@pytest.mark.parametrize("where", ["process", "in_process"])
def test_typed_personal_numbers_reach_no_log_disk_or_broker_in_full(tmp_path, hall_config, database_url, where,
                                                                    caplog):
    broker = MosquittoBroker(tmp_path / "broker", identities(hall_config), persistence=True, log_all=True).start()
    platform = ServerProcess(state_dir=tmp_path / "platform").start()
    db = Path(database_url[len("sqlite:///"):])
    typed = Typed()
    procs = Processes(tmp_path)
    controller = None
    try:
        if where == "process":
            toml = tmp_path / "hall.toml"
            toml.write_text(EXAMPLE_HALL.read_text("utf-8").replace("port = 1883", f"port = {broker.port}"),
                            "utf-8")
            procs.spawn("controller", ["-m", "hall_controller", "--config", str(toml), "-v",
                                       "--database", database_url, "--backend-url", platform.url],
                        env={"HALL_MQTT_PASSWORD": broker.passwords["hall-controller"],
                             "HALL_BACKEND_APP_KEY": platform.app_key, "HALL_BACKEND_SECRET": platform.app_secret},
                        ready="hall-controller: ready")
        else:
            caplog.set_level("DEBUG")
            install_log_masking()  # as every entry point does
            config = backend_hall(hall_config.model_copy(update={
                "broker": hall_config.broker.model_copy(update={"port": broker.port}),
                "database": hall_config.database.model_copy(update={"url": database_url})}), platform)
            controller = start_controller(config, broker)

        answers = drive_the_hall(broker, typed)
        assert all(a["status"] in ("ok", "error") for a in answers)
        assert sum(a["status"] == "error" for a in answers) >= 8  # the lookups of typed numbers were refused

        engine = sa.create_engine(database_url)

        def pending() -> int:
            with engine.connect() as c:
                return c.execute(sa.text("SELECT count(*) FROM backend_outbox WHERE state = 'pending'")).scalar_one()

        wait_for(lambda: pending() == 0, timeout=30, what="the rating and the events to reach the platform")
        with engine.connect() as c:
            rows = [r[0] for r in c.execute(sa.text("SELECT payload FROM backend_outbox WHERE kind = 'rating'"))]
        engine.dispose()
        assert len(rows) == 1 and hits(typed.numbers(), rows[0].encode()) == []  # delivered, then masked
        (rating,) = platform.received()["ratings"]
        assert typed.by_field["rate.comment"][0] in rating["comment"]  # the platform got it as written
        assert rating["matter_id"] == typed.by_field["rate.matter_id"][0]
        # at rest while running: only what the outbox keeps for the platform while it waits
        running = files(db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        assert len(running) >= 2
        assert hits(typed.numbers(but=AS_SENT), *running) == []
    finally:
        if controller is not None:
            controller.stop()
            controller.ctx.engine.dispose()
            uninstall_log_masking()
        procs.stop_all()
        platform.stop()
        broker.stop()  # Mosquitto writes its persistence file now

    numbers = typed.numbers()
    assert len(numbers) >= 30 and len(typed.by_field) >= 20
    # logs: nothing in full
    if where == "process":
        stderr = (tmp_path / "controller.log").read_bytes()
        assert b"urllib3.connectionpool" in stderr and b"/api/v1/licences/" in stderr  # DEBUG, URLs included
        assert hits(numbers, stderr) == []
    else:
        records = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
        assert any("/api/v1/licences/" in m for m in records)
        assert hits(numbers, caplog.text.encode(), "\n".join(records).encode()) == []
    # at rest after a clean stop: nothing in full (WAL checkpointed, secure_delete)
    assert hits(numbers, *files(db, db.with_name(db.name + "-wal"))) == []
    # the broker: retained boards and health on disk, its log of every connection and publish
    persisted = files(tmp_path / "broker" / "data" / "mosquitto.db", tmp_path / "broker" / "mosquitto.log")
    assert len(persisted) == 2 and b"hall/demo-hall/state/board" in persisted[0]
    assert hits(numbers, *persisted) == []
