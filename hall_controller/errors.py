"""Errors of the hall controller; each maps to a response code on the MQTT contract."""


class HallError(Exception):
    code = "error"


class BadRequest(HallError):
    code = "bad_request"


class NotFound(HallError):
    code = "not_found"


class Conflict(HallError):
    code = "conflict"


class Forbidden(HallError):
    code = "forbidden"


class LimitReached(HallError):
    code = "limit_reached"


class Unavailable(HallError):
    """The hall's database cannot be reached or used right now; the request may be retried."""

    code = "unavailable"
