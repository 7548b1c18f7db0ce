"""A simulated day through the real queue on a real SQLite file: every ticket is called,
windows keep their shifts, the day replays identically from its seed, and the hall's
estimate is closer to the truth than the naive one."""
from datetime import datetime

import pytest
from sqlalchemy import select

from devkit.sim import CST, HallDay, naive_min, scenarios
from hall_controller.core.estimate import estimate_wait_min
from hall_controller.store import db
from hall_controller.store.db import make_engine

ESTIMATORS = {"ours": estimate_wait_min, "naive": naive_min}


def village():
    return next(s for s in scenarios() if s.name == "village station")


def run(tmp_path, seed, name="day"):
    day = HallDay(village(), make_engine(f"sqlite:///{tmp_path}/{name}.db"), ESTIMATORS, seed)
    return day, day.run()


def test_a_day_calls_every_ticket_within_the_shifts(tmp_path):
    day, result = run(tmp_path, seed=7)
    assert len(result.records) > 40
    assert all(r.wait_min is not None and r.wait_min >= 0 for r in result.records)
    assert len({r.number for r in result.records}) == len(result.records)
    with day.q.engine.connect() as c:
        calls = c.execute(select(db.events.c.window, db.events.c.at).where(db.events.c.kind == "called")).all()
    hours = [(w, datetime.fromtimestamp(at, CST)) for w, at in calls]
    w2 = [h.hour + h.minute / 60 for w, h in hours if w == 2]
    # window 2 opens at 9:00, lunches 12:30-13:30 (it may finish its citizen first), closes at 16:00
    assert w2 and min(w2) >= 9.0 and max(w2) < 16.0
    assert not any(12.5 <= h < 13.5 for h in w2)
    assert {w for w, _ in hours} == {1, 2}


def test_the_same_seed_replays_the_same_day(tmp_path):
    _, a = run(tmp_path, seed=3, name="a")
    _, b = run(tmp_path, seed=3, name="b")
    assert [(r.number, r.priority, r.wait_min, r.estimates) for r in a.records] == \
        [(r.number, r.priority, r.wait_min, r.estimates) for r in b.records]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_hall_estimate_beats_the_naive_one(tmp_path, seed):
    _, result = run(tmp_path, seed)
    ours, n_ours = result.mae("ours")
    naive, _ = result.mae("naive")
    assert n_ours >= 0.9 * len(result.records)   # a figure for nearly everyone
    assert ours < 0.8 * naive
