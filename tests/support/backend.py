"""The reference backend as a real process and a hall controller pointed at it, shared by
tests/backend and tests/kiosk_app (import the fixtures into a conftest)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reference_backend.process import ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(state_dir=tmp_path_factory.mktemp("backend-state")) as srv:
        yield srv


def booking_slot(minutes: float, zone: str = "Asia/Shanghai") -> tuple[str, str, str]:
    """(date, start, end) of a 30-minute slot starting about `minutes` from now on the hall's clock.

    The platform checks in only today's bookings, so a slot meant to be checked in now (|minutes|
    within the hall's check-in window) stays on today's date near midnight (23:30-00:00, or
    00:00-00:30); an early or a late one may fall on another day, which the hall refuses as early
    or late all the same."""
    now = datetime.now(ZoneInfo(zone))
    start = now + timedelta(minutes=minutes)
    start = start.replace(minute=start.minute - start.minute % 30, second=0, microsecond=0)
    if abs(minutes) <= 60 and start.date() != now.date():
        start = now.replace(hour=23 if start > now else 0, minute=30 if start > now else 0, second=0,
                            microsecond=0)
    elif (start + timedelta(minutes=30)).date() != start.date():
        start -= timedelta(minutes=30)
    return start.date().isoformat(), f"{start:%H:%M}", f"{start + timedelta(minutes=30):%H:%M}"


def backend_hall(suite_config, srv: ServerProcess):
    """The example hall's configuration pointed at a running reference server."""
    return suite_config.model_copy(update={"backend": suite_config.backend.model_copy(update={
        "url": srv.url, "app_key": srv.app_key, "app_secret": srv.app_secret, "timeout_s": 5.0})})


def start_controller(config, broker, *, tick_s: float = 0.05, health_every_s: float = 0.2):
    """A real HallController on the config's SQLite file, with fast feed, health and retries."""
    from hall_controller.service import HallController
    from hall_controller.store.db import make_engine
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
