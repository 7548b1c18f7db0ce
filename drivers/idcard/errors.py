"""Typed errors for every SW3 status the SAM can report.

Each class sits under the drivers.core error it belongs to, so the device layer turns
it into the right status and action. `citizen_message` is what a kiosk may show.
"""
from __future__ import annotations

from drivers.core.errors import Action, DeviceError, HardwareError, ProtocolError, UserError


class IdCardError(DeviceError):
    """Marker base for errors raised by the ID card package (mixed into the others)."""

    citizen_message = "身份证读取失败，请联系工作人员"
    sw3: int | None = None

    def __init__(self, message: str, *, sw3: int | None = None, action: Action | None = None,
                 device: str | None = None) -> None:
        super().__init__(message, action=action, device=device)
        if sw3 is not None:
            self.sw3 = sw3


class FrameError(IdCardError, ProtocolError):
    """Bytes from the reader that are not a valid frame (checksum, length, garbage)."""


class SamReceiveError(IdCardError, ProtocolError):
    """The SAM says what it received was damaged (SW3 10 checksum, 11 length): retry."""


class CommandRejected(IdCardError, ProtocolError):
    """The SAM did not understand the command (SW3 21, 24)."""


class SamFault(IdCardError, HardwareError):
    """The SAM module itself is faulty or not authorised (SW3 23, 60, 66)."""

    citizen_message = "身份证阅读器故障，请联系工作人员"


class CardRejected(IdCardError, UserError):
    """Authentication between card and SAM failed (SW3 31, 32, 33): staff must look."""

    default_action = Action.STAFF
    citizen_message = "身份证校验未通过，请联系工作人员"


class CardReadFailed(IdCardError, UserError):
    """The card could not be selected or read (SW3 41, 47, 81): lift and place again."""

    default_action = Action.CITIZEN
    citizen_message = "读卡失败，请拿起身份证重新放置"


class NotAnIdCard(IdCardError, UserError):
    """The card on the reader is not an ID card the SAM knows (SW3 40)."""

    default_action = Action.CITIZEN
    citizen_message = "无法识别此卡，请放置居民身份证"


class NoCard(IdCardError, UserError):
    """No card on the reader (SW3 80). While polling this is a state, not an error."""

    default_action = Action.CITIZEN
    citizen_message = "请将身份证放在感应区"


class InvalidCardData(IdCardError, ProtocolError):
    """The text block read from a card does not hold together (bad type, bad dates)."""

    default_action = Action.CITIZEN
    citizen_message = "读卡失败，请拿起身份证重新放置"
