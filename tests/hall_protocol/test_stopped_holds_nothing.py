"""A stopped endpoint and a stopped controller hold no descriptor open. paho keeps a socket
pair per started client and closed it only when the client was collected, and a controller's
SQLite connections stayed pooled: a process that starts and stops them often (the test suite,
a supervisor restarting its links) ran past select()'s 1024 descriptors, and every MQTT client
of that process then failed to connect ("filedescriptor out of range in select()")."""
from __future__ import annotations

from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.mqtt import Endpoint


def test_a_stopped_endpoint_closes_its_sockets(broker):
    ep = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01", password=broker.passwords["kiosk-01"])
    ep.start()
    assert ep.client._sockpairR is not None          # paho's wake-up pair while it runs
    ep.stop()
    assert ep.client._sockpairR is None and ep.client._sockpairW is None and ep.client._sock is None


def test_a_stopped_controller_closes_its_database_connections(suite_config, broker):
    engine = make_engine(suite_config.database.url)
    c = HallController(suite_config, engine, password=broker.passwords[suite_config.controller_id])
    c.start()
    assert engine.pool.checkedin() + engine.pool.checkedout() > 0   # its pooled connections while it runs
    c.stop()
    assert engine.pool.checkedin() == 0 and engine.pool.checkedout() == 0
    assert c.endpoint.client._sockpairR is None
