"""The MQTT contract of the hall: every topic, its payload model, QoS, retain flag and who
may publish or read it. docs/mqtt.md is generated from this module
(`python -m hall_protocol.docs > docs/mqtt.md`); a test fails when they differ.

Requests use MQTT 5 request/response: the requester sets Response Topic
(`reply/<client id>/<anything>`) and Correlation Data; the controller answers there with a
`Response` envelope ({status, data, error, transaction}). Every device's presence topic is
retained and carries a last will ("offline").
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, model_validator

from hall_protocol import platform as bm
from hall_protocol.alerts import AlertAck, AlertBoard
from hall_protocol.followup import CaseBoard, CaseUpdate
from hall_protocol.rating_pad import PadRating, PadState
from hall_protocol.staff import StaffCard, StaffSignIn
from hall_protocol.hall_config import HallKioskConfig
from hall_protocol.help import HelpAck, HelpBoard, HelpRequest
from hall_protocol.opsmsg import OpsRequest
from hall_protocol.payload import MaskedText, Payload
from hall_protocol.payments import PAYMENT_ERROR_CODES, PayablesAnswer, PaymentAnswer, ReceiptAnswer
from hall_protocol.phone import PHONE_ERROR_CODES, CheckInRequest, PhoneRequest, QueueProgress
from hall_protocol.rating import RateableAnswer
from hall_protocol.reporting import ReportRequest
from hall_protocol.stats import HallStats

ROOT = "hall"
_log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


# ---- requests and responses ------------------------------------------------------------
class TicketRequest(Payload):
    """A kiosk (or the phone gateway) asks for a ticket."""

    service: str = Field(pattern=r"^[A-Z]$", description="service code, e.g. A")
    request_id: MaskedText = Field(min_length=8, max_length=64,
                                   description="unique per citizen action; a retry with the same id returns the same "
                                               "ticket (an opaque id: anything in it shaped like an ID or phone "
                                               "number is masked)")
    priority: Literal["normal", "appointment", "green"] = "normal"
    appointment_code: MaskedText | None = Field(
        None, max_length=64, description="informational (the check-in through the platform is BackendRequest "
                                         "check_in); anything shaped like an ID or phone number is masked")
    lang: Literal["zh", "en"] = "zh"
    guide: bool = Field(False, description="the citizen asked the guide robot to lead them to the window "
                                           "when the ticket is called (the hall's robot.guide_on_call decides)")


class TicketInfo(Payload):
    number: str = Field(description="e.g. A001")
    service: str
    service_name: str
    service_name_en: str
    area: str
    area_en: str
    people_ahead: int
    estimated_wait_min: float | None
    issued_at: str = Field(description="ISO 8601 with offset")
    day: str = Field(description="the service day, YYYY-MM-DD")
    priority: str
    qr_url: str
    hall_name: str
    hall_name_en: str


WindowAction = Literal[
    "call_next", "call", "recall", "start", "finish", "no_show", "transfer",
    "pause", "resume", "cancel", "status", "open", "close",
]


class WindowCommand(Payload):
    """A window caller (software or a hardware keypad) acts for its window.

    `open` signs the window on (it is then offered automatic calls when the hall has them),
    `close` signs it off (it no longer counts in waiting-time estimates). `call_next` on a
    closed window opens it. A called ticket that is marked `no_show` may come back: `call`
    accepts it again the same day."""

    window: int = Field(ge=1)
    action: WindowAction
    ticket: str | None = Field(None, max_length=8, description="for call / cancel: the ticket number")
    to_service: str | None = Field(None, pattern=r"^[A-Z]$", description="for transfer")
    to_window: int | None = Field(None, ge=1, description="for transfer")
    front: bool = Field(False, description="for transfer: to the front of the queue")
    reason: MaskedText | None = Field(None, max_length=100, description="for pause (ID and phone numbers in it "
                                                                         "are masked)")
    request_id: MaskedText | None = Field(None, min_length=8, max_length=64,
                                          description="unique per clerk action; needed by every action that changes "
                                                      "state (all but status): a retry with the same id (its answer "
                                                      "was lost) gets the first answer's ticket and window, and "
                                                      "changes nothing")
    requeue: bool | None = Field(None, description="for no_show: put the ticket back at the end of the queue; "
                                 "unset = the hall's setting (no_show.requeue)")
    clerk: MaskedText | None = Field(None, max_length=40, description="the clerk's staff id (masked if shaped "
                                                                      "like an ID or phone number)")


class Response(Payload):
    status: Literal["ok", "error"]
    data: dict[str, Any] | None = None
    error: str | None = None
    code: str | None = Field(None, description="machine-readable error code, e.g. bad_request, forbidden")
    transaction: str | None = None


# ---- backend functions for kiosks (the controller calls the platform for them) ----------
BackendOp = Literal["matters", "guide", "appointments", "appointment", "check_in", "progress",
                    "licences", "licence_pdf", "record_print", "rate"]
# The arguments each op needs; anything else it gets is ignored.
BACKEND_OP_ARGS: dict[str, tuple[str, ...]] = {
    "matters": (), "guide": ("matter_id",), "appointments": ("id_number",), "appointment": ("code",),
    "check_in": ("code", "request_id"), "progress": ("id_number",), "licences": ("id_number",),
    "licence_pdf": ("licence_id",), "record_print": ("licence_id", "request_id"),
    "rate": ("ticket", "score", "request_id"),
}
# Error codes of backend answers: `backend_unavailable` (unreachable, timeout, 5xx: the kiosk says
# so and still issues tickets), `backend_contract` (the platform answered nonsense),
# `backend_refused` (4xx), `not_found`, the platform's own 409 codes (`appointment_checked_in`,
# `appointment_cancelled`, `not_today`, `already_printed`, `not_printable`), and for ratings
# `not_served` and `already_rated`.
BACKEND_ERROR_CODES = ("backend_unavailable", "backend_contract", "backend_refused", "not_found",
                       "appointment_checked_in", "appointment_cancelled", "not_today", "already_printed",
                       "not_printable", "not_served", "already_rated", "bad_request")
# Payment (hall_protocol/payments.py) and check-in by booking code: their ops, arguments and codes.
BackendOp = Literal[BackendOp, Literal["payables", "pay_create", "pay_status", "pay_cancel", "pay_receipt",
                                       "rateable"]]
BACKEND_OP_ARGS.update({"rateable": ("id_number",),
    "payables": ("id_number",), "pay_create": ("id_number", "payable_ids", "amount_fen", "request_id"),
    "pay_status": ("order_id",), "pay_cancel": ("order_id", "request_id"), "pay_receipt": ("order_id", "request_id"),
})
BACKEND_ERROR_CODES += PAYMENT_ERROR_CODES + ("appointment_early", "appointment_late", "other_hall", "rating_closed")


class BackendRequest(Payload):
    """A kiosk asks for a backend function; `op` decides which arguments are needed
    (BACKEND_OP_ARGS). ID numbers travel only here, never in topics, and are logged masked."""

    op: BackendOp
    matter_id: str | None = Field(None, max_length=64, description="guide; rate: the matter handled, if known")
    id_number: str | None = Field(None, pattern=bm.ID_NUMBER_PATTERN,
                                  description="appointments, progress, licences: the identified citizen")
    code: str | None = Field(None, max_length=64, description="appointment, check_in: the appointment code")
    licence_id: str | None = Field(None, max_length=64, description="licence_pdf, record_print")
    chunk: int = Field(0, ge=0, description="licence_pdf: which chunk (0 first)")
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$",
                               description="licence_pdf, chunk > 0: the sha256 announced with chunk 0")
    request_id: MaskedText | None = Field(None, min_length=8, max_length=64,
                                          description="check_in, record_print, rate: a retry with the same id is "
                                                      "applied once")
    reprint_reason: MaskedText | None = Field(None, max_length=200,
                                              description="record_print of an already printed licence")
    ticket: str | None = Field(None, max_length=8, description="rate: today's ticket number, e.g. A012")
    score: int | None = Field(None, ge=1, le=5, description="rate: 1 (very bad) .. 5 (very good)")
    reason_codes: list[Annotated[MaskedText, Field(max_length=32)]] = Field(
        [], max_length=10, description="rate: optional reasons")
    comment: str = Field("", max_length=500, description="rate: optional comment, passed to the platform as "
                                                         "written (it may need a phone number to call back)")
    lang: Literal["zh", "en"] = "zh"
    # payment (hall_protocol/payments.py): amounts are integers in fen
    payable_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        [], max_length=20, description="pay_create: what the citizen chose to pay")
    amount_fen: int | None = Field(None, ge=1, le=100_000_000, strict=True,
                                   description="pay_create: the total shown to the citizen, in fen (an integer)")
    order_id: str | None = Field(None, max_length=64, description="pay_status, pay_cancel, pay_receipt")
    day: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$",
                            description="rate: the ticket's service day (yesterday's within the hall's rating "
                                        "window); unset = today")

    @model_validator(mode="after")
    def _args(self) -> "BackendRequest":
        missing = [a for a in BACKEND_OP_ARGS[self.op] if getattr(self, a) in (None, "", [])]
        if missing:
            raise ValueError(f"op {self.op} needs {', '.join(missing)}")
        return self


class MattersAnswer(Payload):
    items: list[bm.Matter]


class GuideAnswer(Payload):
    guide: bm.Guide


class AppointmentsAnswer(Payload):
    items: list[bm.Appointment]


class AppointmentAnswer(Payload):
    appointment: bm.Appointment


class ProgressAnswer(Payload):
    items: list[bm.Application]


class LicencesAnswer(Payload):
    items: list[bm.Licence]


class CheckInAnswer(Payload):
    """The appointment, checked in, and the ticket issued for it with priority "appointment"."""

    appointment: bm.Appointment
    ticket: TicketInfo


class PdfChunk(Payload):
    """One piece of a licence PDF. The kiosk joins chunks 0..chunks-1 and checks size and
    sha256 of the whole before printing; each chunk also carries its own sha256."""

    licence_id: str
    size: int = Field(ge=0, description="bytes of the whole PDF")
    sha256: str = Field(description="hex sha256 of the whole PDF")
    chunk: int = Field(ge=0)
    chunks: int = Field(ge=1)
    data_b64: str = Field(description="base64 of this chunk's bytes")
    chunk_sha256: str


class PrintAnswer(Payload):
    record: bm.PrintRecord


class RatingAnswer(Payload):
    """The rating is stored durably (it reaches the platform through the outbox)."""

    ticket: str
    score: int
    duplicate: bool = Field(False, description="the same rating was already stored (a retry)")
    matter_id: str | None = Field(None, description="the matter the rating names (sent, or the ticket's)")


# ---- retained state and events ----------------------------------------------------------
class CallInfo(Payload):
    window: int
    ticket: str
    service: str
    service_name: str
    at: str
    recall: int = 0


class WindowState(Payload):
    window: int
    state: Literal["idle", "calling", "serving", "paused", "closed"]
    ticket: str | None = None
    since: str | None = None
    reason: str | None = None


class Board(Payload):
    """Everything a calling screen shows; retained, so a screen rebuilds at once."""

    hall: str
    hall_name: str
    day: str
    seq: int = Field(description="increases with every change; a screen ignores older boards")
    updated_at: str
    windows: list[WindowState]
    current: list[CallInfo] = Field(description="the current call of each window that has one")
    recent: list[CallInfo] = Field(description="the last calls, newest first")
    waiting: dict[str, int] = Field(description="service code -> tickets waiting")
    services: dict[str, str] = Field(description="service code -> Chinese name")
    notice: str = ""
    controller: str = Field("", description="the controller process that owns the hall now (its presence says "
                                            "whether the hall's queue can be reached)")
    services_en: dict[str, str] = Field({}, description="service code -> English name")
    missed: list[str] = Field([], description="today's missed tickets (过号: called, did not come, not re-queued), "
                                              "newest first, at most 12")
    full: list[str] = Field([], description="services that have issued their daily limit today (the kiosks grey "
                                            "them before the tap)")

    def is_newer_than(self, old: "Board | None") -> bool:
        """The one freshness rule for boards (screens, callers, supervisor, displays, kiosk): a
        board replaces the one shown unless it has a lower seq of the same or an earlier day."""
        return old is None or self.day > old.day or (self.day == old.day and self.seq > old.seq)


class QueuedTicket(Payload):
    number: str
    service: str
    priority: str
    issued_at: str


class CurrentTicket(Payload):
    number: str
    service: str
    state: Literal["called", "serving"]
    priority: str
    called_at: str | None
    started_at: str | None
    recalls: int
    issued_at: str


class WindowView(Payload):
    """What a window's caller shows (and the window's own screen): its state, its current
    ticket and the tickets it would call next, in that order. Retained; republished whenever
    it changes, so a caller never has to ask."""

    hall: str
    window: int
    day: str
    seq: int = Field(description="the board's sequence when this was made; a caller ignores older ones")
    version: int = Field(0, description="the hall's change count when this was made: a command's answer with a "
                                        "lower `version` is older than this state")
    state: WindowState
    clerk: str | None = None
    ticket: CurrentTicket | None
    waiting: list[QueuedTicket] = Field(description="the first tickets this window would call, in that order")
    waiting_total: int = Field(description="all tickets this window may call")

    def is_newer_than(self, old: "WindowView | None") -> bool:
        return old is None or self.day > old.day or (self.day == old.day and self.seq > old.seq)


class CallEvent(Payload):
    """A call to announce (voice, window display). Not retained: screens use the board."""

    hall: str
    call: CallInfo
    text_zh: str
    text_en: str


class Presence(Payload):
    """Retained on presence/<id> (hall_protocol/presence.py); the last will says offline."""

    state: Literal["online", "offline"]
    role: str = ""
    halls: list[str] = []
    at: str | None = None
    version: str = Field("", max_length=40, description="the suite's version the process runs")
    started_at: str | None = Field(None, description="ISO 8601 with offset: when the process started (its uptime)")


class OutboxBacklog(Payload):
    count: int = Field(description="items waiting for the platform (ratings, ticket events)")
    oldest_age_s: float = Field(description="age of the oldest waiting item; 0 when none")
    dead: int = Field(description="items the platform refused for good (see the controller's log)")
    last_error: str | None = None


class Health(Payload):
    """The controller's health for one hall; retained, refreshed every few seconds."""

    hall: str
    controller: str
    at: str
    backend: Literal["ok", "delayed", "unavailable", "not_configured"] = Field(
        description="ok; delayed: items wait undelivered longer than a short grace though no platform failure is "
                    "known (e.g. after a restart); unavailable: the platform's last answer was a failure; "
                    "not_configured: an offline hall")
    backend_error: str | None = None
    outbox: OutboxBacklog


