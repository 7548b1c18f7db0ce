"""What every feature shares: the context a feature is built with, and the hall's publisher
(the retained board with its sequence, the call events and the hooks that follow a call).
Features get a `Context`; none of them imports the service that composes them."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from config.schema import HallSuiteConfig
from drivers.core.clock import Clock
from hall_controller.core import calling
from hall_controller.core.board import build_board
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import HallError, Unavailable
from hall_protocol import contract
from hall_protocol.contract import CallEvent, CallInfo, encode
from hall_protocol.mqtt import Endpoint
from hall_protocol.phrasing import call_texts
from hall_protocol.router import Router

log = logging.getLogger(__name__)

CallHook = Callable[[HallQueue, Ticket, int], None]


def unavailable(err: SQLAlchemyError) -> Unavailable:
    """A database failure as the answer a requester can act on (retry with the same id)."""
    log.error("database error: %s", err)
    return Unavailable(f"the hall's database is not available right now ({type(err).__name__}); "
                       "please retry (a retried request is applied once)")


class HallPublisher:
    """Publishes what the halls show: the retained board (one increasing sequence across
    restarts) and the call events, then runs the call hooks (the guide robot)."""

    def __init__(self, endpoint: Endpoint, queues: dict[str, HallQueue]) -> None:
        self.endpoint, self.queues = endpoint, queues
        self.call_hooks: list[CallHook] = []
        self._seq = 0
        self._seq_lock = threading.Lock()

    def next_seq(self) -> int:
        with self._seq_lock:
            # Wall-clock based so that a restarted controller still counts upwards.
            self._seq = max(self._seq + 1, int(time.time() * 1000))
            return self._seq

    def publish_board(self, hall: str) -> None:
        try:
            board = build_board(self.queues[hall], self.next_seq())
        except SQLAlchemyError as err:  # the screens keep the last board; the next change sends a new one
            log.error("board of %s not published: %s", hall, err)
            return
        self.endpoint.publish(contract.BOARD.format(hall=hall), encode(board), qos=1, retain=True)

    def publish_call(self, q: HallQueue, t: Ticket, window: int) -> None:
        zh, en = call_texts(t.number, window)
        call = CallInfo(window=window, ticket=t.number, service=t.service,
                        service_name=q.hall.service(t.service).name, at=q.iso(t.called_at) or "", recall=t.recalls)
        self.endpoint.publish(contract.CALL_EVENT.format(hall=q.hall.id),
                              encode(CallEvent(hall=q.hall.id, call=call, text_zh=zh, text_en=en)), qos=1)
        for hook in self.call_hooks:  # each returns at once (the robot never delays a call)
            hook(q, t, window)

    def changed(self, q: HallQueue) -> None:
        """After a committed change: automatic calls (when the hall has them), then the board."""
        try:
            outcomes = calling.auto_dispatch(q)
        except (HallError, SQLAlchemyError) as err:  # the answer is sent already; the next change retries
            log.warning("automatic call in %s failed: %s", q.hall.id, err)
            outcomes = []
        for out in outcomes:
            self.publish_call(q, out.ticket, out.ticket.window)
        self.publish_board(q.hall.id)


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
