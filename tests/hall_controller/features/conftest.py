"""The platform link's real components (tests/support/platform.py)."""
from tests.support.platform import backend_hall, client, clock, db, hall, server, start_controller  # noqa: F401