PartName = Literal["printer", "idcard", "camera", "a4printer", "display", "speech", "smartcard"]


class PartHealth(Payload):
    """One part of a device, in the drivers' status vocabulary (drivers/core/status.py)."""

    part: PartName
    state: Literal["online", "offline", "power_off", "no_device", "hardware_error", "user_error", "busy"]
    details: list[str] = Field([], max_length=10, description="device-specific, e.g. paper_out, paper_near_end")
    action: Literal["none", "staff", "technician"] = Field(
        description="who must act: none, staff can clear it (load paper), a technician must come")
    message: str = Field("", max_length=200, description="the driver's message; never personal data")
    counters: dict[str, int] = Field({}, description="kept per part: prints, cuts, reads, faults, ...")
    changed_at: str = Field(description="ISO 8601 with offset: when this part's status last changed")


class DeviceHealth(Payload):
    """A device's parts and their faults; retained, republished whenever a part changes.
    An empty non-retained message on the topic is a broker check (`hall-provision check`)
    and is ignored."""

    device: str
    role: str
    hall: str
    at: str = Field(description="ISO 8601 with offset: when this message was made")
    parts: list[PartHealth]


# ---- the guide robot (docs/robot.md) ----------------------------------------------------
RobotTaskKind = Literal["greet", "guide", "announce", "go_home", "cancel"]
RobotProgress = Literal["accepted", "moving", "arrived", "done", "failed"]


