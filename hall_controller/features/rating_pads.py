"""The rating pads at the windows (hall_protocol/rating_pad.py): what each pad shows, and the
ratings they send.

After every stored window command the pad of that window is told what to show, retained: the
ticket being served, or, when the clerk finished a ticket (by "finish", or by calling the next
one), an invitation to rate that ticket. A pad's rating is accepted only for a ticket served at
its own window, stored in the durable outbox (one per ticket: a retry is answered as a
duplicate, a different second rating refused), and passed to the rating hooks (a bad one
raises an alert and opens a follow-up case).
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.backend.outbox import Outbox
from hall_controller.core import ratings
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import Forbidden
from hall_controller.hall import Context, Feature, unavailable
from hall_protocol import contract
from hall_protocol.contract import RatingAnswer, encode
from hall_protocol.rating_pad import PadRating, PadState
from hall_protocol.router import Request

log = logging.getLogger(__name__)


class RatingPads(Feature):

    def __init__(self, ctx: Context, outbox: Outbox) -> None:
        self.ctx, self.outbox = ctx, outbox
        self._pool: ThreadPoolExecutor | None = None
        self._seq = 0
        self._lock = threading.Lock()

    def pads(self, hall: str) -> dict[int, str]:
        """window -> its pad's device id."""
        q = self.ctx.queues.get(hall)
        return {} if q is None else {d.window: d.id for d in q.hall.devices if d.role == "ratingpad" and d.window}

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="rating-pads")
        self.ctx.router.add(contract.RATING_REQUEST, self.rate, kind="rating", halls=self.ctx.halls,
                            authorize=self.authorize, executor=lambda: self._pool)
        self.ctx.hall.window_hooks.append(self.on_window)
        self.ctx.on_connect.append(self.publish_all)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- what each pad shows -------------------------------------------------------------------
    def on_window(self, q: HallQueue, cmd, outcome, before: Ticket | None) -> None:
        if cmd.window not in self.pads(q.hall.id):
            return
        finished = None
        if cmd.action == "finish" and outcome.ticket is not None:
            finished = outcome.ticket
        elif cmd.action in ("call_next", "call") and before is not None and before.state == "done":
            finished = before  # calling the next one finished this one: its citizen may rate it now
        self.publish(q, cmd.window, finished)

    def state(self, q: HallQueue, window: int, finished: Ticket | None = None) -> PadState:
        with self._lock:
            self._seq = max(self._seq + 1, int(q.now() * 1000))
            seq = self._seq
        if finished is not None:
            state, t, reason = "rate", finished, None
        else:
            ws, t = q.window_state(window), q.current(window)
            state = "serving" if t is not None else ws["state"] if ws["state"] in ("paused", "closed") else "idle"
            reason = ws.get("reason") if state == "paused" else None
        service = q.hall.service(t.service) if t is not None else None
        return PadState(hall=q.hall.id, window=window, seq=seq, state=state, ticket=t.number if t else None,
                        service=t.service if t else None, service_name=service.name if service else "",
                        service_name_en=service.name_en if service else "", reason=reason,
                        at=q.iso(q.now()))

    def publish(self, q: HallQueue, window: int, finished: Ticket | None = None) -> None:
        pad = self.state(q, window, finished)
        self.ctx.endpoint.publish(contract.PAD_STATE.format(hall=q.hall.id, window=window), encode(pad), qos=1,
                                  retain=True)

    def publish_all(self) -> None:
        for hall, q in list(self.ctx.queues.items()):
            for window in self.pads(hall):
                try:
                    self.ctx.worker.submit(lambda q=q, w=window: self.publish(q, w))
                except RuntimeError:
                    return

    # -- the ratings -------------------------------------------------------------------------
    def authorize(self, req: Request) -> None:
        if req.client not in self.pads(req.hall).values():
            raise Forbidden(f"{req.client} is not a rating pad of hall {req.hall}")

    def rate(self, req: Request) -> RatingAnswer:
        r: PadRating = req.payload
        q = self.ctx.queues[req.hall]
        window = next(w for w, pad in self.pads(req.hall).items() if pad == req.client)
        t = ratings.find_ticket(q, r.ticket)
        if t.window != window:
            raise Forbidden(f"ticket {r.ticket} was not served at window {window}")
        try:
            duplicate = ratings.rate(q, self.outbox, r.ticket, r.score, reason_codes=list(r.reasons), day=t.day)
        except SQLAlchemyError as err:
            raise unavailable(err) from err
        if not duplicate:
            log.info("rating %d of %s at window %s (pad %s)", r.score, r.ticket, window, req.client)
            self.ctx.hall.rated(q, t, r.score, list(r.reasons))
        return RatingAnswer(ticket=r.ticket, score=r.score, duplicate=duplicate)
