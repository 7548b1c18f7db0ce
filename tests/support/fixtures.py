"""Fixtures that start real components: a private Mosquitto with passwords and access
rules, a hall controller on a real SQLite file, MQTT endpoints with device identities."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from config import HallSuiteConfig, load_config
from devkit.broker import MosquittoBroker
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import identities
from hall_protocol.mqtt import Endpoint
from tests.support.postgres import pg_schema_url

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_HALL = ROOT / "config" / "examples" / "hall.toml"


@pytest.fixture
def hall_config() -> HallSuiteConfig:
    return load_config(EXAMPLE_HALL, HallSuiteConfig)


@pytest.fixture
def broker(tmp_path, hall_config):
    b = MosquittoBroker(tmp_path / "broker", identities(hall_config))
    b.start()
    yield b
    b.stop()


@pytest.fixture
def database_url(tmp_path):
    """The controller's database: a SQLite file. tests/hall_controller runs on PostgreSQL too
    (its conftest overrides this fixture with both)."""
    return f"sqlite:///{tmp_path}/hall.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def both_databases(request, tmp_path):
    """A SQLite file, or a schema of its own in the machine's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/hall.db"
        return
    with pg_schema_url("hall") as url:
        yield url


@pytest.fixture
def suite_config(hall_config, broker, database_url) -> HallSuiteConfig:
    return hall_config.model_copy(update={
        "broker": hall_config.broker.model_copy(update={"port": broker.port}),
        "database": hall_config.database.model_copy(update={"url": database_url}),
    })


@pytest.fixture
def controller(suite_config, broker):
    engine = make_engine(suite_config.database.url)
    c = HallController(suite_config, engine, password=broker.passwords[suite_config.controller_id])
    c.start()
    yield c
    c.stop()
    engine.dispose()


@pytest.fixture
def device(broker):
    """connect(client_id) -> a started Endpoint logged in as that provisioned device. One per
    device: asked again for the same id (with its own password), the same endpoint, as long as
    it was not stopped (a second connection under the same client id would take over the first
    one's session at the broker, and both would keep pushing each other off)."""
    made: list[Endpoint] = []
    live: dict[str, Endpoint] = {}

    def connect(client_id: str, password: str | None = None, timeout: float = 10.0) -> Endpoint:
        if password is None and client_id in live:
            return live[client_id]
        ep = Endpoint(client_id, "127.0.0.1", broker.port, username=client_id,
                      password=password if password is not None else broker.passwords[client_id])
        ep.start(timeout)
        made.append(ep)
        if password is None:
            live[client_id] = ep
            stop = ep.stop
            ep.stop = lambda: (live.pop(client_id, None) if live.get(client_id) is ep else None, stop())[1]
        return ep

    yield connect
    for ep in made:
        ep.stop()


def new_request_id() -> str:
    return uuid.uuid4().hex