class RobotTask(Payload):
    """A task for the guide robot. The robot does one task at a time: a new task (other than
    `cancel`) while it is busy is answered with progress `failed`, reason `busy`. `cancel`
    stops the task named by `cancels` (or the current one) and the robot reports that task
    `failed` with reason `cancelled`; a `cancel` itself gets no progress of its own."""

    task_id: str = Field(min_length=8, max_length=64, description="unique; every RobotState about this task names it")
    kind: RobotTaskKind
    window: int | None = Field(None, ge=1, description="guide: the window to lead the citizen to")
    area: str | None = Field(None, max_length=64, description="guide, go_home: the area to go to, e.g. 一楼东区 "
                             "or home; guide gives window or area")
    text_zh: str = Field("", max_length=300, description="greet, announce, guide: what to say, Chinese")
    text_en: str = Field("", max_length=300, description="the same in English")
    ticket: str | None = Field(None, max_length=8, description="guide: the called ticket number, e.g. A012, "
                               "to show on the robot's screen")
    priority: Literal["normal", "high"] = Field("normal", description="high: green channel (elderly, disabled)")
    cancels: str | None = Field(None, max_length=64, description="cancel: the task to stop; unset = the current one")
    issued_at: str = Field(description="ISO 8601 with offset")

    @model_validator(mode="after")
    def _target(self) -> "RobotTask":
        if self.kind == "guide" and self.window is None and not self.area:
            raise ValueError("a guide task needs window or area")
        return self


