"""The platform link's real components (tests/support/platform.py)."""
import pytest

from tests.support.platform import backend_hall, client, clock, db, hall, server, start_controller  # noqa: F401


@pytest.fixture
def database_url(tmp_path):  # the platform link's own tests: the controller on SQLite only
    return f"sqlite:///{tmp_path}/hall.db"
