"""Help from a kiosk (求助): the citizen's one tap, and a clerk who comes.

A kiosk asks on `hall/<hall>/request/help/<kiosk>` (which page, what failed); the controller
keeps the hall's open calls and publishes them retained on `hall/<hall>/state/help`, which
window callers and supervisor desks show at once; a clerk acknowledges on
`hall/<hall>/request/help_ack/<caller>` ("I am coming"), and the kiosk, reading the same
retained state, tells the citizen "工作人员马上就到".
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from hall_protocol.payload import MaskedText, Payload


class HelpRequest(Payload):
    request_id: MaskedText = Field(min_length=8, max_length=64,
                                   description="per press of the help button; a retry with the same id is one call")
    page: str = Field(max_length=40, pattern=r"^[a-z0-9_.-]+$",
                      description="the page the citizen was on, e.g. home, ticket, identify, payment")
    problem: str | None = Field(None, max_length=40, pattern=r"^[a-z0-9_.-]+$",
                                description="what failed, as an error code (printer_paper_out, backend_unavailable, "
                                            "face_mismatch, ...); unset = the citizen just asks")
    elderly: bool = Field(False, description="the kiosk was in elderly mode")
    lang: Literal["zh", "en"] = "zh"


class HelpAck(Payload):
    help_id: str = Field(min_length=8, max_length=40)
    request_id: MaskedText = Field(min_length=8, max_length=64, description="a retry with the same id is applied once")
    clerk: MaskedText | None = Field(None, max_length=40)


class HelpCall(Payload):
    id: str
    kiosk: str
    page: str
    problem: str | None = None
    elderly: bool = False
    lang: str = "zh"
    at: str = Field(description="ISO 8601 with offset: when the citizen asked (the last press)")
    state: Literal["open", "acknowledged"]
    by: str | None = Field(None, description="who is coming: the caller's device id and clerk")
    acknowledged_at: str | None = None


class HelpBoard(Payload):
    """The hall's help calls: the open ones and those acknowledged in the last minutes, newest
    first. Retained; republished on every change."""

    hall: str
    at: str
    calls: list[HelpCall]
