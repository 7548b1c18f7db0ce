"""PostgreSQL for tests: the machine's server at 127.0.0.1:5432 (trust auth, database `test`),
started with pg_ctlcluster when it is installed but not running. Each test gets a schema of
its own, named in the URL's search_path, and dropped afterwards."""
from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_engine() -> sa.Engine:
    engine = sa.create_engine(PG_URL, pool_pre_ping=True)
    try:
        with engine.connect():
            return engine
    except sa.exc.OperationalError:
        for version in (p.name for p in Path("/etc/postgresql").iterdir()):
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                           check=False, timeout=60)
        admin = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            if not c.execute(sa.text("SELECT 1 FROM pg_database WHERE datname='test'")).first():
                c.execute(sa.text("CREATE DATABASE test"))
        admin.dispose()
        return engine


@contextmanager
def pg_schema_url(prefix: str = "t") -> Iterator[str]:
    """A database URL whose search_path is a fresh schema; the schema is dropped after."""
    engine = pg_engine()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with engine.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
