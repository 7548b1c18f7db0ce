"""The controller's database: SQLite (WAL, synchronous FULL) by default, PostgreSQL by URL.

A SQLite file is created 0600 before SQLite opens it (whatever the umask; an existing wider
file is tightened), and SQLite gives its -wal and -shm the main file's mode. Database errors
never carry the statement's parameters (`hide_parameters`): they are logged.

Every ticket transition is an appended row in `events`, the source of all statistics;
`tickets` holds each ticket's current state for fast queue queries. The schema is kept by
Alembic migrations (hall_controller/store/migrations/versions), applied at start-up by
`make_engine`; `tests/hall_controller/store/test_migrations.py` checks they build exactly the
tables declared here, on both databases.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Text, UniqueConstraint, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from privacy import create_private

log = logging.getLogger(__name__)
WAL_BACKSTOP_PAGES = 10_000   # SQLite checkpoints by itself only at this size of log (40 MB)
metadata = MetaData()

from sqlalchemy import Table  # noqa: E402  (kept next to the tables it builds)

tickets = Table(
    "tickets", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("service", String(1), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("number", String(8), nullable=False),
    Column("priority", String(16), nullable=False, default="normal"),
    Column("state", String(16), nullable=False),
    Column("window", Integer),
    Column("target_window", Integer),
    Column("request_id", String(64), nullable=False),
    Column("source", String(64), nullable=False),
    Column("lang", String(2), nullable=False, default="zh"),
    Column("issued_at", Float, nullable=False),
    Column("queued_at", Float, nullable=False),
    Column("called_at", Float),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("recalls", Integer, nullable=False, default=0),
    Column("appointment_code", String(64)),
    Column("token", String(32)),                       # the phone page's unguessable address
    Column("clerk", String(40)),                       # the last clerk who acted on it
    Column("requeues", Integer, nullable=False, default=0, server_default="0"),
    Column("guide", Integer, nullable=False, default=0, server_default="0"),  # asked for the guide robot
    Column("matter_id", String(64)),                   # the matter it was issued for (an appointment's)
    # `service` is the queue the ticket waits in now (a transfer changes it); the number,
    # with the prefix of the service that issued it, stays the citizen's for the day.
    UniqueConstraint("hall", "day", "number", name="uq_ticket_number"),
    UniqueConstraint("hall", "request_id", name="uq_ticket_request"),
    Index("ix_tickets_waiting", "hall", "day", "state", "service"),
    Index("ix_tickets_token", "token"),
)
# What a ticket's transitions change (the journal updates these, store/journal.py).
TICKET_MUTABLE = ("service", "priority", "state", "window", "target_window", "queued_at", "called_at", "started_at",
                  "finished_at", "recalls", "clerk", "requeues")

sequences = Table(
    "sequences", metadata,
    Column("hall", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("service", String(1), primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hall", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("ticket_id", Integer),
    Column("number", String(8)),
    Column("service", String(1)),
    Column("kind", String(24), nullable=False),
    Column("at", Float, nullable=False),
    Column("window", Integer),
    Column("clerk", String(40)),
    Column("data", Text),
    Index("ix_events_hall_day", "hall", "day"),
)

windows = Table(
    "windows", metadata,
    Column("hall", String(64), primary_key=True),
    Column("window", Integer, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("ticket_id", Integer),
    Column("since", Float, nullable=False),
    Column("reason", String(100)),
    Column("clerk", String(40)),
)


# Which process owns which hall (PostgreSQL, several controller processes): store/leases.py.
hall_leases = Table(
    "hall_leases", metadata,
    Column("hall", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("token", Integer, nullable=False),     # fencing: raised by every new owner
    Column("expires_at", Float, nullable=False),  # the database's clock, epoch seconds
)

controller_members = Table(
    "controller_members", metadata,
    Column("id", String(64), primary_key=True),
    Column("expires_at", Float, nullable=False),
    Column("started_at", Float, nullable=False),
)


# What the citizen's phone adds to a ticket (hall_controller/core/phones.py): no phone number,
# the platform's pseudonym of it (recipient) and the number masked.
phone_tickets = Table(
    "phone_tickets", metadata,
    Column("hall", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("number", String(8), primary_key=True),
    Column("service", String(1), nullable=False),
    Column("remote", Integer, nullable=False, server_default="0"),     # taken from a phone
    Column("recipient", String(64)),                                   # SMS go to it (the platform's pseudonym)
    Column("phone_masked", String(16)),
    Column("reminders", String(64), nullable=False, server_default=""),  # "5,3": people-ahead thresholds
    Column("reminded", String(64), nullable=False, server_default=""),   # thresholds already reminded
    Index("ix_phone_tickets_recipient", "hall", "day", "recipient"),
)


_UPSERTS: dict[str, object] = {}


def _upsert_statement(dialect: str):
    """The window upsert of a dialect, made once (building it anew took more time than running it)."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        stmt = dialect_insert(windows)
        stmt = _UPSERTS[dialect] = stmt.on_conflict_do_update(index_elements=["hall", "window"], set_={
            c: stmt.excluded[c] for c in ("state", "ticket_id", "since", "reason", "clerk")})
    return stmt


