"""The controller's request worker: requests of the queue, off the MQTT thread, fair between
devices, committed together.

The MQTT thread only files each request under its sender (`put`). The worker takes them
round-robin, one per device in turn, so a device that floods gets its share and never
delays the others by more than its share; a device's queue is bounded (beyond it, `busy`).
A batch runs every request's handler against the halls' memory, then commits what they all
changed in one transaction (hall_controller/store/journal.py: one fsync for the burst), then
publishes the answers, then what follows them (call events, robot hooks), and finally the
boards of the halls that changed, once per burst (`after`). When the commit fails, nothing
of the batch is stored, and every request that was to be answered "ok" is answered
`unavailable` instead (a retry with the same request id is applied once).

`submit(fn)` runs other work of the halls (a check-in's ticket, housekeeping) on the same
thread, so that every change of a hall is ordered in one place.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import Future
from typing import Any, Callable

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.store.journal import Journal
from hall_controller.store.leases import LeaseLost
from hall_protocol.contract import Response
from hall_protocol.router import Reply, Router

log = logging.getLogger(__name__)

MAX_BATCH = 256        # requests committed together at most
PER_CLIENT = 64        # requests of one device waiting at most
GIVE_WAY_S = 0.05      # background work waits for requests this long at most, per piece


class RequestWorker:
    def __init__(self, router: Router, journal: Journal, *, after: Callable[[], None] = lambda: None,
                 max_batch: int = MAX_BATCH, per_client: int = PER_CLIENT,
                 on_lost: Callable[[set[str]], None] = lambda halls: None,
                 idle: Callable[[], bool | float] | None = None) -> None:
        """`on_lost(halls)`: a commit found these halls owned by another process now.
        `idle()`: a small piece of deferred work (a window's state), run only while no request
        or job waits; it returns whether more is left now (True), in so many seconds (a
        number), or not at all (False)."""
        self.router, self.journal, self.after, self.on_lost = router, journal, after, on_lost
        self.idle = idle
        self._idle_at: float | None = None   # when (monotonic) idle work is due; None: none left
        self.max_batch, self.per_client = max_batch, per_client
        self.batches = 0
        self.largest = 0
        self._inbox: dict[str, deque] = {}
        self._ring: deque[str] = deque()
        self._jobs: deque[tuple[Callable[[], Any], Future]] = deque()
        self._woken = False
        self._busy = False    # a batch and what follows it is running
        self._cv = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None

    # -- from other threads ---------------------------------------------------------------
    def put(self, client: str, route, msg) -> None:
        """File a request (called on the MQTT thread; returns at once)."""
        with self._cv:
            box = self._inbox.get(client)
            if box is None:
                box = self._inbox[client] = deque()
                self._ring.append(client)
            full = len(box) >= self.per_client
            if not full:
                box.append((route, msg))
                self._cv.notify()
        if full:
            self.router.refuse(msg, client, "busy", f"{client} has {self.per_client} requests waiting; "
                               "retry in a moment", route.kind)

    def submit(self, fn: Callable[[], Any]) -> Future:
        """Run `fn` on the worker, in a batch; its result once what it changed is stored."""
        fut: Future = Future()
        with self._cv:
            if self._stop:
                fut.set_exception(RuntimeError("the request worker has stopped"))
                return fut
            self._jobs.append((fn, fut))
            self._cv.notify()
        return fut

    def call(self, fn: Callable[[], Any], timeout: float = 30.0) -> Any:
        """`submit` and wait; the worker's own thread runs `fn` at once."""
        if threading.current_thread() is self._thread or self._thread is None:
            with self.journal.lock:
                return fn()
        return self.submit(fn).result(timeout)

    def give_way(self, most_s: float = GIVE_WAY_S) -> None:
        """Background work of the halls calls this between its pieces (the ticket progress of
        thousands waiting, tens of milliseconds of the interpreter): it waits while requests
        wait or a batch runs, at most `most_s`, so that the two rarely share the interpreter
        (each hand-off under the GIL cost a request up to the switch interval)."""
        deadline = time.monotonic() + most_s
        while (self._ring or self._busy) and time.monotonic() < deadline:
            time.sleep(0.0005)

    def wake(self) -> None:
        """Run `after` soon (a hall changed outside a batch)."""
        with self._cv:
            self._woken = True
            self._cv.notify()

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="request-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        for _, fut in self._jobs:
            fut.set_exception(RuntimeError("the request worker has stopped"))
        self._jobs.clear()

    # -- the worker -------------------------------------------------------------------------
    def _take(self) -> tuple[list, list]:
        """Up to max_batch requests, one per device in turn; and the jobs waiting."""
        out: list = []
        while self._ring and len(out) < self.max_batch:
            client = self._ring.popleft()
            box = self._inbox[client]
            out.append(box.popleft())
            if box:
                self._ring.append(client)
            else:
                del self._inbox[client]
        jobs = list(self._jobs)
        self._jobs.clear()
        return out, jobs

    def _idle_due(self) -> bool:
        return self._idle_at is not None and self._idle_at <= time.monotonic()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not (self._ring or self._jobs or self._woken or self._stop or self._idle_due()):
                    self._cv.wait(None if self._idle_at is None else self._idle_at - time.monotonic())
                if self._stop and not self._ring and not self._jobs:
                    return
                if not (self._ring or self._jobs or self._woken):
                    idle_only = True
                else:
                    idle_only = False
                    self._woken = False
                    requests, jobs = self._take()
            if idle_only:
                try:
                    left = self.idle() if self.idle else False
                except Exception:  # noqa: BLE001 - deferred work must not end the worker; it is logged
                    log.exception("request worker: idle work")
                    left = False
                self._idle_at = (None if left is False else
                                 time.monotonic() + (0.0 if left is True else float(left)))
                continue
            self._busy = True
            try:
                self._batch(requests, jobs)
            except Exception:  # noqa: BLE001 - the worker must outlive any surprise; it is logged
                log.exception("request worker batch")
            try:
                self.after()
            except Exception:  # noqa: BLE001
                log.exception("request worker: publishing after a batch")
            self._busy = False
            self._idle_at = time.monotonic() if self.idle is not None else None

    def _batch(self, requests: list, jobs: list) -> None:
        replies: list[Reply] = []
        results: list[tuple[Future, Any, BaseException | None]] = []
        stored = True
        with self.journal.lock:
            with self.journal.batch():
                for route, msg in requests:
                    reply = self.router.handle(route, msg)
                    if reply is not None:
                        replies.append(reply)
                for fn, fut in jobs:
                    try:
                        results.append((fut, fn(), None))
                    except BaseException as err:  # noqa: BLE001 - handed to the waiting caller
                        results.append((fut, None, err))
            try:
                self.journal.flush()
            except (SQLAlchemyError, LeaseLost) as err:
                stored = False
                log.error("a batch of %d request(s) was not stored: %s", len(requests) + len(jobs), err)
                failure = err
        if not stored and isinstance(failure, LeaseLost):
            self.on_lost(failure.halls)
        self.batches += 1
        self.largest = max(self.largest, len(requests))
        for reply in replies:
            if not stored and reply.changed:
                reply = Reply(reply.msg, reply.client, self._unavailable(reply, failure))
            self.router.send(reply)
        for fut, value, err in results:
            if not stored and err is None:
                err = failure
            if err is not None:
                fut.set_exception(err)
            else:
                fut.set_result(value)

    def _unavailable(self, reply: Reply, err: Exception) -> Response:
        if isinstance(err, LeaseLost):
            return self.router.refusal(reply.msg, "unavailable", str(err), "queue")
        return self.router.refusal(reply.msg, "unavailable", f"the hall's database is not available right now "
                                   f"({type(err).__name__}); please retry (a retried request is applied once)",
                                   "queue")
