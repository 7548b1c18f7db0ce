"""Real components: the reference server as a subprocess, SQLite files and PostgreSQL."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from drivers.core.clock import FakeClock
from hall_controller.backend import BackendClient
from reference_backend.process import ServerProcess
from tests.support.postgres import pg_engine



@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(state_dir=tmp_path_factory.mktemp("backend-state")) as srv:
        yield srv


@pytest.fixture()
def clock() -> FakeClock:
    """A fake clock at the real time: signatures stay fresh, backoff sleeps cost nothing."""
    return FakeClock(start=datetime.now(timezone.utc))


def make_client(srv: ServerProcess, clock: FakeClock, **kw) -> BackendClient:
    kw.setdefault("timeout", 5.0)
    return BackendClient(srv.url, srv.app_key, srv.app_secret, clock=clock, **kw)


@pytest.fixture()
def client(server: ServerProcess, clock: FakeClock) -> Iterator[BackendClient]:
    server.clear_faults()
    with make_client(server, clock) as c:
        yield c
    server.clear_faults()


def _pg_engine() -> sa.Engine:
    return pg_engine()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[sa.Engine, str | None]]:
    """(engine, schema): a fresh SQLite file, or a unique schema in PostgreSQL dropped after."""
    if request.param == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'controller.sqlite'}")
        yield engine, None
        engine.dispose()
        return
    engine = _pg_engine()
    schema = f"outbox_test_{uuid.uuid4().hex[:12]}"
    with engine.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield engine, schema
    finally:
        with engine.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def backend_hall(suite_config, srv: ServerProcess):
    """The example hall's configuration pointed at a running reference server."""
    return suite_config.model_copy(update={"backend": suite_config.backend.model_copy(update={
        "url": srv.url, "app_key": srv.app_key, "app_secret": srv.app_secret, "timeout_s": 5.0})})


def start_controller(config, broker, *, tick_s: float = 0.05, health_every_s: float = 0.2):
    """A real HallController on the config's SQLite file, with fast feed, health and retries."""
    from hall_controller.db import make_engine
    from hall_controller.service import HallController
    controller = HallController(config, make_engine(config.database.url),
                                password=broker.passwords[config.controller_id])
    link = controller.backend
    link.tick_s, link.health_every_s = tick_s, health_every_s
    link.outbox.min_backoff_s, link.outbox.max_backoff_s, link.outbox.idle_poll_s = 0.05, 0.5, 0.2
    controller.start()
    return controller


@pytest.fixture()
def hall(suite_config, broker, server: ServerProcess):
    """A hall controller talking to the module's reference server."""
    server.clear_faults()
    controller = start_controller(backend_hall(suite_config, server), broker)
    yield controller
    controller.stop()
    server.clear_faults()