class RobotPosition(Payload):
    x: float = Field(description="metres east of the hall's origin (the robot's map)")
    y: float = Field(description="metres north of the hall's origin")
    area: str = Field("", max_length=64, description="the named area the robot is in, e.g. entrance, 一楼东区")


class RobotTaskStatus(Payload):
    task_id: str = Field(min_length=1, max_length=64)
    progress: RobotProgress = Field(description="accepted -> moving -> arrived -> done, or failed at any step")
    reason: str | None = Field(None, max_length=200, description="failed: why (busy, battery_low, obstacle, "
                               "cancelled, lost, ...)")


class RobotState(Payload):
    """What the robot says about itself; retained, published on every change of state,
    task progress or area, and at least every 10 s while it moves or charges."""

    state: Literal["idle", "busy", "charging", "error", "offline"]
    position: RobotPosition
    battery: float = Field(ge=0, le=100, description="percent")
    task: RobotTaskStatus | None = Field(None, description="the current or last task")
    error: str | None = Field(None, max_length=200, description="state error: what is wrong")
    at: str = Field(description="ISO 8601 with offset")


class RobotHelpRequest(Payload):
    """A kiosk's "call the robot" help button: send the robot to this kiosk (greet the
    citizen there), or to guide them to a window or area. Answered with
    Response(data={task_id, robot}) or an error with code `robot_unavailable`."""

    request_id: MaskedText = Field(min_length=8, max_length=64,
                                   description="a retry with the same id sends no second task")
    kind: Literal["greet", "guide"] = "greet"
    window: int | None = Field(None, ge=1, description="guide: the window")
    area: MaskedText | None = Field(None, max_length=64, description="guide: the area; greet: where the kiosk stands")
    lang: Literal["zh", "en"] = "zh"


class RobotView(Payload):
    """The controller's view of one robot (what the supervisor shows)."""

    id: str
    online: bool = Field(description="its presence is online and its state is not offline")
    state: str = Field(description="the robot's own state, or offline / unknown")
    battery: float | None = None
    position: RobotPosition | None = None
    task: RobotTaskStatus | None = Field(None, description="the task in progress or the last one, as the controller "
                                         "sees it (a task without progress in time is failed: timeout)")
    at: str | None = None


class RobotBoard(Payload):
    """The hall's robots as the controller sees them; retained."""

    hall: str
    robots: list[RobotView]
    at: str


# ---- the topic table: one row per topic, the source of the broker's ACL and of docs/mqtt.md --
Role = Literal["controller", "kiosk", "caller", "screen", "display", "supervisor", "robot", "web", "ratingpad",
               "technician"]
ROLES: tuple[str, ...] = ("controller", "kiosk", "caller", "screen", "display", "supervisor", "robot", "web",
                          "ratingpad", "technician")
