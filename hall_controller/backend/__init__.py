"""The government backend: client, durable outbox, typed errors and the contract models."""
from .client import BackendClient, new_idempotency_key
from .errors import (BackendContractError, BackendError, BackendNotFound, BackendRefused,
                     BackendUnavailable)

__all__ = ["BackendClient", "new_idempotency_key", "BackendError", "BackendNotFound",
           "BackendRefused", "BackendUnavailable", "BackendContractError"]
