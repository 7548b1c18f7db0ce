"""The kiosk's one exception root.

Every error of kiosk_app derives from `KioskError`: the backend client's
(`clients.backend.KioskBackendError` and its refusals), the ticket client's
(`clients.ticketing.TicketRefused`, `TicketUnavailable`) and start-up's
(`identity_setup.StartupError`). Errors of the libraries and of the packages below (MQTT,
device, configuration, pydantic) are caught where the kiosk calls them and re-raised as one
of these `from err`.
"""
from __future__ import annotations


class KioskError(Exception):
    """Root of every error of the kiosk; `code` is machine-readable (the controller's answer
    code for a refusal), None when there is none."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code
