"""The migrations build exactly the tables the code declares, on SQLite and PostgreSQL, and a
database made before migrations existed is taken over without losing a ticket."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from drivers.core.clock import SystemClock
from sqlalchemy import MetaData, create_engine, func, inspect, select

from hall_controller.backend.feed import EventFeed
from hall_controller.backend.outbox import Outbox
from hall_controller.backend.payments import PaymentLedger
from hall_controller.store import db


def declared(engine) -> MetaData:
    """Every table the controller declares: the queue's and the backend outbox's."""
    everything = MetaData()
    outbox = Outbox(engine, None)
    feed = EventFeed(engine, outbox)
    ledger = PaymentLedger(engine, SystemClock())
    for table in [*db.metadata.tables.values(), *outbox.metadata.tables.values(), feed.cursor,
                  *ledger.metadata.tables.values()]:
        table.to_metadata(everything)
    return everything


def test_migrations_match_the_declared_schema(database_url):
    engine = db.make_engine(database_url)
    with engine.connect() as conn:
        made_by_migrations = set(inspect(conn).get_table_names())
    expected = declared(engine)  # (their own create_all would add what a migration forgot)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), expected)
    engine.dispose()
    assert made_by_migrations == set(expected.tables) | {"alembic_version"}
    assert diff == [], f"the migrations and the declared tables differ: {diff}"


def test_running_twice_changes_nothing(database_url):
    db.make_engine(database_url).dispose()
    engine = db.make_engine(database_url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
    engine.dispose()


def test_a_database_from_before_migrations_is_stamped_and_kept(tmp_path):
    url = f"sqlite:///{tmp_path}/old.db"
    old = create_engine(url)
    db.metadata.create_all(old)  # how the first release made its tables
    with old.begin() as c:
        c.execute(db.sequences.insert().values(hall="h", day="2026-03-02", service="A", last_seq=7))
    old.dispose()
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
        assert conn.execute(select(func.max(db.sequences.c.last_seq))).scalar_one() == 7
    engine.dispose()
