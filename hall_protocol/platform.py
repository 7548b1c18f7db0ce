"""The backend contract as pydantic models: the client validates answers with them and the
reference server declares its OpenAPI document with them (one definition, two users).

Success bodies are plain models (no envelope); every error body is `ErrorBody`.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ServiceCode = Literal["A", "B", "C", "D"]
IdNumber = Field(min_length=15, max_length=18, pattern=r"^[0-9]{15}([0-9]{2}[0-9Xx])?$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ErrorBody(_Model):
    code: str = Field(description="machine-readable reason, e.g. bad_signature, stale_timestamp")
    message: str
    server_time: float = Field(description="the server's Unix time, to correct clock skew")


class Health(_Model):
    status: Literal["ok"]
    server_time: float


class Matter(_Model):
    matter_id: str
    name: str
    service_code: ServiceCode
    department: str


class MatterList(_Model):
    items: list[Matter]


class RequiredDocument(_Model):
    name: str
    copies: int = Field(ge=0)
    original_required: bool
    note: str = ""


class Fee(_Model):
    amount_cny: float = Field(ge=0)
    description: str


class Guide(_Model):
    matter_id: str
    name: str
    service_code: ServiceCode
    service_name: str
    department: str
    documents: list[RequiredDocument]
    conditions: list[str]
    fee: Fee
    time_limit_days: int = Field(ge=0, description="promised working days; 0 = on the spot")
    window_area: str
    online_available: bool
    legal_basis: str


class AppointmentStatus(str, Enum):
    booked = "booked"
    checked_in = "checked_in"
    cancelled = "cancelled"
    expired = "expired"


class Appointment(_Model):
    code: str
    matter_id: str
    matter_name: str
    service_code: ServiceCode
    holder_masked: str
    date: date
    slot_start: str = Field(pattern=r"^\d{2}:\d{2}$")
    slot_end: str = Field(pattern=r"^\d{2}:\d{2}$")
    status: AppointmentStatus
    checked_in_at: datetime | None = None


class AppointmentList(_Model):
    items: list[Appointment]


class CitizenQuery(_Model):
    id_number: str = IdNumber


class AppointmentQuery(_Model):
    """An appointment by its code, in the body: a citizen types or scans the code, and what a
    citizen types never goes into a URL (proxies and debug logs keep URLs)."""

    code: str = Field(min_length=1, max_length=64, description="the appointment's code (预约码)")


class CheckIn(_Model):
    appointment: Appointment
    priority: int = Field(ge=0, description="queue priority the ticket gets")


class ApplicationStatus(str, Enum):
    submitted = "submitted"
    accepted = "accepted"
    in_review = "in_review"
    awaiting_documents = "awaiting_documents"
    approved = "approved"
    rejected = "rejected"
    completed = "completed"


class ProgressStep(_Model):
    name: str
    done: bool
    at: datetime | None = None


class Application(_Model):
    application_id: str
    matter_id: str
    matter_name: str
    status: ApplicationStatus
    status_text: str
    submitted_at: datetime
    updated_at: datetime
    steps: list[ProgressStep]


class ApplicationList(_Model):
    items: list[Application]


class Licence(_Model):
    licence_id: str
    title: str
    issuer: str
    holder_masked: str
    issued_on: date
    valid_until: date | None = None
    printable: bool
    print_count: int = Field(ge=0)


class LicenceList(_Model):
    items: list[Licence]


class PrintRequest(_Model):
    kiosk_id: str = Field(min_length=1, max_length=64)
    reprint_reason: str | None = Field(default=None, max_length=200)


class PrintRecord(_Model):
    print_id: str
    licence_id: str
    kiosk_id: str
    printed_at: datetime
    sequence: int = Field(ge=1, description="1 for the first print of the licence")
    reprint_reason: str | None = None


class Rating(_Model):
    ticket_no: str = Field(min_length=1, max_length=32)
    hall_id: str = Field(min_length=1, max_length=64)
    window_id: str = Field(min_length=1, max_length=64)
    clerk_id: str = Field(min_length=1, max_length=64)
    matter_id: str | None = Field(default=None, max_length=64)
    score: int = Field(ge=1, le=5)
    reason_codes: list[str] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=500)
    rated_at: datetime


class RatingAck(_Model):
    rating_id: str
    received_at: datetime


class TicketEventKind(str, Enum):
    issued = "issued"
    checked_in = "checked_in"
    called = "called"
    started = "started"
    recalled = "recalled"
    transferred = "transferred"
    no_show = "no_show"
    paused = "paused"
    finished = "finished"
    cancelled = "cancelled"
    resumed = "resumed"
    requeued = "requeued"
    expired = "expired"
    opened = "opened"
    closed = "closed"


class TicketEvent(_Model):
    event_id: str = Field(min_length=1, max_length=64, description="unique; the server dedups on it")
    hall_id: str = Field(min_length=1, max_length=64)
    ticket_no: str | None = Field(default=None, min_length=1, max_length=32,
                                  description="none for window events (paused, resumed)")
    kind: TicketEventKind
    at: datetime
    service_code: str | None = Field(default=None, max_length=8)
    window_id: str | None = Field(default=None, max_length=64)
    clerk_id: str | None = Field(default=None, max_length=64)


class TicketEventBatch(_Model):
    events: list[TicketEvent] = Field(min_length=1, max_length=500)


class TicketEventAck(_Model):
    accepted: int = Field(ge=0, description="events new to the server")
    duplicates: int = Field(ge=0, description="events it already had (same event_id)")
