"""The hall controller's one exception root; each error maps to a response code on the MQTT
contract (the router answers it with that code). Library errors are caught at the boundary
and re-raised from one of these with `from err`."""
from hall_protocol.errors import BadRequest as _ProtocolBadRequest, Forbidden as _ProtocolForbidden, Refused


class HallError(Refused):
    code = "error"


class BadRequest(HallError, _ProtocolBadRequest):
    code = "bad_request"


class NotFound(HallError):
    code = "not_found"


class Conflict(HallError):
    code = "conflict"


class DayEnded(Conflict):
    """A retried request whose answer belongs to a service day that has ended."""
    code = "day_ended"


class Forbidden(HallError, _ProtocolForbidden):
    code = "forbidden"


class LimitReached(HallError):
    code = "limit_reached"


class NotOpen(HallError):
    """A service asked for a ticket outside its ticket hours ([[halls.services.hours]])."""

    code = "not_open"


class Unavailable(HallError):
    """The hall's database cannot be reached or used right now; the request may be retried."""

    code = "unavailable"
