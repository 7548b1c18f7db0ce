"""The citizen's phone (在线取号, 实时查看排队进度): what the public web service (`hall_web`, role
`web`) asks of the controller, and what it reads to keep thousands of open pages live.

- `PhoneRequest` on `hall/<hall>/request/phone/<web>`: follow a ticket by its page token, send an
  SMS code to a phone number (through the platform: the controller holds its credentials),
  take a remote ticket with that code, set reminders ("when 3 people are ahead"), rate the
  service once. Phone numbers travel only in this payload, never in a topic, and are kept by
  nobody but the platform: the controller keeps the platform's opaque recipient id and the
  masked number.
- `CheckInRequest` on `hall/<hall>/request/checkin/<device>`: a remote ticket joins the calling
  order (when the hall wants check-in): a kiosk that scanned the phone's QR (the page token) or
  a clerk who confirmed the number.
- `QueueProgress`, retained on `hall/<hall>/state/tickets`: every open ticket's state, people
  ahead, estimate and window, by number (no personal data); the web service fans it out to the
  pages it serves.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from hall_protocol.payload import MaskedText, Payload

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{22,64}$"       # secrets.token_urlsafe(16): 128 bits
PHONE_PATTERN = r"^1[3-9][0-9]{9}$"              # a mainland mobile number
TicketState = Literal["arriving", "waiting", "called", "serving", "done", "no_show", "cancelled", "expired"]
PhoneOp = Literal["follow", "send_code", "take", "remind", "rate"]
PHONE_OP_ARGS: dict[str, tuple[str, ...]] = {
    "follow": ("token",), "send_code": ("phone", "request_id"),
    "take": ("verification", "code", "service", "request_id"), "remind": ("token",),
    "rate": ("token", "score", "request_id"),
}
# Error codes of phone answers, besides the router's (bad_request, forbidden, busy, ...).
PHONE_ERROR_CODES = ("not_found", "remote_closed", "quota_reached", "phone_quota_reached", "open_ticket",
                     "code_wrong", "code_expired", "too_many_attempts", "too_soon", "not_served",
                     "already_rated", "backend_unavailable", "backend_refused")
Threshold = Annotated[int, Field(ge=1, le=99)]


class PhoneRequest(Payload):
    """What the public web service asks for a citizen's phone; `op` decides which arguments are
    needed (PHONE_OP_ARGS)."""

    op: PhoneOp
    token: str | None = Field(None, pattern=TOKEN_PATTERN, description="follow, remind, rate: the ticket's page "
                                                                       "token (from its QR)")
    phone: str | None = Field(None, pattern=PHONE_PATTERN, description="send_code: the mobile number to confirm; "
                                                                       "passed to the platform, kept by nobody")
    verification: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]{8,64}$",
                                     description="take, remind with SMS: the platform's id of the code sent")
    code: str | None = Field(None, pattern=r"^[0-9]{4,8}$", description="take, remind with SMS: the SMS code")
    service: str | None = Field(None, pattern=r"^[A-Z]$", description="take: the service")
    reminders: list[Threshold] = Field([], max_length=3, description="remind: remind when this many people (or "
                                                                     "fewer) are ahead; replaces the ticket's list")
    score: int | None = Field(None, ge=1, le=5, description="rate: 1 (very bad) .. 5 (very good)")
    reason_codes: list[Annotated[str, Field(max_length=32, pattern=r"^[a-z_]+$")]] = Field([], max_length=6)
    comment: str = Field("", max_length=300, description="rate: optional, passed to the platform as written")
    request_id: MaskedText | None = Field(None, min_length=8, max_length=64,
                                          description="send_code, take, rate: a retry with the same id is applied "
                                                      "once")
    lang: Literal["zh", "en"] = "zh"

    @model_validator(mode="after")
    def _args(self) -> "PhoneRequest":
        missing = [a for a in PHONE_OP_ARGS[self.op] if getattr(self, a) in (None, "")]
        if missing:
            raise ValueError(f"op {self.op} needs {', '.join(missing)}")
        if bool(self.verification) != bool(self.code) and self.op == "remind":
            raise ValueError("remind: verification and code go together")
        return self


class CodeSent(Payload):
    """An SMS code is on its way (answer of send_code)."""

    verification: str = Field(description="the platform's id of this code; give it back with the code")
    phone_masked: str = Field(description="e.g. 138****5678")
    expires_in_s: int
    resend_after_s: int


class PhoneTicket(Payload):
    """One ticket as its owner's phone shows it (answer of follow, take, remind)."""

    hall: str
    hall_name: str
    hall_name_en: str = ""
    number: str
    token: str
    service: str
    service_name: str
    service_name_en: str = ""
    area: str = ""
    area_en: str = ""
    state: TicketState
    people_ahead: int | None = Field(description="waiting tickets called before this one; None once called")
    estimated_wait_min: float | None = None
    window: int | None = None
    window_name: str = ""
    recalls: int = 0
    requeued: bool = Field(False, description="it missed its call and went back to the queue")
    issued_at: str
    day: str
    remote: bool = Field(False, description="taken from a phone")
    check_in_required: bool = Field(False, description="it joins the calling order after check-in at the hall")
    phone_masked: str | None = Field(None, description="the confirmed phone for SMS, masked (only its owner sees "
                                                       "this page)")
    reminders: list[int] = Field([], description="remind when this many people are ahead")
    reminded: list[int] = Field([], description="thresholds already reminded (each once)")
    rated: bool = False
    can_rate: bool = False


class PhoneRating(Payload):
    """The rating is stored durably (it reaches the platform through the controller's outbox)."""

    number: str
    score: int
    duplicate: bool = False


class CheckInRequest(Payload):
    """A remote ticket's holder is in the hall: a kiosk scanned the QR on the phone (token), or a
    clerk confirmed the number the phone shows (number)."""

    request_id: MaskedText = Field(min_length=8, max_length=64)
    token: str | None = Field(None, pattern=TOKEN_PATTERN, description="kiosk: the token of the scanned page")
    number: str | None = Field(None, pattern=r"^[A-Z][0-9]{3,4}$", description="caller: today's ticket number")

    @model_validator(mode="after")
    def _one(self) -> "CheckInRequest":
        if (self.token is None) == (self.number is None):
            raise ValueError("give token or number (one of them)")
        return self


class TicketProgress(Payload):
    number: str
    state: TicketState
    ahead: int | None = Field(None, description="people ahead (waiting, arriving)")
    wait_min: float | None = Field(None, description="estimated minutes until the call (waiting)")
    window: int | None = None
    recalls: int = 0
    requeued: bool = False
    reminded: list[int] = Field([], description="reminder thresholds reached (each once)")


class QueueProgress(Payload):
    """Every open ticket of a hall (and those finished in the last minutes), by number;
    retained, republished after the board when it changed."""

    hall: str
    day: str
    seq: int
    at: str
    tickets: list[TicketProgress]
    remote_left: dict[str, int] = Field({}, description="service code -> remote tickets still to be had today "
                                                        "(the services offered on the phone)")
    check_in_required: bool = Field(False, description="remote tickets join the calling order at check-in")

    def is_newer_than(self, old: "QueueProgress | None") -> bool:
        return old is None or self.day > old.day or (self.day == old.day and self.seq > old.seq)
