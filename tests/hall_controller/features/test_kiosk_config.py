"""The controller publishes each hall's kiosk-facing configuration, retained
(hall/<hall>/state/config, features/hall_config.py): at start, after a reload only when what the
kiosks see changed (a removed service leaves the kiosks at once, although the queue keeps it
until a restart), again after the broker restarted; never a secret of the hall file. Read with
a kiosk's own identity on the real broker."""
from __future__ import annotations

import threading

from config.schema import ServiceConfig
from hall_protocol import contract
from hall_protocol.hall_config import HallKioskConfig
from kiosk_app.flows.activity import phone_page_url
from kiosk_app.hall_source import LiveHall

HALL = "demo-hall"
SECRET = "platform-secret-Zk81x0PqWm3"


class Received:
    def __init__(self, ep) -> None:
        self.views: list[HallKioskConfig] = []
        self.raw: list[bytes] = []
        self.cv = threading.Condition()
        ep.subscribe(contract.HALL_CONFIG.format(hall=HALL), self._on)

    def _on(self, msg) -> None:
        with self.cv:
            self.raw.append(msg.payload)
            self.views.append(HallKioskConfig.model_validate_json(msg.payload))
            self.cv.notify_all()

    def wait(self, n: int, timeout: float = 15.0) -> HallKioskConfig:
        with self.cv:
            assert self.cv.wait_for(lambda: len(self.views) >= n, timeout), f"{len(self.views)} of {n} views"
            return self.views[n - 1]


def test_published_at_start_on_change_and_after_the_broker_restarts(controller, suite_config, device, broker):
    kiosk = device("kiosk-01")
    got = Received(kiosk)
    first = got.wait(1)
    hall = suite_config.hall(HALL)
    assert [s.code for s in first.services] == [s.code for s in hall.services]
    assert first.name == hall.name and first.services[0].area == hall.services[0].area
    assert first.elderly_age == hall.priority.elderly_age and first.ticket_url == hall.ticket_url
    # the hall takes tickets from phones: its kiosks' attract screen shows the phone page's QR
    assert hall.remote is not None and first.phone_page is not None and first.phone_page.endswith(f"/h/{HALL}")
    live = LiveHall(HALL)
    assert live.apply(first) and phone_page_url(live) == first.phone_page

    # the same file again: nothing new for the kiosks (a later change proves the wait was long enough)
    controller.reload(suite_config)
    renamed = hall.services[0].model_copy(update={"name": "综合受理（新）"})
    added = ServiceConfig(code="E", name="公积金", name_en="Housing Fund")
    new_hall = hall.model_copy(update={"services": [renamed, *hall.services[1:3], added]})   # D removed
    new = suite_config.model_copy(update={"halls": [new_hall]})
    controller.reload(new)
    second = got.wait(2)
    assert len(got.views) == 2
    assert [(s.code, s.name) for s in second.services] == [("A", "综合受理（新）"), ("B", hall.services[1].name),
                                                          ("C", hall.services[2].name), ("E", "公积金")]
    # the running queue keeps D until a restart; the kiosks no longer offer it
    assert "D" in [s.code for s in controller.ctx.config.hall(HALL).services]

    broker.restart()   # a broker that lost its retained messages gets them again
    third = got.wait(3, timeout=30)
    assert third == second


def test_no_secret_of_the_hall_file_is_published(controller, suite_config, device):
    with_secret = suite_config.model_copy(update={"backend": suite_config.backend.model_copy(
        update={"app_key": "platform-key-7Hq2", "app_secret": SECRET})})
    got = Received(device("kiosk-01"))
    got.wait(1)
    hall = suite_config.hall(HALL)
    notice = hall.model_copy(update={"notice": "今天下午三点起暂停办理不动产业务"})
    controller.reload(with_secret.model_copy(update={"halls": [notice]}))
    got.wait(2)
    text = got.raw[-1].decode("utf-8")
    assert "今天下午三点起" in text
    secrets = [SECRET, "platform-key-7Hq2", *(m.pin_hash.split("$")[-1] for m in hall.staff),
               *(d.id for d in hall.devices)]
    assert hall.staff and hall.devices
    for secret in secrets:
        assert secret not in text, secret