DEVICE_ROLES: tuple[str, ...] = ROLES[1:-1]  # a technician is a person with a command (hall-ops), not a device
# Where a role may publish or read a topic, as the identity's own placeholders fill it in:
#   own         {client} / {robot} is the identity's own id, {hall} its hall
#   controller  {client} is the controller's id ("the controller's presence")
#   hall        its own hall, any device
#   any         every hall, any device
#   city        {client} is the identity's own id, in every hall (the public web service)
#   tech        {client} is the identity's own id, any {device}, its hall (every hall without one): a technician
#   target      {device} is the identity's own id, any {client}, its hall (every hall without one): ops requests
Scope = Literal["own", "controller", "hall", "any", "city", "tech", "target"]
SCOPE_WORDS = {"own": "its own id", "controller": "the controller's", "hall": "its hall", "any": "every hall",
               "city": "its own id, every hall", "tech": "its own id, any device of its halls",
               "target": "addressed to it"}
HALL_VIEWERS = {"kiosk": "hall", "caller": "hall", "screen": "hall", "display": "hall", "supervisor": "hall"}


@dataclass(frozen=True)
class Topic:
    """A topic of the contract. `publish` and `read` say which role may do so, and where
    (Scope); the broker's ACL (hall_protocol.acl) and the "published by / read by" columns of
    docs/mqtt.md are generated from them, and a test proves every row on the real broker."""

    pattern: str
    model: type[BaseModel]
    qos: int
    retained: bool
    doc: str
    publish: dict[str, Scope] = field(default_factory=dict)
    read: dict[str, Scope] = field(default_factory=dict)

    def format(self, **kw) -> str:
        return self.pattern.format(root=ROOT, **kw)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(n for n in re.findall(r"{(\w+)}", self.pattern) if n != "root")

    def filter_for(self, scope: Scope, *, hall: str | None, client: str, controller: str) -> str:
        """The topic filter an identity with `scope` gets: its own values where the scope
        names them, `+` (or `#` for the trailing {rest}) elsewhere."""
        values: dict[str, str] = {}
        for name in self.placeholders:
            if name == "rest":
                values[name] = "#"
            elif name == "hall":
                values[name] = hall if scope in ("own", "hall", "controller", "tech", "target") and hall else "+"
            elif scope == "tech":
                values[name] = client if name == "client" else "+"
            elif scope == "target":
                values[name] = client if name == "device" else "+"
            elif scope in ("own", "city"):
                values[name] = client
            elif scope == "controller":
                values[name] = controller
            else:
                values[name] = "+"
        return self.format(**values)

    def match(self, topic: str) -> dict[str, str] | None:
        """The placeholders' values of a concrete topic, or None when it is not this topic."""
        m = _pattern_re(self.pattern).fullmatch(topic)
        return None if m is None else m.groupdict()


@lru_cache(maxsize=None)
def _pattern_re(pattern: str) -> re.Pattern:
    out, pos = [], 0
    for m in re.finditer(r"{(\w+)}", pattern):
        out.append(re.escape(pattern[pos:m.start()]))
        name = m.group(1)
        out.append(re.escape(ROOT) if name == "root" else (f"(?P<{name}>.+)" if name == "rest" else f"(?P<{name}>[^/+#]+)"))
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("".join(out))


def who(access: dict[str, Scope]) -> str:
    """"kiosk (its own id); controller (every hall)" for the docs' columns."""
    groups: dict[str, list[str]] = {}
    for role, scope in access.items():
        groups.setdefault(scope, []).append(role)
    return "; ".join(f"{', '.join(roles)} ({SCOPE_WORDS[scope]})" for scope, roles in groups.items())


TICKET_REQUEST = Topic("{root}/{hall}/request/ticket/{client}", TicketRequest, 1, False,
                       "Request a ticket; answered with Response(data=TicketInfo). `client` is the publisher's own id "
                       "(the broker lets a client publish only under its own id).",
                       publish={"kiosk": "own"}, read={"controller": "any"})
WINDOW_REQUEST = Topic("{root}/{hall}/request/window/{client}", WindowCommand, 1, False,
                       "A window command; answered with Response(data={ticket, window_state}); `status` also answers "
                       "`waiting`: the window's waiting tickets in the order it would call them ({number, service, "
                       "priority, waited_min}). A caller may only command the window it is provisioned for; the "
                       "controller's own identity (maintenance tools) may command any window.",
                       publish={"caller": "own", "controller": "own"}, read={"controller": "any"})
BACKEND_REQUEST = Topic("{root}/{hall}/request/backend/{client}", BackendRequest, 1, False,
                        "A backend function (catalogue, guide, appointments, check-in, progress, licences, "
                        "licence PDF, print record, rating); answered with Response(data=<op's answer model>: "
                        "MattersAnswer, GuideAnswer, AppointmentsAnswer, AppointmentAnswer, CheckInAnswer, "
                        "ProgressAnswer, LicencesAnswer, PdfChunk, PrintAnswer, RatingAnswer; payment "
                        "(hall_protocol/payments.py): PayablesAnswer, PaymentAnswer, ReceiptAnswer). Error codes: "
                        + ", ".join(f"`{c}`" for c in BACKEND_ERROR_CODES) + ". Only the controller holds "
                        "the platform's credentials.",
                        publish={"kiosk": "own"}, read={"controller": "any"})
