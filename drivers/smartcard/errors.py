"""The smart card package's errors, all under drivers.core.DeviceError."""
from __future__ import annotations

from drivers.core.errors import Action, DeviceError, ProtocolError, UserError


class ApduError(ProtocolError):
    """Bytes that are not a valid APDU, record or field."""


class CardStatusError(DeviceError):
    """The card answered a command with an unexpected status word (wrong card type, no file)."""

    default_action = Action.CITIZEN

    def __init__(self, message: str, *, sw: int, **kwargs) -> None:
        super().__init__(f"{message} (SW {sw:04X})", **kwargs)
        self.sw = sw


class PinRequired(UserError):
    """The card wants its PIN (6982), the PIN was wrong (63Cx) or is blocked (6983)."""

    default_action = Action.CITIZEN

    def __init__(self, message: str, *, sw: int, tries_left: int | None = None, partial=None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.sw = sw
        self.tries_left = tries_left
        self.partial = partial  # what could be read without the PIN (a SocialSecurityCard)


class NoCard(UserError):
    """No card in the reader, or it was taken out (or never placed properly)."""

    default_action = Action.CITIZEN


class CardRemoved(NoCard):
    """The card left the reader in the middle of a read."""
