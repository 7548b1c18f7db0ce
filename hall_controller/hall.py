"""What every feature shares: the context a feature is built with, and the hall's publisher
(the retained board and window states with their sequence, the call events and the hooks
that follow a call). Features get a `Context`; none of them imports the service that
composes them."""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from config.schema import HallSuiteConfig
from drivers.core.clock import Clock
from hall_controller.core import calling
from hall_controller.core.board import build_board, shown, window_state
from hall_controller.core.calling import ticket_data
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import HallError, Unavailable
from hall_controller.store.journal import Journal
from hall_controller.worker import RequestWorker
from hall_protocol import contract
from hall_protocol.contract import CallEvent, CallInfo, QueuedTicket, WindowView, encode, stamp
from hall_protocol.mqtt import Endpoint
from hall_protocol.phrasing import call_texts
from hall_protocol.router import Router

log = logging.getLogger(__name__)

CallHook = Callable[[HallQueue, Ticket, int], None]
WINDOW_WAITING = 50  # tickets a window's state lists
ORDER_REFRESH_S = 60.0  # how often a window whose order moves with time alone is looked at again
LISTS_EVERY_S = 1.0     # a hall's windows whose waiting lists alone changed go out at most this often
LISTS_PACE_S = 0.004    # between two window states of such a pass (60 windows: 0.24 s)
LOOKS = 64              # windows looked at in one piece of idle work at most (a request waits for one piece)


def unavailable(err: SQLAlchemyError) -> Unavailable:
    """A database failure as the answer a requester can act on (retry with the same id)."""
    log.error("database error: %s", err)
    return Unavailable(f"the hall's database is not available right now ({type(err).__name__}); "
                       "please retry (a retried request is applied once)")


