"""Help calls from kiosks (hall_protocol/help.py): kept per hall, published retained, and
acknowledged by a clerk at a window caller or a supervisor desk.

One open call per kiosk (pressing again while nobody came updates page and problem, and
the time); a retry with the same request id is the same call. Acknowledged calls stay on the
board for a few minutes, so the kiosk can say that somebody is coming and the supervisor sees
who went. The calls live in memory: a restarted controller shows none (a citizen still waiting
presses again); each call and acknowledgement is logged.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict

from hall_controller.errors import Forbidden, NotFound
from hall_controller.features.tickets import kiosk_only
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.contract import encode
from hall_protocol.help import HelpAck, HelpBoard, HelpCall, HelpRequest
from hall_protocol.router import Request

log = logging.getLogger(__name__)
KEEP_ACKNOWLEDGED_S = 600.0
MAX_CALLS = 20


class Help(Feature):
    def __init__(self, ctx: Context) -> None:
        self.listeners: list = []   # called with a hall whose help calls changed (the alerts)
        self.ctx = ctx
        self.calls: dict[str, OrderedDict[str, HelpCall]] = {}     # hall -> id -> call, oldest first
        self._requests: dict[tuple[str, str], str] = {}            # (kiosk, request id) -> help id
        self._acks: dict[str, str] = {}                            # ack request id -> help id
        self._acked_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        self.ctx.router.add(contract.HELP_REQUEST, self.ask, kind="help", halls=self.ctx.halls,
                            authorize=kiosk_only(self.ctx))
        self.ctx.router.add(contract.HELP_ACK, self.acknowledge, kind="help_ack", halls=self.ctx.halls,
                            authorize=self.staff_only)
        self.ctx.on_connect.append(lambda: [self.publish(h) for h in list(self.ctx.queues)])

    def staff_only(self, req: Request) -> None:
        hall = self.ctx.queues[req.hall].hall
        if not any(d.id == req.client and d.role in ("caller", "supervisor") for d in hall.devices):
            raise Forbidden(f"{req.client} is not a window caller or supervisor desk of hall {req.hall}")

    def _now(self) -> str:
        return self.ctx.clock.now().isoformat(timespec="seconds")

    def ask(self, req: Request) -> dict:
        r: HelpRequest = req.payload
        with self._lock:
            calls = self.calls.setdefault(req.hall, OrderedDict())
            known = self._requests.get((req.client, r.request_id))
            if known is not None and known in calls:
                return {"help_id": known}
            call = next((c for c in calls.values() if c.kiosk == req.client and c.state == "open"), None)
            if call is None:
                call = HelpCall(id=uuid.uuid4().hex[:16], kiosk=req.client, page=r.page, problem=r.problem,
                                elderly=r.elderly, lang=r.lang, at=self._now(), state="open")
            else:
                call = call.model_copy(update={"page": r.page, "problem": r.problem, "elderly": r.elderly,
                                               "at": self._now()})
                calls.pop(call.id)
            calls[call.id] = call
            self._requests[(req.client, r.request_id)] = call.id
            self._trim(req.hall)
        log.info("help call %s from %s on page %s%s", call.id, req.client, r.page,
                 f" ({r.problem})" if r.problem else "")
        self.publish(req.hall)
        return {"help_id": call.id}

    def acknowledge(self, req: Request) -> HelpCall:
        r: HelpAck = req.payload
        with self._lock:
            calls = self.calls.get(req.hall, OrderedDict())
            call = calls.get(r.help_id)
            if call is None:
                raise NotFound(f"no help call {r.help_id} in hall {req.hall}")
            if self._acks.get(r.request_id) == r.help_id or call.state == "acknowledged":
                return call
            by = req.client + (f" {r.clerk}" if r.clerk else "")
            call = call.model_copy(update={"state": "acknowledged", "by": by, "acknowledged_at": self._now()})
            calls[call.id] = call
            self._acks[r.request_id] = call.id
            self._acked_at[call.id] = self.ctx.clock.now().timestamp()
        log.info("help call %s of %s acknowledged by %s", call.id, call.kiosk, by)
        self.publish(req.hall)
        return call

    def _trim(self, hall: str) -> None:
        calls, now = self.calls[hall], self.ctx.clock.now().timestamp()
        for cid in [cid for cid, c in calls.items() if c.state == "acknowledged"
                    and now - self._acked_at.get(cid, now) > KEEP_ACKNOWLEDGED_S]:
            del calls[cid]
        while len(calls) > MAX_CALLS:
            calls.popitem(last=False)
        if len(self._requests) > 10 * MAX_CALLS * max(1, len(self.calls)):
            self._requests = {k: v for k, v in self._requests.items() if v in calls}

    def board(self, hall: str) -> HelpBoard:
        with self._lock:
            if hall in self.calls:
                self._trim(hall)
            calls = list(reversed(self.calls.get(hall, OrderedDict()).values()))
        return HelpBoard(hall=hall, at=self._now(), calls=calls)

    def publish(self, hall: str) -> None:
        for listener in list(self.listeners):   # the alerts look at the hall again
            listener(hall)
        self.ctx.endpoint.publish(contract.HELP_BOARD.format(hall=hall), encode(self.board(hall)), qos=1, retain=True)
