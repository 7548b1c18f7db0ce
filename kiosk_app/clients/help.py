"""The kiosk's side of a help call (hall_protocol/help.py) and of the guide robot's greeting
(contract.ROBOT_REQUEST): one request id per press of the help button, used for every attempt,
so that a retry after a lost answer is one call, not two."""
from __future__ import annotations

from hall_protocol import contract
from hall_protocol.help import HelpRequest
from hall_protocol.mqtt import Endpoint, MqttError
from kiosk_app.errors import KioskError


class HelpUnavailable(KioskError):
    """No answer, or a refusal: the kiosk says so (staff could not be called) and the citizen
    goes to the help desk."""


class HelpClient:
    def __init__(self, endpoint: Endpoint, hall: str, *, timeout: float = 4.0, attempts: int = 2) -> None:
        self.endpoint, self.hall, self.timeout, self.attempts = endpoint, hall, timeout, attempts

    def _ask(self, topic: str, payload: dict) -> dict:
        try:
            answer = self.endpoint.request_again(topic, payload, attempts=self.attempts, timeout=self.timeout)
        except MqttError as err:
            raise HelpUnavailable(f"no answer: {err}", "unavailable") from err
        if answer.get("status") != "ok":
            raise HelpUnavailable(answer.get("error") or "refused", answer.get("code"))
        return answer.get("data") or {}

    def ask(self, request: HelpRequest) -> str:
        """The help call's id; HelpUnavailable when the controller did not take it."""
        topic = contract.HELP_REQUEST.format(hall=self.hall, client=self.endpoint.client_id)
        return str(self._ask(topic, request.model_dump(exclude_none=True))["help_id"])

    def robot(self, request_id: str) -> dict:
        """Send the hall's guide robot to greet the citizen here; HelpUnavailable (code
        robot_unavailable) when no robot can come."""
        topic = contract.ROBOT_REQUEST.format(hall=self.hall, client=self.endpoint.client_id)
        return self._ask(topic, {"request_id": request_id, "kind": "greet"})
