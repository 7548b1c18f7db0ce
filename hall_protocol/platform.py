"""The backend contract as pydantic models: the client validates answers with them and the
reference server declares its OpenAPI document with them (one definition, two users).

Success bodies are plain models (no envelope); every error body is `ErrorBody`.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ServiceCode = Literal["A", "B", "C", "D"]
# The number of each of the four ID cards a kiosk reads (drivers/idcard/cards.py): 18 characters
# (17 digits and a check digit) on resident ID cards, Hong Kong/Macau/Taiwan residence permits
# (81/82/83...) and the 2023 foreigner permanent residence card (9...); 3 letters of the
# nationality and 12 digits on the foreigner permanent residence card of 2004-2017; and the old
# 15-digit resident numbers.
ID_NUMBER_PATTERN = r"^([0-9]{17}[0-9Xx]|[0-9]{15}|[A-Za-z]{3}[0-9]{12})$"
IdNumber = Field(min_length=15, max_length=18, pattern=ID_NUMBER_PATTERN)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


def _whole_fen(value: object) -> object:
    """Amounts are integers in fen: text, booleans and fractions are refused; a JSON number with no
    fraction (8000.0) is an integer to JSON Schema and is taken as one."""
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError("an amount is an integer number of fen, not text or a boolean")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"an amount is a whole number of fen, got {value}")
        return int(value)
    return value


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
    name_en: str | None = Field(None, description="in English, where the platform has it (a kiosk marks Chinese-only text)")
    department_en: str | None = Field(None, description="in English, where the platform has it (a kiosk marks Chinese-only text)")


class MatterList(_Model):
    items: list[Matter]


class RequiredDocument(_Model):
    name: str
    copies: int = Field(ge=0)
    original_required: bool
    note: str = ""
    name_en: str | None = Field(None, description="in English, where the platform has it (a kiosk marks Chinese-only text)")


class Fee(_Model):
    amount_fen: Annotated[int, Field(ge=0), BeforeValidator(_whole_fen)] = Field(
        description="in fen (分), an integer: 8000 = 80.00 yuan")
    description: str
    description_en: str | None = Field(None, description="in English, where the platform has it (a kiosk marks Chinese-only text)")


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
    name_en: str | None = Field(None, description="in English, where the platform has it (a kiosk marks Chinese-only text)")
    conditions_en: list[str] | None = Field(None, description="the conditions in English, in the same order, "
                                                              "where the platform has them")
    window_area_en: str | None = Field(None, description="in English, where the platform has it (a kiosk marks Chinese-only text)")


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
    hall_id: str | None = Field(default=None, max_length=64,
                                description="the hall it is booked at; none = any hall of the platform")
    hall_name: str = Field(default="", max_length=100, description="that hall's name, for the citizen")


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
    priority: int = Field(ge=0, description="queue priority the ticket gets: 0 normal, 1 appointment, "
                                            "2 or more the green channel (booked as elderly or disabled)")


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


# ---- payment (缴费): what a citizen owes, the platform's unified payment order, its e-invoice ----
# Every amount is an integer number of fen (分) end to end: 8000 is 80.00 yuan. Text, booleans,
# fractions and negative amounts are refused by these models. A JSON number with no fraction
# (8000.0) is an integer to JSON Schema and is taken as one; the kiosk-controller contract over
# MQTT is stricter (hall_protocol/contract.py: JSON integers only).



FenAmount = Annotated[int, Field(ge=1, le=100_000_000, description="an integer number of fen (分)"),
                      BeforeValidator(_whole_fen)]


class PayableKind(str, Enum):
    fee = "fee"              # a fee of an application (工本费, 登记费)
    fine = "fine"            # a fine with its decision number (罚没款)
    charge = "charge"        # a charge the platform collects (医保个人缴费, 社保)


class PayableStatus(str, Enum):
    unpaid = "unpaid"
    paying = "paying"        # in a pending payment order (its order_id): pay that order, or wait for it to end
    paid = "paid"


class Payable(_Model):
    """One thing a citizen owes, as the platform lists it."""

    payable_id: str = Field(min_length=1, max_length=64)
    kind: PayableKind
    title: str = Field(max_length=100)
    department: str = Field(max_length=100)
    amount_fen: FenAmount
    matter_id: str | None = Field(default=None, max_length=64, description="the matter it belongs to, if any")
    reference: str = Field(default="", max_length=64,
                           description="the application number or decision number (决定书编号) it is for")
    due_date: date | None = None
    status: PayableStatus
    order_id: str | None = Field(default=None, max_length=64, description="paying or paid: its payment order")


class PayableList(_Model):
    items: list[Payable]


class PaymentOrderRequest(_Model):
    """Open one payment order for some of a citizen's payables. A pending order for exactly the
    same payables is returned again (the citizen came back); a payable already paid, or in
    another pending order, is refused (409 `already_paid`, `order_pending`)."""

    id_number: str = IdNumber
    payable_ids: list[str] = Field(min_length=1, max_length=20, json_schema_extra={"uniqueItems": True},
                                   description="each at most once (a payable listed twice is refused, 400)")
    amount_fen: FenAmount = Field(description="the total the citizen was shown, in fen; refused (409 "
                                              "`amount_mismatch`) when it is not the sum of the payables")
    kiosk_id: str = Field(min_length=1, max_length=64)


class PaymentStatus(str, Enum):
    pending = "pending"      # waiting for the citizen's wallet
    paid = "paid"            # charged once; the e-invoice follows (`invoice`)
    cancelled = "cancelled"  # cancelled before it was paid: nothing was charged
    expired = "expired"      # not paid before `expires_at`: nothing was charged


class PaymentLine(_Model):
    payable_id: str
    title: str
    amount_fen: FenAmount


class EInvoice(_Model):
    """The electronic receipt (财政电子票据) of a paid order; `verify_url` is what its QR code holds."""

    invoice_code: str = Field(max_length=32)
    invoice_no: str = Field(max_length=32)
    check_code: str = Field(max_length=32)
    amount_fen: FenAmount
    issued_at: datetime
    verify_url: str = Field(max_length=300)


class PaymentOrder(_Model):
    """The platform's unified payment order (统一支付订单): the citizen scans `pay_url` with their
    own wallet app and pays there; the kiosk follows `status`."""

    order_id: str = Field(min_length=1, max_length=64)
    status: PaymentStatus
    amount_fen: FenAmount
    items: list[PaymentLine] = Field(min_length=1)
    pay_url: str = Field(max_length=300, description="the payment QR code's content")
    payer_masked: str = Field(max_length=32)
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None = None
    channel: str | None = Field(default=None, max_length=32, description="paid: wechat, alipay, unionpay, ...")
    invoice: EInvoice | None = Field(default=None, description="paid: the e-invoice, once issued (it may lag)")
# ---- notifications (SMS) through the platform -------------------------------------------
# A citizen's phone is confirmed by a code the platform sends; from then on SMS go to the
# platform's stable pseudonym of that phone (`recipient_id`): the hall keeps no phone number.
PhoneNumber = Field(pattern=r"^1[3-9][0-9]{9}$", description="a mainland mobile number")


class VerificationRequest(_Model):
    """Send a code to confirm a phone number (the platform rate-limits per number)."""

    phone: str = PhoneNumber
    purpose: Literal["remote_ticket", "reminder"] = Field(description="what the code confirms (in the SMS text)")
    hall_id: str = Field(min_length=1, max_length=64)


class Verification(_Model):
    verification_id: str = Field(description="give it back with the code")
    phone_masked: str = Field(description="e.g. 138****5678")
    expires_in_s: int = Field(ge=1)
    resend_after_s: int = Field(ge=0, description="no second code to this number before then (409 too_soon)")


class VerificationCheck(_Model):
    code: str = Field(pattern=r"^[0-9]{4,8}$")


class Recipient(_Model):
    """A confirmed phone, as the hall may keep it."""

    recipient_id: str = Field(min_length=8, max_length=64,
                              description="the platform's stable pseudonym of the phone; SMS are sent to it")
    phone_masked: str


SmsTemplate = Literal["queue_reminder"]


class SmsRequest(_Model):
    """A template SMS to a confirmed phone; `queue_reminder` params: hall, ticket, ahead."""

    recipient_id: str = Field(min_length=8, max_length=64)
    template: SmsTemplate
    params: dict[str, str] = Field(default_factory=dict, max_length=8)


class SmsAck(_Model):
    message_id: str
    sent_at: datetime
