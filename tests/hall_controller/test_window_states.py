"""Each window's retained state lists what that window would call, in its order: in a hall
whose windows call alike (a 60-window hall had 60 equal lists made after every call; windows
that call the same services with the same weights now share one list per change), and where
one window has a ticket transferred to it alone, which only that window's list shows; and a
window whose order moves with time alone (services of different weights) shows the new order
after the next housekeeping."""
from __future__ import annotations

import threading
import time

import pytest

from devkit.broker import MosquittoBroker
from drivers.core.clock import FakeClock
from devkit.city import hall as city_hall
from hall_controller.hall import LISTS_EVERY_S
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.contract import WindowView
from hall_protocol.mqtt import Endpoint
from tests.support.fixtures import new_request_id

HALL = "alike"


@pytest.fixture
def alike(tmp_path, hall_config, database_url):
    # 8 windows over 4 services: windows 1 and 5, 2 and 6, ... call alike
    cfg = hall_config.model_copy(update={"halls": [city_hall(HALL, "同类窗口大厅", 8, 1)]})
    broker = MosquittoBroker(tmp_path / "broker", identities(cfg)).start()
    cfg = cfg.model_copy(update={"broker": cfg.broker.model_copy(update={"port": broker.port})})
    clock = FakeClock()  # the calling order moves with the waited time: the test's clock stands still
    c = HallController(cfg, make_engine(database_url), clock=clock, password=broker.passwords[cfg.controller_id])
    c.start()
    eps = []

    def connect(cid):
        ep = Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
        ep.start()
        eps.append(ep)
        return ep
    yield c, connect, clock
    for ep in eps:
        ep.stop()
    c.stop()
    broker.stop()


def window(ep, n: int, action: str, **kw) -> dict:
    r = ep.request(f"hall/{HALL}/request/window/{HALL}-c{n}",
                   {"window": n, "action": action, "request_id": new_request_id(), **kw})
    assert r["status"] == "ok", r
    return r["data"]


def test_each_windows_state_lists_what_it_would_call(alike):
    c, connect, clock = alike
    q = c.queues[HALL]
    assert q.calling_key(1) == q.calling_key(5) != q.calling_key(2)
    screen = connect(f"{HALL}-s")
    views: dict[int, WindowView] = {}
    changed = threading.Condition()

    def on_view(msg) -> None:
        v = WindowView.model_validate_json(msg.payload)
        with changed:
            if v.is_newer_than(views.get(v.window)):
                views[v.window] = v
            changed.notify_all()
    screen.subscribe(contract.WINDOW_STATE.format(hall=HALL, window="+"), on_view)
    kiosk = connect(f"{HALL}-k1")
    for s in "ABCDABCDAB":
        assert kiosk.request(f"hall/{HALL}/request/ticket/{HALL}-k1",
                             {"service": s, "request_id": new_request_id()})["status"] == "ok"
        clock.advance(30)
    callers = {n: connect(f"{HALL}-c{n}") for n in (1, 5)}
    for n, ep in callers.items():
        window(ep, n, "open")
    first = window(callers[1], 1, "call_next")["ticket"]["number"]
    window(callers[1], 1, "transfer", to_window=5)   # window 5 alone calls it now
    assert q.calling_key(5) != q.calling_key(1)

    def shown(n: int) -> list[str]:
        return [t.number for t in views[n].waiting] if n in views else []

    def all_right() -> bool:
        return all(shown(n) == [t.number for t in q.ordered_for(n, 50)] for n in range(1, 9))
    # the order of a window serving services of different weights moves as tickets wait: it is
    # looked at again at the next housekeeping (every 15 s)
    clock.advance(60)
    c.worker.call(c.housekeeping)
    with changed:
        assert changed.wait_for(all_right, timeout=15), [(n, shown(n), [t.number for t in q.ordered_for(n, 50)]) for n in range(1, 9) if shown(n) != [t.number for t in q.ordered_for(n, 50)]]
    assert first in shown(5) and first not in shown(1)
    assert shown(2) == shown(6) and shown(2) != shown(1)


def test_a_busy_window_does_not_make_every_other_window_publish_after_each_call(alike):
    """Twenty calls in a row at window 1: the list of window 5 (which calls alike) changes with
    each (the called ticket leaves it) but its state goes out with the hall's lists at most twice
    a second, not twenty times; window 1's own state follows each call; the lists end right."""
    c, connect, clock = alike
    q = c.queues[HALL]
    counts: dict[int, int] = {1: 0, 5: 0}
    views: dict[int, WindowView] = {}
    changed = threading.Condition()

    def on_view(msg) -> None:
        v = WindowView.model_validate_json(msg.payload)
        with changed:
            if v.is_newer_than(views.get(v.window)):
                views[v.window] = v
                counts[v.window] = counts.get(v.window, 0) + 1
            changed.notify_all()
    kiosk = connect(f"{HALL}-k1")
    for _ in range(35):   # within a device's burst (40)
        assert kiosk.request(f"hall/{HALL}/request/ticket/{HALL}-k1",
                             {"service": "A", "request_id": new_request_id()})["status"] == "ok"
    caller = connect(f"{HALL}-c1")
    window(caller, 1, "open")
    screen = connect(f"{HALL}-s")
    screen.subscribe(contract.WINDOW_STATE.format(hall=HALL, window="+"), on_view)
    with changed:
        assert changed.wait_for(lambda: 1 in views and 5 in views, timeout=10)
        counts.update({1: 0, 5: 0})
    began = time.monotonic()
    called = [window(caller, 1, "call_next")["ticket"]["number"] for _ in range(20)]
    elapsed = time.monotonic() - began
    with changed:
        assert changed.wait_for(lambda: views[1].ticket is not None and views[1].ticket.number == called[-1],
                                timeout=10)
        assert changed.wait_for(lambda: [t.number for t in views[5].waiting] == [t.number for t in q.ordered_for(5, 50)],
                                timeout=10)
    assert not set(called) & {t.number for t in views[5].waiting}
    # every call changed window 5's list; its state went out with the hall's lists (each LISTS_EVERY_S)
    assert counts[5] <= elapsed / LISTS_EVERY_S + 2, (counts, elapsed)
    assert counts[1] >= 2
