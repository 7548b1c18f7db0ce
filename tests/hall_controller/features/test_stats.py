"""The hall's retained statistics over the real broker: a desk that subscribes sees today's
figures as kiosks, clerks and citizens act; a burst is published a few times, not once per
ticket; a restarted controller publishes the same figures (ratings read back from the outbox)."""
import threading
import time

from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol import contract
from hall_protocol.stats import HallStats
from tests.support.fixtures import new_request_id

HALL = "demo-hall"


def watch(ep):
    seen, cv = [], threading.Condition()

    def on(msg):
        with cv:
            seen.append(HallStats.model_validate_json(msg.payload))
            cv.notify_all()
    ep.subscribe(contract.STATS.format(hall=HALL), on)

    def wait(cond, timeout=15.0) -> HallStats:
        with cv:
            assert cv.wait_for(lambda: seen and cond(seen[-1]), timeout), seen[-1:] or "no statistics"
            return seen[-1]
    return seen, wait


def a_figure(st, code):
    return next(s for s in st.services if s.code == code)


def test_a_desk_sees_todays_figures_and_a_restart_keeps_them(suite_config, broker, device):
    engine = make_engine(suite_config.database.url)
    c = HallController(suite_config, engine, password=broker.passwords[suite_config.controller_id])
    c.start()
    try:
        kiosk, caller, desk = device("kiosk-01"), device("caller-w1"), device("supervisor-desk")
        seen, wait = watch(desk)
        wait(lambda st: st.day and all(s.issued == 0 for s in st.services))   # published at start
        ticket = contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01")
        for _ in range(30):  # a burst: answered at once, the figures follow a few times
            assert kiosk.request(ticket, {"service": "A", "request_id": new_request_id()})["status"] == "ok"
        before_burst = len(seen)
        st = wait(lambda st: a_figure(st, "A").issued == 30)
        assert a_figure(st, "A").waiting == 30 and st.issued_by_hour[int(st.at[11:13])] == 30
        assert len(seen) - before_burst <= 3, "the burst was published once per ticket"
        window = contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w1")
        for action in ("call_next", "finish"):
            r = caller.request(window, {"window": 1, "action": action, "clerk": "clerk-1",
                                        "request_id": new_request_id()})
            assert r["status"] == "ok", r
        rate = contract.BACKEND_REQUEST.format(hall=HALL, client="kiosk-01")
        r = kiosk.request(rate, {"op": "rate", "ticket": "A001", "score": 2, "request_id": new_request_id()})
        assert r["status"] == "ok", r
        st = wait(lambda st: st.ratings.count == 1 and a_figure(st, "A").served == 1)
        assert a_figure(st, "A").waiting == 29 and st.ratings.by_score == {"2": 1} and st.ratings.rate == 0.0
        assert next(w for w in st.windows if w.window == 1).served == 1
        shown = st.model_dump(exclude={"seq", "at", "services", "windows"})
    finally:
        c.stop()
    # A new process on the same database (a restart, or the hall's next owner): the same figures,
    # the rating read back from the outbox, with a higher seq.
    c2 = HallController(suite_config, engine, password=broker.passwords[suite_config.controller_id])
    c2.start()
    try:
        _, wait2 = watch(device("supervisor-desk"))
        again = wait2(lambda s: s.seq > st.seq)
        assert again.model_dump(exclude={"seq", "at", "services", "windows"}) == shown
        assert [(s.code, s.issued, s.waiting, s.served) for s in again.services] == \
               [(s.code, s.issued, s.waiting, s.served) for s in st.services]
    finally:
        c2.stop()
        engine.dispose()


def test_an_idle_city_publishes_nothing(controller, device):
    """Once published, a hall where nothing happens and nobody waits is not published again."""
    desk = device("supervisor-desk")
    seen, wait = watch(desk)
    wait(lambda st: True)
    time.sleep(controller.stats.MIN_INTERVAL_S + 2 * controller.stats.TICK_S)  # the start settles
    count = len(seen)
    sent = controller.stats.published
    assert sent >= 1
    time.sleep(3 * controller.stats.MIN_INTERVAL_S)
    assert controller.stats.published == sent and len(seen) == count
