"""The queue's and the calling order's tests: a real database (SQLite, and PostgreSQL through
the controller tests' conftest), a clock the test drives."""
from datetime import datetime, timedelta, timezone

import pytest

from drivers.core.clock import FakeClock
from hall_controller.core.queue import HallQueue
from hall_controller.store.db import make_engine
from hall_protocol.contract import WindowCommand

CST = timezone(timedelta(hours=8))


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))


@pytest.fixture
def queue(database_url, hall_config, clock):
    engine = make_engine(database_url)
    yield HallQueue(engine, hall_config.halls[0], clock)
    engine.dispose()


def cmd(window, action, **kw):
    return WindowCommand(window=window, action=action, **kw)


@pytest.fixture
def make_queue(tmp_path, hall_config, clock):
    def make(**changes):
        hall = hall_config.halls[0].model_copy(update=changes)
        return HallQueue(make_engine(f"sqlite:///{tmp_path}/{len(changes)}-{id(hall)}.db"), hall, clock)
    return make
