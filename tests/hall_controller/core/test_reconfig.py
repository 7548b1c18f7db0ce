"""A hall file read again (SIGHUP): what applies to the running halls at once and what waits
for a restart (core/reconfig.py), and a running queue taking the new section
(HallQueue.reconfigure) with a real database and a driven clock."""
from __future__ import annotations

from datetime import time

from config.schema import ServiceConfig, WindowConfig
from hall_controller.core import calling, reconfig
from tests.hall_controller.core.queue_support import clock, cmd, make_queue, queue  # noqa: F401 - fixtures


def _hall(config, **changes):
    return config.model_copy(update={"halls": [config.halls[0].model_copy(update=changes)]})


def test_live_changes_apply_and_the_rest_waits_for_a_restart(hall_config):
    hall = hall_config.halls[0]
    new = _hall(hall_config, notice="新通知", name="新名称",
                services=[*hall.services, ServiceConfig(code="E", name="公积金", name_en="Housing Fund")],
                windows=[*hall.windows, WindowConfig(number=9, services={"E": 1.0})],
                timezone="Asia/Urumqi", day_starts_at=time(6, 0))
    new = new.model_copy(update={"limits": new.limits.model_copy(update={"burst": 99.0}),
                                 "broker": new.broker.model_copy(update={"port": 1999})})
    merged, later = reconfig.merge(hall_config, new)
    h = merged.halls[0]
    assert (h.notice, h.name) == ("新通知", "新名称")
    assert h.service("E").name == "公积金" and h.window(9).services == {"E": 1.0}
    assert (h.timezone, h.day_starts_at) == (hall.timezone, hall.day_starts_at)  # kept
    assert merged.limits == hall_config.limits and merged.broker == hall_config.broker
    assert set(later) == {"broker", "limits", "halls.demo-hall.timezone", "halls.demo-hall.day_starts_at"}


def test_removed_services_windows_and_halls_stay_until_a_restart(hall_config):
    hall = hall_config.halls[0]
    fewer = _hall(hall_config, services=[s for s in hall.services if s.code != "C"],
                  windows=[w.model_copy(update={"services": {k: v for k, v in w.services.items() if k != "C"} or
                                                {"A": 1.0}}) for w in hall.windows if w.number != 4])
    merged, later = reconfig.merge(hall_config, fewer)
    h = merged.halls[0]
    assert h.service("C") and h.window(4)
    assert "halls.demo-hall.services removed: C" in later and "halls.demo-hall.windows removed: 4" in later
    other = hall.model_copy(update={"id": "other-hall"})
    _, later = reconfig.merge(hall_config, hall_config.model_copy(update={"halls": [hall, other]}))
    assert later == ["halls: hall other-hall added"]
    assert reconfig.merge(hall_config, hall_config) == (hall_config, [])


def test_a_running_queue_serves_a_new_service_at_a_new_window(queue, hall_config):  # noqa: F811
    hall = hall_config.halls[0]
    queue.issue("A", "before", source="k")
    new = hall.model_copy(update={"services": [*hall.services, ServiceConfig(code="E", name="公积金",
                                                                             name_en="Housing Fund")],
                                  "windows": [*hall.windows, WindowConfig(number=9, services={"E": 1.0})]})
    version = queue.version
    queue.reconfigure(new)
    assert queue.version > version and queue.hall is new
    t, _ = queue.issue("E", "after", source="k")
    assert t.number == "E001"
    assert calling.apply(queue, cmd(9, "call_next", request_id="call-9-0001")).ticket.number == "E001"
    assert queue.tickets["A001"].state == "waiting"  # nothing of the day was lost
