"""Follow-up of bad ratings (差评回访整改).

Every bad rating (score <= the hall's `alerts.bad_rating_max`) opens a case: it is assigned to
a member of staff, the citizen is contacted, the cause is rectified and the case is closed,
each step within the hall's deadline in working days (`[halls.followup]`). The controller keeps
the cases (retained on `hall/<hall>/state/cases`, open ones and those closed in the last days)
and flags the overdue ones; a supervisor desk moves a case on `hall/<hall>/request/case/<desk>`.
A case holds no more personal data than the rating: ticket, window, clerk, score and reasons
(no comment); notes typed by staff are masked like every free text.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from hall_protocol.payload import MaskedText, Payload

CaseStep = Literal["assign", "contact", "rectify", "close"]
STATES = ("open", "assigned", "contacted", "rectified", "closed")
STEP_STATE = {"assign": "assigned", "contact": "contacted", "rectify": "rectified", "close": "closed"}


class CaseEntry(Payload):
    step: str
    at: str
    by: str
    note: str = ""


class FollowUpCase(Payload):
    id: str = Field(description="case id, e.g. FU-20261123-A012")
    hall: str
    day: str = Field(description="the service day of the rated ticket")
    ticket: str
    service: str
    window: int | None
    clerk: str | None = Field(description="the staff number of the clerk who served")
    score: int
    reasons: list[str]
    state: Literal["open", "assigned", "contacted", "rectified", "closed"]
    assignee: str | None = None
    opened_at: str
    contact_due: str = Field(description="YYYY-MM-DD: the last working day to contact the citizen")
    due: str = Field(description="YYYY-MM-DD: the last working day to close the case")
    closed_at: str | None = None
    overdue: bool = Field(description="past a due day and not at that step yet (or closed late)")
    history: list[CaseEntry] = []


class CaseBoard(Payload):
    """The hall's follow-up cases: every open one and those closed in the last 7 days; retained."""

    hall: str
    seq: int
    at: str
    open: int
    overdue: int
    cases: list[FollowUpCase]


class CaseUpdate(Payload):
    """A supervisor moves a case on; answered with Response(data=FollowUpCase)."""

    case_id: str = Field(min_length=1, max_length=40)
    step: CaseStep
    request_id: MaskedText = Field(min_length=8, max_length=64, description="a retry with the same id is applied once")
    by: str = Field(pattern=r"^[A-Za-z0-9-]{1,20}$", description="the staff number of who did it")
    assignee: str | None = Field(None, pattern=r"^[A-Za-z0-9-]{1,20}$", description="assign: to whom")
    note: MaskedText = Field("", max_length=200, description="what was done (ID and phone numbers are masked)")
