"""Ratings (好差评) that name the matter, and the tickets an identified citizen may still rate.

A rating names the ticket by number and service day (`BackendRequest.day`, unset = today); the
hall accepts tickets served within its window (`[halls.rating] window_h`, so yesterday's too) and
names the ticket's matter when it had one (an appointment's check-in). `rateable` lists the
identified citizen's tickets of that window (those of their bookings), with their matters.
"""
from __future__ import annotations

from pydantic import Field

from hall_protocol.payload import Payload


class RateableTicket(Payload):
    number: str
    day: str = Field(description="its service day, YYYY-MM-DD")
    service: str
    state: str = Field(description="waiting, called, serving, done, no_show, expired, cancelled")
    matter_id: str | None = None
    matter_name: str = ""
    rated: bool = Field(False, description="a rating of it is stored already")


class RateableAnswer(Payload):
    items: list[RateableTicket]