class HallPublisher:
    """Publishes what the halls show: the retained board and each window's retained state
    (one increasing sequence across restarts and owners), the call events, then the call
    hooks (the guide robot). A change marks its hall; the marked halls' boards go out once
    per burst (`flush`, run by the request worker after each batch), and only when what
    they show changed. The window states follow in the worker's idle time, one window at a
    time (`publish_views`): a request that arrives meanwhile waits for one window's state at
    most, not for all of a 60-window hall's. A window whose own row or ticket changed goes out
    at once; windows whose waiting lists alone changed (every window of a hall, after any call)
    go out together at most every LISTS_EVERY_S per hall, with the lists of that moment: a busy
    60-window hall published 60 states after every call, and every answer queued behind them."""

    def __init__(self, endpoint: Endpoint, queues: dict[str, HallQueue], clock: Clock, controller_id: str) -> None:
        self.endpoint, self.queues, self.clock, self.controller_id = endpoint, queues, clock, controller_id
        self.call_hooks: list[CallHook] = []
        self.board_hooks: list[Callable[[str], None]] = []  # after a hall's board went out (returns at once)
        # after a window command is stored: hook(q, cmd, outcome, ticket current before it) (rating pads)
        self.window_hooks: list[Callable] = []
        # after a rating is stored (not a retry): hook(q, the rated Ticket, score, reasons) (alerts, follow-up cases)
        self.rating_hooks: list[Callable] = []
        self.wake: Callable[[], None] | None = None  # the worker's: publish marked boards soon
        self.boards = 0
        self._seq = 0
        self._seq_lock = threading.Lock()
        self._dirty: set[str] = set()
        self._shown: dict[str, bytes] = {}       # hall -> its board without seq and time
        self._windows: dict[tuple[str, int], bytes] = {}
        self._inputs: dict[tuple[str, int], tuple] = {}  # what each window's state was made from
        # hall -> (the hall's change count, calling key -> waiting list): windows that call alike
        # share one list per change (a 60-window hall made 60 equal lists after every call)
        self._waiting: dict[str, tuple[tuple, dict[tuple, list[QueuedTicket]]]] = {}
        self._refreshed_at = 0.0
        self._views: set[str] = set()             # halls whose window states may have changed
        self._view_queue: deque[tuple[str, int, bool]] = deque()  # (hall, window, with its list) to look at
        self._lists_due: dict[str, float] = {}    # hall -> when (monotonic) its lists may go out again
        self._deferred: dict[str, float] = {}     # hall -> when to look again at lists held back

    def next_seq(self) -> int:
        with self._seq_lock:
            # Clock based so that a restarted controller, or the hall's next owner, counts upwards.
            self._seq = max(self._seq + 1, int(self.clock.now().timestamp() * 1000))
            return self._seq

    def changed(self, q: HallQueue) -> None:
        """After a stored change: automatic calls (when the hall has them), then the board soon."""
        try:
            outcomes = calling.auto_dispatch(q)
        except (HallError, SQLAlchemyError) as err:  # the answer is sent already; the next change retries
            log.warning("automatic call in %s failed: %s", q.hall.id, err)
            outcomes = []
        for out in outcomes:
            self.publish_call(q, out.ticket, out.ticket.window)
        self.mark(q.hall.id)

    def mark(self, hall: str) -> None:
        with self._seq_lock:
            self._dirty.add(hall)
        if self.wake is not None:
            self.wake()
        else:
            self.flush()

    def flush(self) -> None:
        """Publish the board (and window states) of every hall changed since the last flush."""
        with self._seq_lock:
            halls, self._dirty = self._dirty, set()
        for hall in halls:
            if hall in self.queues:
                # with a worker, the window states follow in its idle time
                self.publish_board(hall, force=False, views=self.wake is None)

    @property
    def views_pending(self) -> bool:
        return bool(self._view_queue or self._views)

    def publish_views(self, budget: int = 1) -> bool | float:
        """Rebuild and publish up to `budget` window states whose inputs changed (the request
        worker calls it while no request waits). True while more is waiting now; the seconds
        until held-back waiting lists are due; False when nothing is left."""
        now = time.monotonic()
        with self._seq_lock:
            for hall, due in list(self._deferred.items()):
                if due <= now:
                    del self._deferred[hall]
                    self._views.add(hall)
            queued = {h for h, _, _ in self._view_queue}
            looks = [(hall, self.queues.get(hall)) for hall in self._views - queued]
            self._views -= self._views - queued
        for hall, q in looks:
            if q is None:
                continue
            # one pass over the hall's windows with their lists, or over the windows touched since
            # the last pass (a 60-window hall's 60 looks after every call took 0.6-0.9 ms)
            with q.journal.lock:
                touched = q.take_touched()
            with self._seq_lock:
                lists = self._lists_due.get(hall, 0.0) <= now
                if lists:
                    self._lists_due[hall] = now + LISTS_EVERY_S
                else:   # the lists of the windows not looked at now go out with the hall's next ones
                    self._deferred.setdefault(hall, self._lists_due[hall])
                self._view_queue.extend((hall, w.number, lists) for w in q.hall.windows
                                        if lists or touched is None or w.number in touched)
        done = looked = 0
        while self._view_queue and done < budget and looked < LOOKS:
            looked += 1
            hall, window, lists = self._view_queue.popleft()
            q = self.queues.get(hall)
            if q is None:
                continue
            try:
                with q.journal.lock:
                    view, held = self._window_view(q, window, force=False, lists=lists)
            except SQLAlchemyError as err:
                log.error("window state %s/%s not published: %s", hall, window, err)
                continue
            if held:
                with self._seq_lock:
                    self._deferred.setdefault(hall, self._lists_due.get(hall, now))
            if view is not None:
                self._publish_view(hall, view, None, force=False)
                done += 1
                if lists and self._view_queue:   # a pass of lists, paced: answers never queue behind it
                    return LISTS_PACE_S
        if self.views_pending:
            return True
        with self._seq_lock:
            return max(0.001, min(self._deferred.values()) - now) if self._deferred else False

    def refresh_views(self) -> None:
        """Look again, in the worker's idle time, at the window states of halls with tickets
        waiting: a window serving services of different weights calls in an order that moves
        as the tickets wait, with no change to its lines (housekeeping; at most every ORDER_REFRESH_S);
        a window whose list came out the same is not made again."""
        now = self.clock.now().timestamp()
        if now - self._refreshed_at < ORDER_REFRESH_S:
            return
        self._refreshed_at = now
        with self._seq_lock:   # only halls with a window whose order moves (a city's 352 halls took 0.3 s)
            self._views.update(h for h, q in self.queues.items()
                               if q.live and any(q.order_moves(w.number) for w in q.hall.windows))
        if self.wake is not None:
            self.wake()

    def forget(self, hall: str) -> None:
        """A hall this process no longer owns: its next owner publishes it."""
        self._shown.pop(hall, None)
        for key in [k for k in self._windows if k[0] == hall]:
            del self._windows[key]
        for key in [k for k in self._inputs if k[0] == hall]:
            del self._inputs[key]
        self._waiting.pop(hall, None)
        self._lists_due.pop(hall, None)
        with self._seq_lock:
            self._views.discard(hall)
            self._deferred.pop(hall, None)
            self._view_queue = deque(k for k in self._view_queue if k[0] != hall)

    def publish_board(self, hall: str, force: bool = True, views: bool = True) -> None:
        """The board first (what the hall's screens wait for), then the window states whose
        inputs changed (at once, or with `views=False` in the worker's idle time): each is
        rebuilt only when its own row, its current ticket or a line of the services it calls
        changed, and published only when what it shows changed."""
        q = self.queues[hall]
        try:
            with q.journal.lock:
                board = build_board(q, 0)
        except SQLAlchemyError as err:  # the screens keep the last board; the next change sends a new one
            log.error("board of %s not published: %s", hall, err)
            return
        updated_at = board.updated_at
        # encoded once, without its time and sequence: what it shows, and with them put in, what is sent
        shown = encode(board.model_copy(update={"controller": self.controller_id, "updated_at": ""}))
        seq = None
        if force or self._shown.get(hall) != shown:
            self._shown[hall] = shown
            seq = self.next_seq()
            body = stamp(stamp(shown, "seq", "0", str(seq)), "updated_at", '""', json.dumps(updated_at))
            self.endpoint.publish(contract.BOARD.format(hall=hall), body, qos=1, retain=True)
            self.boards += 1
            for hook in self.board_hooks:
                hook(hall)
        if not views:
            with self._seq_lock:
                self._views.add(hall)
            return
        for w in q.hall.windows:
            try:
                with q.journal.lock:
                    view, _ = self._window_view(q, w.number, force)
            except SQLAlchemyError as err:
                log.error("window states of %s not published: %s", hall, err)
                return
            if view is not None:
                self._publish_view(hall, view, seq, force)

    def _publish_view(self, hall: str, view: WindowView, seq: int | None, force: bool) -> None:
        key = (hall, view.window)
        version = view.version
        body = encode(view.model_copy(update={"version": 0, "seq": 0}))
        if force or self._windows.get(key) != body:
            self._windows[key] = body
            seq = seq if seq is not None else self.next_seq()
            self.endpoint.publish(contract.WINDOW_STATE.format(hall=hall, window=view.window),
                                  stamp(stamp(body, "seq", "0", str(seq)), "version", "0", str(version)),
                                  qos=contract.WINDOW_STATE.qos, retain=True)

    def _window_view(self, q: HallQueue, window: int, force: bool,
                     lists: bool = True) -> tuple[WindowView | None, bool]:
        """The window's state, or None when its inputs did not change since it was last made
        (under the hall's lock); with `lists=False`, also None when only its waiting list
        changed, and then True second (held back). Its `version` is the hall's change count
        when it was made."""
        w = q.hall.window(window)
        row, cur = q.windows[w.number], q.current(w.number)
        state = window_state(q, w.number)
        own = (q.day, state, row.clerk, row.known,
               None if cur is None else (cur.number, cur.state, cur.recalls, cur.called_at, cur.started_at))
        key = (q.hall.id, w.number)
        before = self._inputs.get(key)
        lines = tuple(q.line_changes.get(s, 0) for s in w.services)
        if not force and not lists and before is not None and before[0] == own:
            if before[1] == lines and not q.order_moves(w.number):
                return None, False
            return None, True      # its list alone may have changed: with the hall's next lists
        inputs = (own, lines,
                  # an order that moves with time alone: the list itself (made once per calling key)
                  tuple(t.number for t in self._waiting_list(q, w.number)) if q.order_moves(w.number) else 0)
        if not force and before == inputs:
            return None, False
        self._inputs[key] = inputs
        return WindowView(
            hall=q.hall.id, window=w.number, day=q.day, seq=0, version=q.version, state=state,
            clerk=row.clerk if row.known else None, ticket=ticket_data(q, cur),
            waiting=self._waiting_list(q, w.number),
            waiting_total=q.waiting_total_for(w.number)), False

    def _waiting_list(self, q: HallQueue, window: int) -> list[QueuedTicket]:
        """The first tickets the window would call (under the hall's lock), made once per
        change of the hall (and per ORDER_REFRESH_S) for all the windows that call alike."""
        version = (q.day, q.version, int(q.now() // ORDER_REFRESH_S))
        made, lists = self._waiting.get(q.hall.id, (None, {}))
        if made != version:
            lists = {}
            self._waiting[q.hall.id] = (version, lists)
        key = q.calling_key(window)
        out = lists.get(key)
        if out is None:
            parts = shown(q)
            out = lists[key] = [parts.one(("queued", t.number, t.service, t.priority, t.issued_at),
                                          lambda: QueuedTicket(number=t.number, service=t.service,
                                                               priority=t.priority, issued_at=q.iso(t.issued_at)))
                                for t in q.ordered_for(window, WINDOW_WAITING)]
        return out

    def rated(self, q: HallQueue, t: Ticket, score: int, reasons: list[str]) -> None:
        """A new rating was stored (from a kiosk, a window's pad or a phone): the rating hooks
        (a bad one raises an alert and opens a follow-up case)."""
        for hook in self.rating_hooks:
            hook(q, t, score, list(reasons))

    def publish_call(self, q: HallQueue, t: Ticket, window: int) -> None:
        zh, en = call_texts(t.number, window)
        call = CallInfo(window=window, ticket=t.number, service=t.service,
                        service_name=q.hall.service(t.service).name, at=q.iso(t.called_at) or "", recall=t.recalls)
        self.endpoint.publish(contract.CALL_EVENT.format(hall=q.hall.id),
                              encode(CallEvent(hall=q.hall.id, call=call, text_zh=zh, text_en=en)), qos=1)
        for hook in self.call_hooks:  # each returns at once (the robot never delays a call)
            hook(q, t, window)


@dataclass
class Context:
    """What a feature is built with. Constructors only store it; work starts in start()."""

    config: HallSuiteConfig
    engine: Engine
    clock: Clock
    endpoint: Endpoint
    router: Router
    queues: dict[str, HallQueue]
    hall: HallPublisher
    journal: Journal
    worker: RequestWorker
    on_connect: list[Callable[[], None]] = field(default_factory=list)  # after every (re)connect
    on_reload: list[Callable[[], None]] = field(default_factory=list)   # after a hall file read again is applied

    @property
    def halls(self) -> list[str]:
        return list(self.queues)


class Feature:
    """A part of the controller built from configuration: `start()` before the endpoint
    connects (subscribe, start threads), `stop()` at the end."""

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

