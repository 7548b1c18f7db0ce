"""Typed errors of the backend client: one root, four kinds, always chained `from err`."""
from __future__ import annotations


class BackendError(Exception):
    """Root of every error raised by the backend client and the outbox."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class BackendUnavailable(BackendError):
    """Timeouts, connection errors, dropped connections and 5xx answers: try again later."""


class BackendRefused(BackendError):
    """The platform answered 4xx: the request itself is wrong; retrying does not help."""


class BackendNotFound(BackendRefused):
    """404: the matter, appointment, licence ... does not exist."""


class BackendContractError(BackendError):
    """The answer does not follow the contract: wrong types, missing fields, HTML, bad PDF."""
