"""The kiosk's side of the ticket request: one request id per citizen action, so that a
retry after a lost answer returns the same ticket instead of a second one."""
from __future__ import annotations

import uuid

from hall_protocol import contract
from hall_protocol.contract import TicketInfo
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
                appointment_code: str | None = None) -> TicketInfo:
        payload = contract.TicketRequest(service=service, request_id=uuid.uuid4().hex, priority=priority,
                                         lang=lang, appointment_code=appointment_code).model_dump()
        last: MqttError | None = None
        for _ in range(self.attempts):
            try:
                answer = self.endpoint.request(self.topic, payload, timeout=self.timeout)
            except MqttError as err:
                last = err
                continue
            if answer.get("status") != "ok":
                raise TicketRefused(answer.get("error") or "refused", answer.get("code"))
            return TicketInfo.model_validate(answer["data"])
        raise TicketUnavailable(str(last)) from last
