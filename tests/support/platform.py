"""Shared fixtures for the platform link: the reference server as a subprocess, a signed client,
SQLite files and PostgreSQL schemas (used by tests/hall_controller/backend and features)."""
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
from tests.support.backend import backend_hall, hall, server, start_controller  # noqa: F401 (fixtures)
from tests.support.postgres import pg_engine


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