ROBOT_REQUEST = Topic("{root}/{hall}/request/robot/{client}", RobotHelpRequest, 1, False,
                      "A kiosk's help button calls the robot; answered with "
                      "Response(data={task_id, robot: RobotView}); code `robot_unavailable` when no robot can come.",
                      publish={"kiosk": "own"}, read={"controller": "any"})
BOARD = Topic("{root}/{hall}/state/board", Board, 1, True, "The hall's calling board, retained.",
              publish={"controller": "any"}, read={"controller": "any", **HALL_VIEWERS})
WINDOW_STATE = Topic("{root}/{hall}/state/window/{window}", WindowView, 0, True,
                     "One window as its caller shows it: state, current ticket, the next tickets in its calling "
                     "order (retained; callers follow it instead of asking for `status`). QoS 0: the controller "
                     "publishes every window's state again after each reconnect, and a hall's waiting lists go "
                     "out together at most once a second (a window's own change at once).",
                     publish={"controller": "any"}, read={"controller": "any", **HALL_VIEWERS})
HEALTH = Topic("{root}/{hall}/state/health", Health, 1, True,
               "Backend reachability and the outbox backlog (ratings and ticket events not yet delivered).",
               publish={"controller": "any"}, read={**HALL_VIEWERS})
DEVICE_HEALTH = Topic("{root}/{hall}/state/device/{client}", DeviceHealth, 1, True,
                      "The health of a device's parts (printer, ID card reader, camera, A4 printer, display, "
                      "speech): state, the action it needs, message, counters, when it changed. Retained; "
                      "republished whenever a part's status changes and on every reconnect. The controller "
                      "publishes it for the window displays it drives.",
                      publish={"controller": "any", **{r: "own" for r in DEVICE_ROLES}},
                      read={"supervisor": "any", "controller": "any"})
ROBOT_BOARD = Topic("{root}/{hall}/state/robot", RobotBoard, 1, True,
                    "The hall's robots as the controller sees them (state, battery, task and its progress).",
                    publish={"controller": "any"}, read={**HALL_VIEWERS})
CALL_EVENT = Topic("{root}/{hall}/event/call", CallEvent, 1, False, "One call or recall to announce.",
                   publish={"controller": "any"},
                   read={"controller": "any", "screen": "hall", "display": "hall", "supervisor": "hall"})
PRESENCE = Topic("presence/{client}", Presence, 1, True, "Presence; the last will sets state offline. The "
                 "controller also publishes it for the window displays it drives.",
                 publish={**{r: "own" for r in DEVICE_ROLES}, "controller": "any"},
                 read={"controller": "any", "supervisor": "any", **{r: "controller" for r in DEVICE_ROLES
                                                                     if r != "supervisor"}})
REPLY = Topic("reply/{client}/{rest}", Response, 1, False,
              "Responses to requests (MQTT 5 response topic); each client reads only its own. The controller "
              "also reads its own: its watchdog's message to itself (servicekit) proves its MQTT loop alive.",
              publish={"controller": "any"}, read={"controller": "own", **{r: "own" for r in DEVICE_ROLES}})
ROBOT_TASK = Topic("{root}/{hall}/robot/{robot}/task", RobotTask, 1, False,
                   "A task for the robot (docs/robot.md). Not retained: a robot that was away gets no stale task.",
                   publish={"controller": "any"}, read={"robot": "own"})
ROBOT_STATE = Topic("{root}/{hall}/robot/{robot}/state", RobotState, 1, True,
                    "The robot's state, position, battery and task progress, retained. "
                    "Its presence (`presence/<robot>`, last will offline) says whether it is connected.",
                    publish={"robot": "own"}, read={"controller": "any", "supervisor": "hall"})

HELP_REQUEST = Topic("{root}/{hall}/request/help/{client}", HelpRequest, 1, False,
                     "A kiosk's help button (hall_protocol/help.py): which page, what failed; answered with "
                     "Response(data={help_id}). One open call per kiosk: pressing again updates it.",
                     publish={"kiosk": "own"}, read={"controller": "any"})
HELP_ACK = Topic("{root}/{hall}/request/help_ack/{client}", HelpAck, 1, False,
                 "A clerk is coming to a kiosk's help call; answered with Response(data=HelpCall).",
                 publish={"caller": "own", "supervisor": "own"}, read={"controller": "any"})
HELP_BOARD = Topic("{root}/{hall}/state/help", HelpBoard, 1, True,
                   "The hall's help calls, open and recently acknowledged (retained): callers and supervisor "
                   "desks show them, the kiosk learns that somebody is coming.",
                   publish={"controller": "any"}, read={"controller": "any", **HALL_VIEWERS})
REPORT_REQUEST = Topic("{root}/{hall}/request/report/{client}", ReportRequest, 1, False,
                       "A supervisor desk asks for the statistics of a range of days (hall_protocol/reporting.py); "
                       "answered with Response(data=ReportAnswer): one ReportTable per dimension asked for. "
                       "The desk needs no database of its own.",
                       publish={"supervisor": "own"}, read={"controller": "any"})
