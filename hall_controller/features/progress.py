"""Every open ticket's progress, for the citizens' phones: the retained `hall/<hall>/state/tickets`
(hall_protocol.phone.QueueProgress: state, people ahead, estimate, window, by number), and the
people-ahead reminders it makes due (an SMS through the outbox, and the page shows it).

It follows the board: each published board marks its hall, and a thread of its own publishes
the marked halls' progress (one estimate replay per hall, off the request worker), at most
every `min_interval_s` per burst. A reminder's SMS is enqueued in the outbox under a key of
hall, day, ticket and threshold before the threshold is marked reminded: a crash between the
two finds the key taken and sends nothing twice.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from operator import attrgetter

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.backend.outbox import DuplicateItem, Outbox
from hall_controller.core.estimate import estimates_min, snapshot
from hall_controller.core.forecast import PAUSE_EVERY
from hall_controller.core.phones import PhoneBook, PhoneEntry, due, sms_key
from hall_controller.core.queue import FINAL, HallQueue, Ticket
from hall_controller.features.phone import people_ahead_of_all
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import encode, stamp
from hall_protocol.phone import QueueProgress

log = logging.getLogger(__name__)
FINISHED_KEPT_S = 600.0  # a finished ticket stays in the progress this long (its page shows the end)
WORK_SHARE = 50  # the interval between a hall's publications is at least this many times their work
FACTS = attrgetter("number", "state", "window", "recalls", "requeues")


class Progress(Feature):
    def __init__(self, ctx: Context, book: PhoneBook, outbox: Outbox, *, min_interval_s: float = 1.0) -> None:
        self.ctx, self.book, self.outbox, self.min_interval_s = ctx, book, outbox, min_interval_s
        self.published = 0
        self.reminders_sent = 0
        self._dirty: set[str] = set()
        self._cv = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.ctx.hall.board_hooks.append(self.changed)
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="ticket-progress", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cv:
            self._stop = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def changed(self, hall: str) -> None:
        """A board of `hall` went out: its progress soon (called on the publishing thread)."""
        with self._cv:
            self._dirty.add(hall)
            self._cv.notify()

    def _run(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._dirty or self._stop)
                if self._stop:
                    return
                halls, self._dirty = self._dirty, set()
            began = time.monotonic()
            for hall in halls:
                try:
                    self.publish(hall)
                except SQLAlchemyError as err:  # the next change tries again
                    log.error("ticket progress of %s not published: %s", hall, err)
                except Exception:  # the thread must outlive any surprise; it is logged
                    log.exception("ticket progress of %s", hall)
            # a burst of changes makes one publication per interval; a hall with thousands
            # waiting (tens of milliseconds a publication) is published less often, so that the
            # progress never takes more than 1/WORK_SHARE of the interpreter from the requests
            pause = max(self.min_interval_s, (time.monotonic() - began) * WORK_SHARE)
            with self._cv:
                self._cv.wait_for(lambda: self._stop, timeout=pause)

    # -- one hall ------------------------------------------------------------------------
    def progress(self, q: HallQueue) -> tuple[bytes, dict[str, int | None], str]:
        """The hall's progress now (a QueueProgress, encoded), people ahead by number, and its
        day. The hall's lock is held only to copy what each ticket shows and the lines (the
        worker waits that long); the estimates, the people ahead and the rows are made after."""
        with q.journal.lock:   # what is read under it is read by C code, ticket by ticket (3,300 waiting: 1-2 ms)
            q.fresh()
            now = q.now()
            recent: dict[str, Ticket] = {}
            for t in reversed(q.ended):   # in the order they ended: the recent ones are last
                if t.finished_at is not None and now - t.finished_at >= FINISHED_KEPT_S:
                    break
                recent.setdefault(t.number, t)
            live = q.live
            shown = [*live.values(), *(t for n, t in recent.items() if n not in live and t.state in FINAL
                                       and t.finished_at is not None)]
            entries = self.book.entries(q.hall.id, q.day)
            facts = list(map(FACTS, shown))
            snap = snapshot(q, copy=True)   # the lines, copied: for the estimates and the people ahead
            day = q.day
        give_way = self.ctx.worker.give_way   # between pieces, while requests wait or run
        waits = estimates_min(q, snap, pause=give_way)
        lines = {k: entries.line for k, entries in snap.lines.items()}
        ahead = people_ahead_of_all(lines, ((t, f[1]) for t, f in zip(shown, facts)))
        rows = []
        for f in sorted(facts):
            rows.append(self._row(f, ahead[f[0]], waits.get(f[0]), entries.get(f[0])))
            if len(rows) % PAUSE_EVERY == 0:
                give_way()
        remote = q.hall.remote
        left = {code: max(0, n - self.book.remote_count(q.hall.id, day, code))
                for code, n in (remote.quota.items() if remote else ())}
        envelope = QueueProgress(hall=q.hall.id, day=day, seq=self.ctx.hall.next_seq(), at=q.iso(now) or "",
                                 tickets=[], remote_left=left,
                                 check_in_required=bool(remote and remote.check_in == "required"))
        # the rows are written as the model writes them (tests/hall_controller/features/test_progress.py
        # reads them back and writes them again), without making 3,300 models a second
        return stamp(encode(envelope), "tickets", "[]", json.dumps(rows, ensure_ascii=False,
                                                                    separators=(",", ":"))), ahead, day

    @staticmethod
    def _row(facts: tuple, ahead: int | None, wait: float | None, entry: PhoneEntry | None) -> dict:
        """A TicketProgress, its fields in their order."""
        number, state, window, recalls, requeues = facts
        return {"number": number, "state": state, "ahead": ahead, "wait_min": wait if state == "waiting" else None,
                "window": window if state in ("called", "serving", "done") else None,
                "recalls": recalls, "requeued": requeues > 0 and state == "waiting",
                "reminded": list(entry.reminded) if entry else []}

    def publish(self, hall: str) -> None:
        q = self.ctx.queues.get(hall)
        if q is None:
            return
        body, ahead, day = self.progress(q)
        if self._remind(q, day, ahead):
            body, _, _ = self.progress(q)  # with the thresholds just reminded
        self.ctx.endpoint.publish(contract.TICKETS_STATE.format(hall=hall), body, qos=1, retain=True)
        self.published += 1

    def _remind(self, q: HallQueue, day: str, ahead: dict[str, int | None]) -> bool:
        """Send the reminders now due (each threshold once); True when any was."""
        sent = False
        for entry in list(self.book.entries(q.hall.id, day).values()):
            t = q.tickets.get(entry.number)
            if t is None or t.state != "waiting" or not entry.reminders:
                continue
            reached = due(entry, ahead.get(entry.number))
            if not reached:
                continue
            if entry.recipient:  # one SMS for the thresholds reached together
                params = {"hall": q.hall.name, "ticket": t.number, "ahead": str(ahead[entry.number])}
                try:
                    self.outbox.enqueue("sms", {"recipient_id": entry.recipient, "template": "queue_reminder",
                                                "params": params},
                                        key=sms_key(q.hall.id, day, t.number, min(reached)))
                    self.reminders_sent += 1
                except DuplicateItem:
                    pass  # enqueued before a crash: not twice
            self.book.update(entry, reminded=tuple(sorted({*entry.reminded, *reached}, reverse=True)))
            log.info("reminder of %s at %s: %s ahead", t.number, q.hall.id, ahead[entry.number])
            sent = True
        return sent
