"""Ticket requests from kiosks: `hall/<hall>/request/ticket/<kiosk>` -> TicketInfo.

Handled by the request worker (hall_controller/worker.py): a retry with the same request id
returns the same ticket; the ticket is stored (with the others of its burst) before the
answer, then automatic calls and the board follow."""
from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.core.estimate import estimate_wait_min
from hall_controller.core.queue import HallQueue, Ticket
from hall_controller.errors import Forbidden
from hall_controller.hall import Context, Feature, unavailable
from hall_protocol import contract
from hall_protocol.contract import TicketInfo, TicketRequest
from hall_protocol.router import Answer, Request


def ticket_url(q: HallQueue, t: Ticket) -> str:
    """The address of the ticket's phone page (its QR): by its unguessable token, never its number."""
    return q.hall.ticket_url.format(hall=q.hall.id, token=t.token)


def ticket_info(q: HallQueue, t: Ticket) -> TicketInfo:
    svc = q.hall.service(t.service)
    return TicketInfo(
        number=t.number, service=t.service, service_name=svc.name, service_name_en=svc.name_en,
        area=svc.area, area_en=svc.area_en, people_ahead=q.people_ahead(t),
        estimated_wait_min=estimate_wait_min(q, t), issued_at=q.iso(t.issued_at) or "",
        day=t.day, priority=t.priority, qr_url=ticket_url(q, t),
        hall_name=q.hall.name, hall_name_en=q.hall.name_en)


def kiosk_only(ctx: Context):
    """An authorizer: the requester must be a kiosk of the hall in the topic."""
    def authorize(req: Request) -> None:
        if not any(d.id == req.client and d.role == "kiosk" for d in ctx.queues[req.hall].hall.devices):
            raise Forbidden(f"{req.client} is not a kiosk of hall {req.hall}")
    return authorize


class Tickets(Feature):

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def start(self) -> None:
        self.ctx.router.add(contract.TICKET_REQUEST, self.handle, kind="ticket", halls=self.ctx.halls,
                            authorize=kiosk_only(self.ctx), worker=self.ctx.worker)

    def handle(self, req: Request) -> Answer:
        q = self.ctx.queues[req.hall]
        r: TicketRequest = req.payload
        try:
            ticket, created = q.issue(r.service, f"{req.client}:{r.request_id}", source=req.client,
                                      priority=r.priority, appointment_code=r.appointment_code, lang=r.lang,
                                      guide=r.guide)
            info = ticket_info(q, ticket)
        except SQLAlchemyError as err:  # a retry with the same request id is safe
            raise unavailable(err) from err
        return Answer(info, then=(lambda: self.ctx.hall.changed(q)) if created else None)
