"""The window caller's side of the contract, without Qt (also used by the CLI and tests)."""
from __future__ import annotations

from hall_controller import contract
from hall_controller.contract import WindowCommand
from hall_controller.mqtt import Endpoint


class CallerError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class CallerClient:
    def __init__(self, endpoint: Endpoint, hall: str, window: int, clerk: str | None = None) -> None:
        self.endpoint, self.hall, self.window, self.clerk = endpoint, hall, window, clerk
        self.topic = contract.WINDOW_REQUEST.format(hall=hall, client=endpoint.client_id)

    def command(self, action: str, **kw) -> dict:
        cmd = WindowCommand(window=self.window, action=action, clerk=self.clerk, **kw)
        answer = self.endpoint.request(self.topic, cmd.model_dump(exclude_none=True))
        if answer.get("status") != "ok":
            raise CallerError(answer.get("error") or "refused", answer.get("code"))
        return answer["data"]