STATS = Topic("{root}/{hall}/state/stats", HallStats, 1, True,
              "Today's figures of the hall (hall_protocol/stats.py): per service issued, waiting, served, longest "
              "and average wait against the target; per window state and tickets served; tickets per hour; "
              "today's ratings. Retained; republished when they change, at most every few seconds.",
              publish={"controller": "any"}, read={"controller": "any", **HALL_VIEWERS})
# ---- the citizen's phone and the public web service (hall_protocol/phone.py, role web) --------
PHONE_REQUEST = Topic("{root}/{hall}/request/phone/{client}", PhoneRequest, 1, False,
                      "The public web service asks for a citizen's phone (hall_protocol/phone.py): `follow` a ticket "
                      "by its page token, `send_code` (an SMS code through the platform), `take` a remote ticket "
                      "with that code, `remind` (people-ahead thresholds, by SMS and on the page), `rate` once; "
                      "answered with Response(data=PhoneTicket, CodeSent or PhoneRating). Error codes: "
                      + ", ".join(f"`{c}`" for c in PHONE_ERROR_CODES) + ". The web service never holds the "
                      "platform's credentials; phone numbers travel only in this payload.",
                      publish={"web": "city"}, read={"controller": "any"})
CHECKIN_REQUEST = Topic("{root}/{hall}/request/checkin/{client}", CheckInRequest, 1, False,
                        "A remote ticket joins the calling order (halls that want check-in): a kiosk scanned the "
                        "phone's QR (token), or a clerk confirmed the number; answered with "
                        "Response(data=PhoneTicket).",
                        publish={"kiosk": "own", "caller": "own"}, read={"controller": "any"})
TICKETS_STATE = Topic("{root}/{hall}/state/tickets", QueueProgress, 1, True,
                      "Every open ticket of the hall by number (state, people ahead, estimate, window, recalls, "
                      "reminders reached) and those finished in the last minutes; retained, republished after "
                      "the board when it changed. No personal data: the web service fans it out to the pages.",
                      publish={"controller": "any"}, read={"controller": "any", "web": "any"})
# -- the supervisor's alerts (hall_protocol/alerts.py) --
ALERTS = Topic("{root}/{hall}/state/alerts", AlertBoard, 1, True,
               "The hall's alerts (hall_protocol/alerts.py): a wait over its target, a window calling too long, a "
               "device fault, a kiosk's help call, a bad rating; each shown until a supervisor acknowledges it. "
               "Retained; republished on every change.",
               publish={"controller": "any"}, read={"controller": "any", **HALL_VIEWERS})
ALERT_ACK = Topic("{root}/{hall}/request/alert_ack/{client}", AlertAck, 1, False,
                  "A supervisor acknowledges an alert; answered with Response(data=Alert).",
                  publish={"supervisor": "own"}, read={"controller": "any"})
STAFF_REQUEST = Topic("{root}/{hall}/request/staff/{client}", StaffSignIn, 1, False,
                      "A clerk signs in (staff number and PIN) or out at the window caller (hall_protocol/staff.py); "
                      "answered with Response(data=StaffCard without photo). A caller signs in at its own window only.",
                      publish={"caller": "own"}, read={"controller": "any"})
CLERK = Topic("{root}/{hall}/state/clerk/{window}", StaffCard, 1, True,
              "Who serves at a window: staff number, name, title, photo (亮证服务); retained. For the window screen, "
              "the rating pad, the caller and the supervisor.",
              publish={"controller": "any"}, read={"controller": "any", **HALL_VIEWERS, "ratingpad": "hall"})
PAD_STATE = Topic("{root}/{hall}/state/pad/{window}", PadState, 1, True,
                  "What a window's rating pad shows (hall_protocol/rating_pad.py): the ticket served, then the "
                  "invitation to rate it; retained.",
                  publish={"controller": "any"}, read={"controller": "any", "ratingpad": "hall", "supervisor": "hall"})
RATING_REQUEST = Topic("{root}/{hall}/request/rating/{client}", PadRating, 1, False,
                       "A rating pad's rating of the ticket just served at its window; answered with "
                       "Response(data=RatingAnswer). Stored in the durable outbox, one per ticket.",
                       publish={"ratingpad": "own"}, read={"controller": "any"})
CASES = Topic("{root}/{hall}/state/cases", CaseBoard, 1, True,
              "Follow-up cases of bad ratings (hall_protocol/followup.py): open ones and those closed lately, "
              "overdue flagged; retained.",
              publish={"controller": "any"}, read={"controller": "any", "supervisor": "hall"})
CASE_REQUEST = Topic("{root}/{hall}/request/case/{client}", CaseUpdate, 1, False,
                     "A supervisor moves a follow-up case on (assign, contact, rectify, close); answered with "
                     "Response(data=FollowUpCase).",
                     publish={"supervisor": "own"}, read={"controller": "any"})
