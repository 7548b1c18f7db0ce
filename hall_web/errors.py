"""The web service's one exception root; each error carries the HTTP status and a code the
pages and the JSON answers show."""
from __future__ import annotations


class WebError(Exception):
    status = 500
    code = "error"

    def __init__(self, message: str = "", code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class WebRefused(WebError):
    """The hall's controller refused a request (its code: not_found, quota_reached, ...)."""

    status = 409


class Unavailable(WebError):
    """The hall's controller did not answer (broker or controller down)."""

    status = 503
    code = "unavailable"


class NotFound(WebError):
    status = 404
    code = "not_found"


class BadForm(WebError):
    status = 400
    code = "bad_request"


class Forbidden(WebError):
    status = 403
    code = "forbidden"


class TooMany(WebError):
    status = 429
    code = "rate_limited"
