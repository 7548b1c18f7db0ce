"""The files that hold state are their owner's only, whatever the umask: a real controller
process (umask 000, the worst case) runs on a SQLite file and writes tickets; its database, WAL
and SHM are 0600, the log files of the processes 0640 (masked text a technicians' group may read,
privacy/files.py), device counters 0600 in a 0700 directory; an older 0644 database is tightened."""
from __future__ import annotations

import contextlib
import os
import stat
import uuid

import pytest

from demo.processes import Processes
from devkit.broker import MosquittoBroker
from drivers.core.counters import Counters
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from tests.support.fixtures import EXAMPLE_HALL


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@contextlib.contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def test_a_controller_process_keeps_its_database_wal_and_shm_private(tmp_path, hall_config):
    broker = MosquittoBroker(tmp_path / "broker", identities(hall_config)).start()
    state = tmp_path / "state"
    toml = tmp_path / "hall.toml"
    toml.write_text(EXAMPLE_HALL.read_text("utf-8").replace("port = 1883", f"port = {broker.port}").replace(
        'url = "sqlite:///hall-state/hall.db"', f'url = "sqlite:///{state}/hall.db"'), "utf-8")
    procs = Processes(tmp_path / "logs-dir")
    (tmp_path / "logs-dir").mkdir()
    kiosk = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01",
                     password=broker.passwords["kiosk-01"])
    try:
        with umask(0):  # the controller inherits it: nothing but our code decides the modes
            procs.spawn("controller", ["-m", "hall_controller", "--config", str(toml)],
                        env={"HALL_MQTT_PASSWORD": broker.passwords["hall-controller"],
                             "HALL_STATE_DIR": str(tmp_path / "device-state")}, ready="hall-controller: ready")
        kiosk.start()
        for _ in range(3):
            answer = kiosk.request(contract.TICKET_REQUEST.format(hall="demo-hall", client="kiosk-01"),
                                   {"service": "A", "request_id": uuid.uuid4().hex})
            assert answer["status"] == "ok", answer
        db = state / "hall.db"
        files = {p.name: mode(p) for p in (db, db.with_name("hall.db-wal"), db.with_name("hall.db-shm"))}
        assert files == {"hall.db": 0o600, "hall.db-wal": 0o600, "hall.db-shm": 0o600}
        assert mode(state) == 0o700  # the controller made it
        assert mode(tmp_path / "logs-dir" / "controller.log") == 0o640
        assert mode(tmp_path / "broker" / "mosquitto.log") == 0o640
    finally:
        kiosk.stop()
        procs.stop_all()
        broker.stop()


def test_an_older_world_readable_database_is_tightened(tmp_path):
    db = tmp_path / "hall.db"
    db.touch()
    os.chmod(db, 0o644)
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
        c.exec_driver_sql("INSERT INTO probe VALUES (1)")
        assert {mode(db), mode(f"{db}-wal"), mode(f"{db}-shm")} == {0o600}
    engine.dispose()


@pytest.mark.parametrize("mask", [0o000, 0o022])
def test_device_counters_are_private_whatever_the_umask(tmp_path, monkeypatch, mask):
    monkeypatch.setenv("HALL_STATE_DIR", str(tmp_path / "hall-state"))
    with umask(mask):
        counters = Counters("printer-01")
        counters.increment("prints")
        counters.increment("cuts")
    assert mode(counters.path) == 0o600 and mode(counters.path.parent) == 0o700
    assert Counters("printer-01").snapshot() == {"cuts": 1, "prints": 1}
    assert [p.name for p in counters.path.parent.iterdir()] == ["printer-01.json"]  # no temp file left


def test_a_database_error_carries_no_parameter(tmp_path):
    """Database errors are logged (hall_controller/hall.py): the statement is in them, a value is not."""
    import sqlalchemy as sa

    from tests.support.personal import personal_numbers
    number = personal_numbers(8)["resident"]
    engine = make_engine(f"sqlite:///{tmp_path / 'hall.db'}")
    with pytest.raises(sa.exc.DBAPIError) as err:
        with engine.begin() as c:
            c.execute(sa.text("INSERT INTO no_such_table (x) VALUES (:x)"), {"x": number})
    engine.dispose()
    assert "no_such_table" in str(err.value) and number not in str(err.value)
