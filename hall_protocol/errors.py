"""The hall protocol's one exception root and the refusals every request handler may raise.

`Refused` carries the `code` a requester reads in the error `Response` (bad_request,
forbidden, ...); the router answers any `Refused` with its code and its text. Packages
above derive their own root from it (hall_controller.errors.HallError) so that their
refusals reach the requester the same way.
"""
from __future__ import annotations


class ProtocolError(Exception):
    """Root of every error of the hall protocol."""


class MqttError(ProtocolError):
    """The broker could not be reached, refused us, or a request got no answer."""


class Refused(ProtocolError):
    """A request refused with a code of the contract; the text says what and where."""

    code = "error"

    def __init__(self, message: str = "", code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class BadRequest(Refused):
    code = "bad_request"


class Forbidden(Refused):
    code = "forbidden"