def upsert_windows(conn, rows: list[dict]) -> None:
    """Insert or replace window rows (hall, window) in one statement."""
    conn.execute(_upsert_statement(conn.dialect.name), rows)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # an acknowledged ticket survives a crash or power cut
    cur.execute("PRAGMA busy_timeout=5000")
    # the write-ahead log is copied back into the database by `Checkpoints`, off the commits; the
    # commit that crossed SQLite's default 1,000 pages did it itself (commits of 50-90 ms)
    cur.execute(f"PRAGMA wal_autocheckpoint={WAL_BACKSTOP_PAGES}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")  # what is deleted or overwritten (masked) leaves no trace in the file
    cur.close()


class Checkpoints:
    """Copies a SQLite database's write-ahead log back into the database file every `every_s`
    on a thread and a connection of its own (PRAGMA wal_checkpoint(PASSIVE): it waits for no
    writer and no writer waits for it), so that no commit does it. The log still has SQLite's
    own checkpoint as a backstop, at WAL_BACKSTOP_PAGES pages. Nothing to do for PostgreSQL."""

    def __init__(self, engine: Engine, every_s: float = 1.0) -> None:
        self.engine, self.every_s = engine, every_s
        self.done = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.engine.dialect.name != "sqlite" or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def once(self) -> None:
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        self.done += 1

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.once()
            except SQLAlchemyError as err:   # the backstop checkpoints meanwhile; the next round retries
                log.warning("write-ahead log checkpoint failed: %s", err)


def make_engine(url: str, *, base_dir: Path | None = None) -> Engine:
    """Create the engine and the tables. Relative SQLite paths are taken from `base_dir`."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and base_dir is not None:
        url = "sqlite:///" + str((base_dir / url[len("sqlite:///"):]).resolve())
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):].split("?", 1)[0]
        if path and path != ":memory:":
            create_private(path)  # 0600, its directory 0700 when we make it
        engine = create_engine(url, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    migrate(engine)
    return engine


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema. A database made before migrations existed
    (tables present, no alembic_version) is stamped at the revision its tables match first."""
    import logging

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # several controller processes may start at once
            conn.execute(text("SELECT pg_advisory_xact_lock(724011)"))
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        names = set(inspect(conn).get_table_names())
        if "tickets" in names and "alembic_version" not in names:
            stamp = "0004" if "hall_leases" in names else ("0002" if "backend_outbox" in names else BASELINE)
            stamp = "0005" if "payment_orders" in names else stamp
            stamp = "0006" if "phone_tickets" in names else stamp
            command.stamp(cfg, stamp)
        command.upgrade(cfg, "head")
