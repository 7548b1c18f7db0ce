"""The kiosk's side of the ticket request: one request id per citizen action, so that a
retry after a lost answer returns the same ticket instead of a second one."""
from __future__ import annotations

import re
import uuid

from hall_protocol import contract
from hall_protocol.contract import TicketInfo
from hall_protocol.phone import PhoneTicket
from hall_protocol.mqtt import Endpoint, MqttError
from kiosk_app.errors import KioskError


class TicketRefused(KioskError):
    """The controller answered with an error (unknown service, daily limit reached); `code` is its code."""


class TicketUnavailable(KioskError):
    """No answer from the controller: the kiosk says so and offers another way."""


class TicketClient:
    def __init__(self, endpoint: Endpoint, hall: str, *, timeout: float = 4.0, attempts: int = 2) -> None:
        self.endpoint, self.hall, self.timeout, self.attempts = endpoint, hall, timeout, attempts
        self.topic = contract.TICKET_REQUEST.format(hall=hall, client=endpoint.client_id)

    def request(self, service: str, *, priority: str = "normal", lang: str = "zh",
                appointment_code: str | None = None, guide: bool = False) -> TicketInfo:
        payload = contract.TicketRequest(service=service, request_id=uuid.uuid4().hex, priority=priority,
                                         lang=lang, appointment_code=appointment_code, guide=guide).model_dump()
        try:
            answer = self.endpoint.request_again(self.topic, payload, attempts=self.attempts, timeout=self.timeout)
        except MqttError as err:
            raise TicketUnavailable(str(err)) from err
        if answer.get("status") != "ok":
            raise TicketRefused(answer.get("error") or "refused", answer.get("code"))
        return TicketInfo.model_validate(answer["data"])

    def check_in(self, scanned: str) -> PhoneTicket:
        """A remote ticket's holder shows its page's QR to the kiosk's camera or scanner: the
        token in that address checks the ticket in (it joins the calling order). The same
        request id for both attempts: a retry after a lost answer is applied once."""
        match = re.search(rf"/t/{re.escape(self.hall)}/([A-Za-z0-9_-]{{22,64}})/?(?:[?#].*)?$", scanned.strip())
        if match is None:
            raise TicketRefused("this code is not a ticket of this hall", "not_found")
        topic = contract.CHECKIN_REQUEST.format(hall=self.hall, client=self.endpoint.client_id)
        payload = {"request_id": uuid.uuid4().hex, "token": match.group(1)}
        try:
            answer = self.endpoint.request_again(topic, payload, attempts=self.attempts, timeout=self.timeout)
        except MqttError as err:
            raise TicketUnavailable(str(err)) from err
        if answer.get("status") != "ok":
            raise TicketRefused(answer.get("error") or "refused", answer.get("code"))
        return PhoneTicket.model_validate(answer["data"])
