"""What every feature shares: the context a feature is built with, and the hall's publisher
(the retained board and window states with their sequence, the call events and the hooks
that follow a call). Features get a `Context`; none of them imports the service that
composes them."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from config.schema import HallSuiteConfig
from drivers.core.clock import Clock
from hall_controller.core import calling
from hall_controller.core.board import build_board
from hall_controller.core.calling import ticket_data
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import HallError, Unavailable
from hall_controller.store.journal import Journal
from hall_controller.worker import RequestWorker
from hall_protocol import contract
from hall_protocol.contract import Board, CallEvent, CallInfo, QueuedTicket, WindowView, encode
from hall_protocol.mqtt import Endpoint
from hall_protocol.phrasing import call_texts
from hall_protocol.router import Router

log = logging.getLogger(__name__)

CallHook = Callable[[HallQueue, Ticket, int], None]
WINDOW_WAITING = 50  # tickets a window's state lists


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
    they show changed."""

    def __init__(self, endpoint: Endpoint, queues: dict[str, HallQueue], clock: Clock, controller_id: str) -> None:
        self.endpoint, self.queues, self.clock, self.controller_id = endpoint, queues, clock, controller_id
        self.call_hooks: list[CallHook] = []
        self.wake: Callable[[], None] | None = None  # the worker's: publish marked boards soon
        self.boards = 0
        self._seq = 0
        self._seq_lock = threading.Lock()
        self._dirty: set[str] = set()
        self._shown: dict[str, bytes] = {}       # hall -> its board without seq and time
        self._windows: dict[tuple[str, int], bytes] = {}

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
                self.publish_board(hall, force=False)

    def forget(self, hall: str) -> None:
        """A hall this process no longer owns: its next owner publishes it."""
        self._shown.pop(hall, None)
        for key in [k for k in self._windows if k[0] == hall]:
            del self._windows[key]

    def publish_board(self, hall: str, force: bool = True) -> None:
        q = self.queues[hall]
        try:
            with q.journal.lock:
                board = build_board(q, 0)
                views = self._window_views(q, board)
        except SQLAlchemyError as err:  # the screens keep the last board; the next change sends a new one
            log.error("board of %s not published: %s", hall, err)
            return
        board = board.model_copy(update={"controller": self.controller_id})
        shown = encode(board.model_copy(update={"updated_at": ""}))
        if not force and self._shown.get(hall) == shown:
            return
        self._shown[hall] = shown
        board = board.model_copy(update={"seq": self.next_seq()})
        self.endpoint.publish(contract.BOARD.format(hall=hall), encode(board), qos=1, retain=True)
        self.boards += 1
        for view in views:
            key = (hall, view.window)
            body = encode(view)
            if force or self._windows.get(key) != body:
                self._windows[key] = body
                view = view.model_copy(update={"seq": board.seq})
                self.endpoint.publish(contract.WINDOW_STATE.format(hall=hall, window=view.window), encode(view),
                                      qos=1, retain=True)

    @staticmethod
    def _window_views(q: HallQueue, board: Board) -> list[WindowView]:
        """Each window's state as its caller shows it (under the hall's lock)."""
        states = {w.window: w for w in board.windows}
        out = []
        for w in q.hall.windows:
            row, cur = q.windows[w.number], q.current(w.number)
            out.append(WindowView(
                hall=q.hall.id, window=w.number, day=q.day, seq=0, version=q.version, state=states[w.number],
                clerk=row.clerk if row.known else None, ticket=ticket_data(q, cur),
                waiting=[QueuedTicket(number=t.number, service=t.service, priority=t.priority,
                                      issued_at=q.iso(t.issued_at)) for t in q.ordered_for(w.number, WINDOW_WAITING)],
                waiting_total=q.waiting_total_for(w.number)))
        return out

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

