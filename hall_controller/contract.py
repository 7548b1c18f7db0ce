"""The MQTT contract of the hall: every topic, its payload model, QoS, retain flag and who
may publish or read it. docs/mqtt.md is generated from this module
(`python -m hall_controller.contract > docs/mqtt.md`); a test fails when they differ.

Requests use MQTT 5 request/response: the requester sets Response Topic
(`reply/<client id>/<anything>`) and Correlation Data; the controller answers there with a
`Response` envelope ({status, data, error, transaction}). Every device's presence topic is
retained and carries a last will ("offline").
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ROOT = "hall"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- requests and responses ------------------------------------------------------------
class TicketRequest(Payload):
    """A kiosk (or the phone gateway) asks for a ticket."""

    service: str = Field(pattern=r"^[A-Z]$", description="service code, e.g. A")
    request_id: str = Field(min_length=8, max_length=64,
                            description="unique per citizen action; a retry with the same id returns the same ticket")
    priority: Literal["normal", "appointment", "green"] = "normal"
    appointment_code: str | None = None
    lang: Literal["zh", "en"] = "zh"


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
    ticket: str | None = Field(None, description="for call / cancel: the ticket number")
    to_service: str | None = Field(None, pattern=r"^[A-Z]$", description="for transfer")
    to_window: int | None = Field(None, ge=1, description="for transfer")
    front: bool = Field(False, description="for transfer: to the front of the queue")
    reason: str | None = Field(None, max_length=100, description="for pause")
    requeue: bool | None = Field(None, description="for no_show: put the ticket back at the end of the queue; "
                                 "unset = the hall's setting (no_show.requeue)")
    clerk: str | None = Field(None, max_length=40)


class Response(Payload):
    status: Literal["ok", "error"]
    data: dict[str, Any] | None = None
    error: str | None = None
    code: str | None = Field(None, description="machine-readable error code, e.g. bad_request, forbidden")
    transaction: str | None = None


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


class CallEvent(Payload):
    """A call to announce (voice, window display). Not retained: screens use the board."""

    hall: str
    call: CallInfo
    text_zh: str
    text_en: str


class Presence(Payload):
    state: Literal["online", "offline"]
    role: str = ""
    halls: list[str] = []
    at: str | None = None


@dataclass(frozen=True)
class Topic:
    pattern: str
    model: type[BaseModel]
    qos: int
    retained: bool
    publishers: str
    readers: str
    doc: str

    def format(self, **kw) -> str:
        return self.pattern.format(root=ROOT, **kw)


TICKET_REQUEST = Topic("{root}/{hall}/request/ticket/{client}", TicketRequest, 1, False, "kiosk, phone gateway",
                       "controller", "Request a ticket; answered with Response(data=TicketInfo). `client` is the publisher's own id "
                       "(the broker lets a client publish only under its own id).")
WINDOW_REQUEST = Topic("{root}/{hall}/request/window/{client}", WindowCommand, 1, False, "caller (its own window only)",
                       "controller", "A window command; answered with Response(data={ticket, window_state}). A caller may only "
                       "command the window it is provisioned for.")
BOARD = Topic("{root}/{hall}/state/board", Board, 1, True, "controller", "screens, callers, kiosks",
              "The hall's calling board, retained.")
CALL_EVENT = Topic("{root}/{hall}/event/call", CallEvent, 1, False, "controller", "announcers, displays",
                   "One call or recall to announce.")
PRESENCE = Topic("presence/{client}", Presence, 1, True, "each client, own topic only",
                 "controller, supervisor", "Presence; the last will sets state offline.")
REPLY = Topic("reply/{client}/{rest}", Response, 1, False, "controller", "the requesting client only",
              "Responses to requests (MQTT 5 response topic).")

TOPICS = [TICKET_REQUEST, WINDOW_REQUEST, BOARD, CALL_EVENT, PRESENCE, REPLY]


def encode(model: BaseModel) -> bytes:
    return model.model_dump_json(exclude_none=False).encode("utf-8")


def render_markdown() -> str:
    out = ["# The MQTT contract", "",
           "Generated from `hall_controller/contract.py` by `python -m hall_controller.contract`; "
           "do not edit by hand.", "",
           "MQTT 5. Requests carry *Response Topic* `reply/<client id>/<suffix>` and *Correlation Data*; "
           "the answer is a `Response`. Client id = device id; each device may publish only its own "
           "topics (broker ACL generated by `hall_controller.provision`).", "",
           "| topic | payload | QoS | retained | published by | read by |",
           "|---|---|---|---|---|---|"]
    for t in TOPICS:
        out.append(f"| `{t.pattern.replace('{root}', ROOT)}` | `{t.model.__name__}` | {t.qos} | "
                   f"{'yes' if t.retained else 'no'} | {t.publishers} | {t.readers} |")
    out.append("")
    for t in TOPICS:
        out += [f"## `{t.pattern.replace('{root}', ROOT)}`", "", t.doc, ""]
    from hall_controller import keypad_doc  # the walkthrough a keypad maker follows
    out += keypad_doc.render()
    models = [TicketRequest, TicketInfo, WindowCommand, Response, CallInfo, WindowState, Board,
              CallEvent, Presence]
    out += ["# Payloads", "", "JSON, UTF-8. Unknown keys are rejected.", ""]
    for m in models:
        out += [f"## {m.__name__}", "", (m.__doc__ or "").strip(), "", "```json",
                json.dumps(m.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
