"""The phone pages' progress (features/progress.py), made from a real hall's memory: every
row is what the QueueProgress model writes (the rows are written directly, not as 3,300 models
a second), people ahead are what `people_ahead` says ticket by ticket, and a ticket that ended
lately is still shown with its end."""
from __future__ import annotations

from hall_controller.core import calling
from hall_controller.core.queue import ahead_in
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.contract import WindowCommand, encode
from hall_protocol.phone import QueueProgress


def test_the_progress_is_what_the_model_writes_with_everyone_ahead(hall_config, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/hall.db")   # one process owns the hall: no lease to wait for
    c = HallController(hall_config, engine, password="unused: never connected")
    try:
        q = c.queues[hall_config.halls[0].id]
        for i, (service, priority) in enumerate([("A", "normal"), ("A", "green"), ("B", "normal"),
                                                 ("A", "appointment"), ("B", "normal"), ("A", "normal")] * 3):
            q.issue(service, f"pr{i}", source="kiosk-01", priority=priority)
        for w, action, extra in [(1, "call_next", {}), (1, "start", {}), (1, "finish", {}), (2, "call_next", {}),
                                 (2, "no_show", {"requeue": True}), (3, "call_next", {})]:
            calling.apply(q, WindowCommand(window=w, action=action, **extra))
        body, ahead, day = c.progress.progress(q)
        progress = QueueProgress.model_validate_json(body)
        assert encode(progress) == body                    # exactly as the model writes it
        rows = {r.number: r for r in progress.tickets}
        waiting = [t for line in q.lines.values() for t in line]
        assert len(waiting) >= 14 and {t.number for t in waiting} <= set(rows)
        for t in waiting:
            assert rows[t.number].ahead == ahead_in(q.lines, t) == ahead[t.number]
            assert rows[t.number].state == "waiting" and rows[t.number].wait_min is not None
        states = {r.state for r in progress.tickets}
        assert {"done", "called", "waiting"} <= states      # the finished one is still shown, with its window
        done = [r for r in progress.tickets if r.state == "done"]
        assert len(done) == 1 and done[0].window == 1 and done[0].ahead is None
        assert any(r.requeued for r in progress.tickets)   # the no-show put back in the queue
        assert len(rows) == len(progress.tickets) and day == q.day
    finally:
        engine.dispose()


def test_background_work_gives_way_to_a_running_batch(hall_config, tmp_path):
    """The progress of thousands waiting takes tens of milliseconds of the interpreter; between
    its pieces it waits while the request worker has a batch running or requests waiting."""
    import threading
    import time

    engine = make_engine(f"sqlite:///{tmp_path}/hall.db")
    c = HallController(hall_config, engine, password="unused: never connected")
    c.worker.start()
    try:
        t = time.monotonic()
        c.worker.give_way(5.0)
        assert time.monotonic() - t < 0.5                 # nothing running: no wait
        inside, release = threading.Event(), threading.Event()
        job = c.worker.submit(lambda: (inside.set(), release.wait(5)))
        assert inside.wait(5)
        threading.Timer(0.3, release.set).start()
        t = time.monotonic()
        c.worker.give_way(5.0)
        assert 0.25 <= time.monotonic() - t < 4.0         # waited for the batch, not for its bound
        job.result(5)
        t = time.monotonic()
        c.worker.give_way(5.0)
        assert time.monotonic() - t < 0.5
    finally:
        c.worker.stop()
        engine.dispose()
