"""The database goes away under a running controller: clear answers, then recovery."""
from __future__ import annotations

from devkit.broker import MosquittoBroker
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import identities
from hall_protocol.mqtt import Endpoint
from tests.support.fixtures import new_request_id


def test_a_database_outage_is_answered_clearly_and_the_controller_recovers(tmp_path, hall_config):
    """PostgreSQL loses the hall's tables for a while (the schema is renamed away): requests are
    answered with `unavailable` instead of silence, and work again once it is back."""
    import sqlalchemy as sa

    from tests.support.postgres import pg_engine, pg_schema_url
    with pg_schema_url("outage") as url:
        schema = url.rsplit("%3D", 1)[1]
        broker = MosquittoBroker(tmp_path / "broker", identities(hall_config)).start()
        cfg = hall_config.model_copy(update={"broker": hall_config.broker.model_copy(update={"port": broker.port})})
        c = HallController(cfg, make_engine(url), password=broker.passwords[cfg.controller_id])
        c.start()
        kiosk = Endpoint("kiosk-01", "127.0.0.1", broker.port, username="kiosk-01",
                         password=broker.passwords["kiosk-01"])
        kiosk.start()
        admin = pg_engine()
        try:
            ask = {"service": "A", "request_id": new_request_id()}
            with admin.begin() as conn:
                conn.execute(sa.text(f'ALTER SCHEMA "{schema}" RENAME TO "{schema}_away"'))
            try:
                answer = kiosk.request("hall/demo-hall/request/ticket/kiosk-01", ask)
            finally:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'ALTER SCHEMA "{schema}_away" RENAME TO "{schema}"'))
            assert answer["status"] == "error" and answer["code"] == "unavailable", answer
            again = kiosk.request("hall/demo-hall/request/ticket/kiosk-01", ask)  # the kiosk's retry
            assert again["status"] == "ok" and again["data"]["number"] == "A001"
        finally:
            kiosk.stop()
            c.stop()
            broker.stop()
            admin.dispose()
