"""The rating pad at every window (好差评 评价器).

The controller tells each window's pad what to show, retained on `hall/<hall>/state/pad/<window>`:
the ticket being served (with the clerk's card from `state/clerk/<window>`), then, when the
clerk finishes it, an invitation to rate that ticket. The citizen taps one of the five standard
levels (非常满意 ... 非常不满意), with reasons for a low one; the pad sends the rating on
`hall/<hall>/request/rating/<pad>`, and the controller stores it in the durable outbox (one per
ticket: a retry is the same rating) linked to ticket, window, clerk and service. Nothing a pad
shows or sends is personal.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from hall_protocol.payload import MaskedText, Payload

LEVELS = {5: ("非常满意", "Very satisfied"), 4: ("满意", "Satisfied"), 3: ("基本满意", "Fairly satisfied"),
          2: ("不满意", "Dissatisfied"), 1: ("非常不满意", "Very dissatisfied")}
# Why a rating is low: the common reasons of the 好差评 system, as codes.
REASONS = {"attitude": ("服务态度差", "Unfriendly service"), "waiting": ("等候时间长", "Long wait"),
           "slow": ("办理效率低", "Slow service"), "not_informed": ("未一次性告知", "Not told everything at once"),
           "repeat_visit": ("多次跑腿", "Had to come again"), "competence": ("业务不熟练", "Clerk unsure"),
           "facilities": ("环境设施差", "Poor facilities"), "other": ("其他", "Other")}


class PadState(Payload):
    """What a window's pad shows now; retained, republished on every change of the window."""

    hall: str
    window: int
    seq: int = Field(description="increases with every publication; a pad ignores older ones")
    state: Literal["idle", "serving", "rate", "paused", "closed"] = Field(
        description="serving: a ticket is called or served (show the clerk); rate: invite the citizen to rate "
                    "`ticket`, which was just finished")
    ticket: str | None = None
    service: str | None = None
    service_name: str = ""
    service_name_en: str = ""
    reason: str | None = Field(None, description="paused: why")
    at: str = Field(description="ISO 8601: when this state began")


class PadRating(Payload):
    """Answered with Response(data=RatingAnswer); codes `not_served`, `already_rated`,
    `forbidden` (the ticket was not served at this pad's window)."""

    request_id: MaskedText = Field(min_length=8, max_length=64, description="a retry with the same id is the "
                                                                          "same rating")
    ticket: str = Field(pattern=r"^[A-Z][0-9]{1,6}$")
    score: int = Field(ge=1, le=5, description="1 (非常不满意) .. 5 (非常满意)")
    reasons: list[Literal["attitude", "waiting", "slow", "not_informed", "repeat_visit", "competence", "facilities",
                          "other"]] = Field([], max_length=8, description="for a low score: why (REASONS)")
