"""Report statistics: pure functions over tables of events, then a real controller database
(SQLite and PostgreSQL) filled through HallQueue and calling.apply with a FakeClock."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select, text

from drivers.core.clock import FakeClock
from hall_controller.backend.outbox import Outbox
from hall_controller.core import calling, report
from hall_controller.core.queue import HallQueue
from hall_controller.core.ratings import rate
from hall_controller.store import db
from hall_protocol.contract import WindowCommand
from tests.hall_controller.core.busy_day import play
from tests.support.postgres import PG_URL, pg_engine  # pg_engine starts PostgreSQL when it is down

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST).timestamp()  # 09:00 local
DAY = "2026-03-02"


def ev(kind, at_min, ticket=None, service="A", window=None, clerk=None, data=None, day=DAY):
    """An event row as the controller writes it; `at_min` minutes after 09:00."""
    return {"id": None, "hall": "h", "day": day, "ticket_id": ticket, "number": None if ticket is None else f"{service}{ticket:03d}",
            "service": None if ticket is None else service, "kind": kind, "at": T0 + at_min * 60, "window": window,
            "clerk": clerk, "data": data}


def totals(events, by="service", ratings=None):
    groups, total = report.aggregate(report.facts(events, ratings), by, "Asia/Shanghai")
    return {g.key: g.row() for g in groups}, total.row()


# ---- tables of events --------------------------------------------------------------------
# (events, expected total figures)
CASES = [
    pytest.param([ev("issued", 0, 1), ev("called", 10, 1, window=1), ev("started", 11, 1, window=1),
                  ev("finished", 20, 1, window=1)],
                 {"issued": 1, "called": 1, "served": 1, "wait_mean_s": 600, "serve_mean_s": 540},
                 id="issue-call-start-finish: serving from start"),
    pytest.param([ev("issued", 0, 1), ev("called", 5, 1, window=1), ev("finished", 12, 1, window=1)],
                 {"served": 1, "wait_mean_s": 300, "serve_mean_s": 420}, id="never started: serving from the call"),
    pytest.param([ev("issued", 0, 1), ev("called", 5, 1, window=1), ev("recalled", 6, 1, window=1),
                  ev("recalled", 7, 1, window=1), ev("no_show", 8, 1, window=1)],
                 {"called": 1, "served": 0, "no_show": 1, "recalls": 2, "serve_mean_s": None},
                 id="recalls then no-show"),
    pytest.param([ev("issued", 0, 1), ev("called", 4, 1, window=1), ev("transferred", 6, 1, "B", window=1),
                  ev("called", 16, 1, "B", window=2), ev("finished", 20, 1, "B", window=2)],
                 {"called": 2, "served": 1, "transferred": 1, "wait_mean_s": 420, "wait_max_s": 600,
                  "serve_mean_s": 240}, id="transfer re-queues: second wait from the transfer"),
    pytest.param([ev("issued", 0, 1), ev("called", 2, 1, window=1), ev("no_show", 4, 1, window=1),
                  ev("requeued", 4, 1, window=1), ev("called", 10, 1, window=2), ev("finished", 15, 1, window=2)],
                 {"called": 2, "no_show": 1, "requeued": 1, "served": 1, "wait_mean_s": 240, "wait_max_s": 360},
                 id="no-show re-queued: waits again from the re-queue"),
    pytest.param([ev("issued", 0, 1), ev("expired", 24 * 60, 1, window=None)],
                 {"issued": 1, "expired": 1, "called": 0}, id="expired at the rollover"),
    pytest.param([ev("issued", 0, 1), ev("cancelled", 3, 1, window=1), ev("issued", 1, 2)],
                 {"issued": 2, "cancelled": 1, "called": 0, "wait_mean_s": None}, id="cancelled and still waiting"),
    pytest.param([ev("issued", 0, 1), ev("issued", 0, 2), ev("issued", 0, 3), ev("issued", 0, 4),
                  ev("called", 1, 1, window=1), ev("called", 2, 2, window=2), ev("called", 3, 3, window=3),
                  ev("called", 10, 4, window=4)],
                 {"wait_mean_s": 240, "wait_median_s": 150, "wait_p90_s": 474, "wait_max_s": 600},
                 id="quantiles interpolate between ranks"),
]


@pytest.mark.parametrize("events, expected", CASES)
def test_ticket_figures(events, expected):
    _, total = totals(events)
    assert {k: total[k] for k in expected} == {k: pytest.approx(v) if v else v for k, v in expected.items()}


def test_window_time_is_busy_paused_or_idle_between_first_and_last_event():
    events = [
        ev("issued", 0, 1), ev("issued", 0, 2),
        ev("called", 0, 1, window=1, clerk="王"), ev("finished", 10, 1, window=1, clerk="王"),   # busy 10
        ev("paused", 15, window=1, clerk="王", data='{"reason": "午休"}'),                       # idle 5
        ev("resumed", 45, window=1, clerk="王"),                                                 # paused 30
        ev("called", 50, 2, window=1, clerk="李"), ev("no_show", 53, 2, window=1, clerk="李"),  # idle 5, busy 3
        ev("paused", 60, window=1, clerk="李", data='{"reason": "临时离开"}'),                     # idle 7, open pause ends here
    ]
    rows, total = totals(events, "window")
    w = rows[1]
    assert (w["busy_s"], w["paused_s"], w["idle_s"]) == (13 * 60, 30 * 60, 17 * 60)
    assert w["pauses"] == 2 and w["issued"] == 0
    g = report.aggregate(report.facts(events), "window")[1]
    assert report.pause_reasons(g) == [("午休", 1, 1800.0), ("临时离开", 1, 0.0)]
    clerks, _ = totals(events, "clerk")
    assert clerks["王"]["busy_s"] == 600 and clerks["李"]["busy_s"] == 180
    assert clerks["王"]["paused_s"] == 1800 and clerks["王"]["pauses"] == 1


def test_closed_time_is_not_idle_and_expiry_does_not_stretch_the_window():
    events = [ev("opened", 0, window=2), ev("issued", 0, 1), ev("called", 5, 1, window=2), ev("finished", 10, 1, window=2),
              ev("closed", 20, window=2), ev("opened", 80, window=2), ev("issued", 85, 2),
              ev("called", 90, 2, window=2), ev("expired", 24 * 60, 2, window=2)]
    rows, total = totals(events, "window")
    assert (rows[2]["busy_s"], rows[2]["idle_s"], rows[2]["paused_s"]) == (300, 25 * 60, 0)  # open 0-20 and 80-90
    assert total["expired"] == 1


def test_hours_split_time_and_place_facts_when_they_happen():
    events = [ev("issued", -5, 1), ev("called", 50, 1, window=1), ev("finished", 70, 1, window=1),
              ev("issued", 65, 2), ev("paused", 80, window=1, data='{"reason": "r"}'), ev("resumed", 140, window=1)]
    rows, _ = totals(events, "hour")
    assert sorted(rows) == [8, 9, 10, 11]
    assert rows[8]["issued"] == 1 and rows[10]["issued"] == 1
    assert rows[9]["called"] == 1 and rows[9]["wait_mean_s"] == 55 * 60  # counted at the call
    assert rows[10]["served"] == 1  # counted at the finish
    assert (rows[9]["busy_s"], rows[10]["busy_s"]) == (600, 600)  # 9:50-10:10 split at 10:00
    assert (rows[10]["paused_s"], rows[11]["paused_s"]) == (40 * 60, 20 * 60)
    assert rows[10]["pauses"] == 1 and rows[10]["idle_s"] == 600


def test_days_and_ratings():
    events = [ev("issued", 0, 1), ev("called", 1, 1, window=1), ev("finished", 5, 1, window=1),
              ev("issued", 0, 2, day="2026-03-03"), ev("cancelled", 1, 2, day="2026-03-03")]
    ratings = [{"day": DAY, "at": T0 + 400, "score": 5, "window": 1, "clerk": "王", "service": "A"},
               {"day": DAY, "at": T0 + 500, "score": 2, "window": 1, "clerk": "王", "service": "A"}]
    rows, total = totals(events, "day", ratings)
    assert rows[DAY]["served"] == 1 and rows["2026-03-03"]["cancelled"] == 1
    assert (rows[DAY]["ratings"], rows[DAY]["rating_mean"]) == (2, 3.5)
    assert total["issued"] == 2


def test_unknown_dimension_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot group by 'desk'"):
        report.aggregate([], "desk")


# ---- a real controller database -------------------------------------------------------------
@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh SQLite file, or a unique schema in the running PostgreSQL (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/hall.db"
        return
    engine = pg_engine()
    schema = f"report_test_{uuid.uuid4().hex[:12]}"
    with engine.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def cmd(window, action, **kw):
    return WindowCommand(window=window, action=action, clerk=f"clerk{window}", **kw)


def test_scripted_hall_on_both_databases(db_url, hall_config, clock):
    """A short scripted morning through the real queue; every figure is known in advance."""
    hall = hall_config.halls[0]
    engine = db.make_engine(db_url)
    q = HallQueue(engine, hall, clock)
    q.issue("A", "a1", source="k")            # 09:00
    clock.advance(60)
    q.issue("A", "a2", source="k")            # 09:01
    q.issue("B", "b1", source="k")
    clock.advance(4 * 60)                     # 09:05
    calling.apply(q, cmd(1, "call_next"))    # A001 waited 5:00
    clock.advance(60)
    calling.apply(q, cmd(1, "start"))
    clock.advance(6 * 60)                     # 09:12
    calling.apply(q, cmd(1, "finish"))       # served 6:00
    calling.apply(q, cmd(2, "call_next"))    # A002 waited 11:00
    clock.advance(120)
    calling.apply(q, cmd(2, "recall"))
    clock.advance(60)
    calling.apply(q, cmd(2, "no_show"))      # 09:15
    calling.apply(q, cmd(2, "pause", reason="午休 Lunch"))
    clock.advance(30 * 60)
    calling.apply(q, cmd(2, "resume"))       # 09:45
    calling.apply(q, cmd(3, "call_next"))    # B001 waited 44:00
    clock.advance(8 * 60)
    calling.apply(q, cmd(3, "call_next"))    # nothing waiting: finishes B001, served 8:00 from the call
    events = report.load_events(engine, hall.id, DAY, DAY)
    assert report.load_ratings(engine, hall.id, DAY, DAY) == []  # nobody rated
    rows, total = totals(events, "window")
    assert (total["issued"], total["called"], total["served"], total["no_show"], total["recalls"]) == (3, 3, 2, 1, 1)
    assert sorted([rows[1]["wait_mean_s"], rows[2]["wait_mean_s"], rows[3]["wait_mean_s"]]) == [300, 660, 2640]
    assert (rows[1]["serve_mean_s"], rows[3]["serve_mean_s"]) == (360, 480)
    assert (rows[2]["busy_s"], rows[2]["paused_s"], rows[2]["idle_s"], rows[2]["pauses"]) == (180, 1800, 0, 1)
    engine.dispose()


@pytest.fixture(scope="module")
def busy_db(tmp_path_factory):
    """One busy day (a few hundred tickets) on SQLite, shared by the consistency checks."""
    from config import HallSuiteConfig, load_config
    from tests.support.fixtures import EXAMPLE_HALL
    hall = load_config(EXAMPLE_HALL, HallSuiteConfig).halls[0]
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('busy')}/hall.db")
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=CST))
    done = play(HallQueue(engine, hall, clock), clock, clock.now())
    yield engine, hall, done
    engine.dispose()


def test_busy_day_agrees_with_the_tickets_table(busy_db):
    engine, hall, done = busy_db
    with engine.connect() as c:
        states = dict(c.execute(select(db.tickets.c.state, func.count()).group_by(db.tickets.c.state)).all())
    events = report.load_events(engine, hall.id, DAY, DAY)
    _, total = totals(events)
    assert total["issued"] == sum(states.values()) == done["issued"] >= 200
    assert total["served"] == states["done"]
    assert total["no_show"] == done["no_show"] > 0 and total["requeued"] == done["requeue"] > 0
    assert states["no_show"] == total["no_show"] - total["requeued"]
    assert total["cancelled"] == states["cancelled"] == done["cancel"] > 0
    assert total["transferred"] == done["transfer"] and total["pauses"] == done["pause"] >= 4
    assert total["called"] == done["calls"]


def test_busy_day_window_time_adds_up_to_its_opening_hours(busy_db):
    engine, hall, _ = busy_db
    events = report.load_events(engine, hall.id, DAY, DAY)
    groups, _ = report.aggregate(report.facts(events), "window", hall.timezone)
    hours, _ = report.aggregate(report.facts(events), "hour", hall.timezone)
    assert [g.key for g in groups] == [1, 2, 3, 4]
    for g in groups:
        at = [e["at"] for e in events if e["window"] == g.key]
        row = g.row()
        assert row["busy_s"] + row["paused_s"] + row["idle_s"] == pytest.approx(max(at) - min(at))
        assert row["paused_s"] >= 45 * 60  # everyone had lunch
    by_hour = sum(h.row()["busy_s"] + h.row()["paused_s"] + h.row()["idle_s"] for h in hours)
    by_window = sum(g.row()["busy_s"] + g.row()["paused_s"] + g.row()["idle_s"] for g in groups)
    assert by_hour == pytest.approx(by_window)


def test_ratings_stored_by_the_controller_count_per_window_and_clerk(busy_db, tmp_path):
    """Ratings through the controller's own path (hall_controller/core/ratings.py into the outbox)."""
    engine, hall, _ = busy_db
    clock = FakeClock(datetime(2026, 3, 2, 17, 30, tzinfo=CST))
    q, outbox = HallQueue(engine, hall, clock), Outbox(engine, None, clock)
    with engine.connect() as c:
        served = c.execute(select(db.tickets.c.number, db.tickets.c.window).where(db.tickets.c.state == "done")
                           .order_by(db.tickets.c.id).limit(3)).all()
    for (number, _), score in zip(served, (5, 4, 2)):
        rate(q, outbox, number, score)
    got = report.load_ratings(engine, hall.id, DAY, DAY, hall.timezone)
    assert sorted(r["score"] for r in got) == [2, 4, 5] and {r["service"] for r in got} <= set("ABCD")
    assert report.load_ratings(engine, hall.id, "2026-03-03", "2026-03-03", hall.timezone) == []
    assert report.load_ratings(engine, "other-hall", DAY, DAY, hall.timezone) == []
    rows, total = totals(report.load_events(engine, hall.id, DAY, DAY), "window", got)
    assert (total["ratings"], total["rating_mean"]) == (3, pytest.approx(11 / 3))
    for window in {w for _, w in served}:
        scores = [s for (_, w), s in zip(served, (5, 4, 2)) if w == window]
        assert rows[window]["rating_mean"] == pytest.approx(sum(scores) / len(scores))
    # a database without the outbox (an older controller) has no ratings, and no error
    assert report.load_ratings(create_engine(f"sqlite:///{tmp_path}/old.db"), hall.id, DAY, DAY) == []


def test_a_rating_counts_for_the_service_that_served_a_transferred_ticket(database_url):
    from config import HallSuiteConfig, load_config
    from hall_controller.core import calling
    from hall_protocol.contract import WindowCommand
    from tests.support.fixtures import EXAMPLE_HALL
    hall = load_config(EXAMPLE_HALL, HallSuiteConfig).halls[0]
    engine = db.make_engine(database_url)
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    q, outbox = HallQueue(engine, hall, clock), Outbox(engine, None, clock)
    q.issue("A", "r1", source="kiosk-01")
    calling.apply(q, WindowCommand(window=2, action="call_next"))
    calling.apply(q, WindowCommand(window=2, action="transfer", to_service="D"))  # A001 now waits for D
    calling.apply(q, WindowCommand(window=4, action="call_next"))
    clock.advance(300)
    calling.apply(q, WindowCommand(window=4, action="finish"))
    rate(q, outbox, "A001", 5)
    [got] = report.load_ratings(engine, hall.id, "2026-03-02", "2026-03-02", hall.timezone)
    engine.dispose()
    assert (got["number"], got["service"], got["window"]) == ("A001", "D", 4)
