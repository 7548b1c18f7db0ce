"""The hall controller service: owns the queues of its halls and speaks the MQTT contract.

Each request is validated against its payload model; a malformed or unauthorised one is
answered with an error Response (when it has a response topic), counted, and never
changes state. State changes are committed before the answer, then the retained board and
the call event are published.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter

import paho.mqtt.client as paho
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from config.schema import HallConfig, HallSuiteConfig
from drivers.core.clock import Clock, SystemClock
from hall_controller.core import calling
from hall_protocol import contract
from hall_controller.features.backend_link import BackendLink
from hall_controller.core.board import build_board
from hall_protocol.contract import (
    CallEvent, Presence, Response, TicketInfo, TicketRequest, WindowCommand, encode,
)
from hall_controller.errors import BadRequest, Forbidden, HallError, Unavailable
from hall_controller.core.estimate import estimate_wait_min
from hall_protocol.mqtt import Endpoint
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.features.robot import RobotCoordinator

log = logging.getLogger(__name__)


def call_texts(ticket: str, window: int) -> tuple[str, str]:
    return (f"请 {ticket} 号到 {window} 号窗口办理",
            f"Ticket {ticket}, please go to window {window}")


class HallController:
    HOUSEKEEPING_S = 15.0  # how often the day boundary is checked
    def __init__(self, config: HallSuiteConfig, engine, *, clock: Clock | None = None,
                 password: str | None = None) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.queues = {h.id: HallQueue(engine, h, self.clock) for h in config.halls}
        self.rejected: Counter[str] = Counter()
        self.handled = 0
        self._board_seq = 0
        self._seq_lock = threading.Lock()
        self._days: dict[str, str] = {}
        self._stopping = threading.Event()
        cid = config.controller_id
        self.presence_topic = contract.PRESENCE.format(client=cid)
        offline = Presence(state="offline", role="controller", halls=list(self.queues))
        self.endpoint = Endpoint(cid, config.broker.host, config.broker.port,
                                 username=config.broker.username or cid,
                                 password=password if password is not None else config.broker.password,
                                 will=(self.presence_topic, encode(offline)), keepalive=config.broker.keepalive)
        self.endpoint.on_connection_change = self._connection_changed
        self.backend = BackendLink(self, engine)
        self.robot = RobotCoordinator(self)  # the guide robot (docs/robot.md)

    # -- lifecycle -----------------------------------------------------------------------
    def housekeeping(self) -> None:
        """At start and whenever a hall's service day changes: close the old day, show the new."""
        for hall, q in self.queues.items():
            day = q.today()
            if self._days.get(hall) == day:
                continue
            q.roll_over()
            self._days[hall] = day
            if self.endpoint.connected.is_set():
                self.publish_board(hall)

    def _housekeeping_loop(self) -> None:
        while not self._stopping.wait(self.HOUSEKEEPING_S):
            try:
                self.housekeeping()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
                log.exception("housekeeping failed")

    def start(self, timeout: float = 10.0) -> None:
        self.housekeeping()
        threading.Thread(target=self._housekeeping_loop, name="housekeeping", daemon=True).start()
        for hall in self.queues:
            self.endpoint.subscribe(contract.TICKET_REQUEST.format(hall=hall, client="+"), self._on_ticket)
            self.endpoint.subscribe(contract.WINDOW_REQUEST.format(hall=hall, client="+"), self._on_window)
        self.backend.start()
        self.robot.start()
        self.endpoint.start(timeout)

    def stop(self) -> None:
        self._stopping.set()
        self.robot.stop()
        self.backend.stop()
        self.endpoint.publish(self.presence_topic, encode(Presence(state="offline", role="controller",
                                                                    halls=list(self.queues))), retain=True)
        self.endpoint.stop()

    def _connection_changed(self, up: bool) -> None:
        if not up:
            return
        # After every (re)connect: say we are here and republish every board, so screens
        # that connected meanwhile, or a broker that restarted empty, have the state at once.
        self.endpoint.publish(self.presence_topic, encode(Presence(
            state="online", role="controller", halls=list(self.queues), at=self.clock.now().isoformat())),
            retain=True)
        for hall in self.queues:
            self.publish_board(hall)

    # -- publishing ----------------------------------------------------------------------
    def next_seq(self) -> int:
        with self._seq_lock:
            # Wall-clock based so that a restarted controller still counts upwards.
            self._board_seq = max(self._board_seq + 1, int(time.time() * 1000))
            return self._board_seq

    def publish_board(self, hall: str) -> None:
        try:
            board = build_board(self.queues[hall], self.next_seq())
        except SQLAlchemyError as err:  # the screens keep the last board; the next change sends a new one
            log.error("board of %s not published: %s", hall, err)
            return
        self.endpoint.publish(contract.BOARD.format(hall=hall), encode(board), qos=1, retain=True)

    def _publish_call(self, q: HallQueue, t: Ticket, window: int) -> None:
        zh, en = call_texts(t.number, window)
        call = contract.CallInfo(window=window, ticket=t.number, service=t.service,
                                 service_name=q.hall.service(t.service).name, at=q.iso(t.called_at) or "",
                                 recall=t.recalls)
        self.endpoint.publish(contract.CALL_EVENT.format(hall=q.hall.id),
                              encode(CallEvent(hall=q.hall.id, call=call, text_zh=zh, text_en=en)), qos=1)
        self.robot.on_call(q, t, window)  # returns at once; the robot never delays a call

    # -- request handling ----------------------------------------------------------------
    @staticmethod
    def _topic_parts(topic: str) -> tuple[str, str]:
        parts = topic.split("/")  # hall/<hall>/request/<kind>/<client>
        return parts[1], parts[4]

    @staticmethod
    def _unavailable(err: SQLAlchemyError) -> Unavailable:
        log.error("database error: %s", err)
        return Unavailable(f"the hall's database is not available right now ({type(err).__name__}); "
                           "please retry (a retried request is applied once)")

    def _reply(self, msg: paho.MQTTMessage, response: Response) -> None:
        self.endpoint.respond(msg, encode(response))

    def _reject(self, msg: paho.MQTTMessage, err: HallError | ValidationError | ValueError, kind: str) -> None:
        code = err.code if isinstance(err, HallError) else "bad_request"
        self.rejected[code] += 1
        if isinstance(err, ValidationError):
            text = contract.describe(err)
        else:
            text = str(err)
        log.warning("rejected %s request on %s: %s %s", kind, msg.topic, code, text)
        corr = getattr(msg.properties, "CorrelationData", None) if msg.properties else None
        self._reply(msg, Response(status="error", error=text, code=code,
                                  transaction=corr.hex() if corr else None))

    def _parse(self, msg: paho.MQTTMessage, model):
        try:
            data = json.loads(msg.payload)
        except ValueError as err:
            raise BadRequest(f"payload is not JSON: {err}") from err
        if not isinstance(data, dict):
            raise BadRequest("payload must be a JSON object")
        return model.model_validate(data)

    def _on_ticket(self, msg: paho.MQTTMessage) -> None:
        try:
            hall, client = self._topic_parts(msg.topic)
            q = self.queues[hall]
            if not any(d.id == client and d.role == "kiosk" for d in q.hall.devices):
                raise Forbidden(f"{client} is not a kiosk of hall {hall}")
            req: TicketRequest = self._parse(msg, TicketRequest)
            ticket, created = q.issue(req.service, f"{client}:{req.request_id}", source=client,
                                      priority=req.priority, appointment_code=req.appointment_code, lang=req.lang,
                                      guide=req.guide)
            info = self.ticket_info(q, ticket)
        except (HallError, ValidationError) as err:
            self._reject(msg, err, "ticket")
            return
        except SQLAlchemyError as err:  # a retry with the same request id is safe
            self._reject(msg, self._unavailable(err), "ticket")
            return
        self.handled += 1
        self._reply(msg, Response(status="ok", data=info.model_dump()))
        if created:
            self._auto_call(q)
            self.publish_board(hall)

    def ticket_info(self, q: HallQueue, t: Ticket) -> TicketInfo:
        svc = q.hall.service(t.service)
        ahead = q.people_ahead(t)
        return TicketInfo(
            number=t.number, service=t.service, service_name=svc.name, service_name_en=svc.name_en,
            area=svc.area, area_en=svc.area_en, people_ahead=ahead,
            estimated_wait_min=estimate_wait_min(q, t), issued_at=q.iso(t.issued_at) or "",
            day=t.day, priority=t.priority, qr_url=q.hall.ticket_url.format(hall=q.hall.id, ticket=t.number),
            hall_name=q.hall.name, hall_name_en=q.hall.name_en)

    def _caller_window(self, hall: HallConfig, client: str) -> int | None:
        for d in hall.devices:
            if d.id == client and d.role == "caller":
                return d.window
        return None

    def _on_window(self, msg: paho.MQTTMessage) -> None:
        try:
            hall, client = self._topic_parts(msg.topic)
            q = self.queues[hall]
            cmd: WindowCommand = self._parse(msg, WindowCommand)
            allowed = self._caller_window(q.hall, client)
            if client != self.config.controller_id and allowed != cmd.window:
                raise Forbidden(f"{client} may not command window {cmd.window}")
            outcome = calling.apply(q, cmd)
        except (HallError, ValidationError) as err:
            self._reject(msg, err, "window")
            return
        except SQLAlchemyError as err:
            self._reject(msg, self._unavailable(err), "window")
            return
        self.handled += 1
        self._reply(msg, Response(status="ok", data=outcome.to_data(q)))
        if outcome.announce and outcome.ticket is not None:
            self._publish_call(q, outcome.ticket, cmd.window)
        if cmd.action != "status":
            self._auto_call(q)
            self.publish_board(hall)

    def _auto_call(self, q: HallQueue) -> None:
        """With the hall's auto_call: call waiting tickets to the windows idle longest."""
        try:
            outcomes = calling.auto_dispatch(q)
        except (HallError, SQLAlchemyError) as err:  # the answer is sent already; the next change retries
            log.warning("automatic call in %s failed: %s", q.hall.id, err)
            return
        for out in outcomes:
            self._publish_call(q, out.ticket, out.ticket.window)