HALL_CONFIG = Topic("{root}/{hall}/state/config", HallKioskConfig, 1, True,
                    "The hall's kiosk-facing configuration (hall_protocol/hall_config.py): services with names, "
                    "areas, hours and limits, hall names, waiting areas, notices, kiosk timeouts, the elderly "
                    "ages, the phone page URL. Retained; published by the controller at start, after every "
                    "reconnect and after a reload that changed it. Nothing secret (no platform credentials, "
                    "PINs or passwords): a kiosk's own file holds only its identity, broker and devices.",
                    publish={"controller": "any"},
                    read={"controller": "any", **HALL_VIEWERS, "ratingpad": "hall", "web": "any"})
# -- remote operations for technicians (hall_protocol/ops.py, the command hall-ops) --
OPS_REQUEST = Topic("{root}/{hall}/ops/{device}/request/{client}", OpsRequest, 1, False,
                    "A technician (`client`, role technician) asks a device or app (`device`: a kiosk, a screen, "
                    "the controller, ...) for an operation (hall_protocol/ops.py): `info`, `log` (recent lines, "
                    "personal data masked), `counters`, `config` (a kiosk's own safe keys), `restart`. Answered "
                    "on OPS_REPLY. Only technicians send these; a device reads only those addressed to it.",
                    publish={"technician": "tech"},
                    read={"controller": "target", **{r: "target" for r in DEVICE_ROLES}})
OPS_REPLY = Topic("{root}/{hall}/ops/{device}/reply/{client}", Response, 1, False,
                  "A device's answer to a technician's ops request: Response(data=OpsInfo, OpsLog, counters, "
                  "OpsConfigResult) echoing `transaction`. A device answers only as itself, and only the technician "
                  "named by `client` reads it.",
                  publish={"controller": "target", **{r: "target" for r in DEVICE_ROLES}},
                  read={"technician": "tech"})
# What the public web service reads of the rows above (its hall page, city page and data screen).
for _topic in (BOARD, STATS, DEVICE_HEALTH, ALERTS):
    _topic.read["web"] = "any"
# What a technician reads of them: every device's presence, the health of its halls' devices and controller.
PRESENCE.read["technician"] = "any"
for _topic in (DEVICE_HEALTH, HEALTH):
    _topic.read["technician"] = "hall"
TOPICS = [TICKET_REQUEST, WINDOW_REQUEST, BACKEND_REQUEST, BOARD, WINDOW_STATE, HEALTH, DEVICE_HEALTH, CALL_EVENT, PRESENCE, REPLY,
          ROBOT_TASK, ROBOT_STATE, ROBOT_REQUEST, ROBOT_BOARD, REPORT_REQUEST, HELP_REQUEST, HELP_ACK, HELP_BOARD,
          STATS, PHONE_REQUEST, CHECKIN_REQUEST, TICKETS_STATE,
          ALERTS, ALERT_ACK, STAFF_REQUEST, CLERK, PAD_STATE, RATING_REQUEST, CASES, CASE_REQUEST, HALL_CONFIG,
          OPS_REQUEST, OPS_REPLY]
BACKEND_ANSWERS = {"matters": MattersAnswer, "guide": GuideAnswer, "appointments": AppointmentsAnswer,
                   "appointment": AppointmentAnswer, "check_in": CheckInAnswer, "progress": ProgressAnswer,
                   "licences": LicencesAnswer, "licence_pdf": PdfChunk, "record_print": PrintAnswer,
                   "rate": RatingAnswer}
BACKEND_ANSWERS.update({"payables": PayablesAnswer, "pay_create": PaymentAnswer, "pay_status": PaymentAnswer,
                        "pay_cancel": PaymentAnswer, "pay_receipt": ReceiptAnswer, "rateable": RateableAnswer})


def encode(model: BaseModel) -> bytes:
    return model.model_dump_json(exclude_none=False).encode("utf-8")


def stamp(body: bytes, field: str, blank: str, value: str) -> bytes:
    """`body` (a model encoded with `field` blank) with that field's value put in, where the
    field is one of the model's own, declared before its nested objects and free text (so that
    its first occurrence is the field itself: a string's quotes are escaped in JSON and cannot
    make it). One encoding serves both to compare what a message shows and to send it."""
    key = f'"{field}":{blank}'.encode()
    at = body.find(key)
    if at < 0:
        raise ValueError(f"{field} is not in the encoded message")
    return body[:at] + f'"{field}":{value}'.encode() + body[at + len(key):]


def describe(err: ValidationError, limit: int | None = None) -> str:
    """What is wrong with a payload, field by field: "call.window: Input should be ...";
    with `limit`, at most that many fields and how many more there are."""
    errors = err.errors(include_url=False, include_input=False)
    text = "; ".join(f"{'.'.join(str(p)[:40] for p in e['loc']) or 'payload'}: {e['msg'][:200]}"
                     for e in errors[:limit])
    if limit is not None and len(errors) > limit:
        text += f"; and {len(errors) - limit} more"
    return text


def read(msg, model: type[M]) -> M | None:
    """An MQTT message's payload as `model`, or None, logged with the topic and what is
    wrong, when it is not one (not JSON, wrong fields)."""
    try:
        return model.model_validate_json(msg.payload)
    except ValidationError as err:
        _log.warning("ignored an unreadable %s on %s: %s", model.__name__, msg.topic, describe(err))
        return None
