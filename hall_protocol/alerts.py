"""The supervisor's alerts (告警): what in the hall needs a person now, retained per hall.

The controller watches its halls against the thresholds of the hall file (`[halls.alerts]`)
and keeps one alert per condition: a service whose longest wait passed its target (with a
suggestion to open a window, or the emergency window it opened itself where the hall allows
it), a window calling for too long, a device with a fault, a kiosk's help call, a bad rating,
the hall file read again (SIGHUP) and refused (the controller keeps its running configuration).
It publishes them retained on `hall/<hall>/state/alerts` (supervisor desks, the hall's data
screen), raised within 2 s of the condition; an alert stays on the board until a supervisor
acknowledges it on `hall/<hall>/request/alert_ack/<desk>`, also when its condition has gone
(`active` false). Each alert, its end and its acknowledgement are logged.

An alert names things (a service code, a window, a device, a kiosk, a ticket number), never a
person: no names, ID or phone numbers, comments of ratings.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from hall_protocol.payload import MaskedText, Payload

AlertKind = Literal["wait_over_target", "window_calling_long", "device_fault", "help_request", "bad_rating",
                    "followup_overdue", "config_rejected"]
Severity = Literal["info", "warning", "critical"]


class Alert(Payload):
    id: str = Field(min_length=1, max_length=80, description="stable per condition, e.g. wait:A, calling:3, "
                    "device:kiosk-01:printer, help:<help id>, rating:<day>:<ticket>")
    kind: AlertKind
    severity: Severity
    state: Literal["open", "acknowledged"] = Field(description="open until a supervisor acknowledges it")
    active: bool = Field(True, description="the condition still holds; an open alert whose condition has gone "
                                           "stays on the board until acknowledged")
    title_zh: str = Field(max_length=80, description="one line, e.g. 综合受理 最长等候 42 分钟")
    title_en: str = Field(max_length=120)
    detail_zh: str = Field("", max_length=200)
    detail_en: str = Field("", max_length=300)
    suggestion_zh: str = Field("", max_length=120, description="what to do, e.g. 建议增开窗口")
    suggestion_en: str = Field("", max_length=160)
    service: str | None = Field(None, description="the service concerned (code)")
    window: int | None = Field(None, description="the window concerned")
    device: str | None = Field(None, description="the device concerned (kiosk, screen, pad, ...)")
    ticket: str | None = Field(None, description="the ticket concerned (a bad rating)")
    value: float | None = Field(None, description="the measured value: minutes waited or calling, a score")
    threshold: float | None = Field(None, description="the hall's threshold it passed")
    emergency_window: int | None = Field(None, description="wait_over_target: the window the controller opened "
                                                           "for this service (the hall allows it)")
    raised_at: str = Field(description="ISO 8601 with offset: when the condition was first seen")
    updated_at: str = Field(description="when value or active last changed")
    acknowledged_at: str | None = None
    acknowledged_by: str | None = Field(None, description="the desk's device id and the supervisor's staff number")


class AlertBoard(Payload):
    """The hall's alerts: every open one and those acknowledged in the last minutes, open and
    most severe first. Retained; republished on every change."""

    hall: str
    seq: int = Field(description="increases with every publication; a reader ignores older ones")
    at: str
    open: int = Field(description="alerts not yet acknowledged")
    alerts: list[Alert]

    def is_newer_than(self, old: "AlertBoard | None") -> bool:
        return old is None or self.seq > old.seq


class AlertAck(Payload):
    """A supervisor acknowledges an alert; answered with Response(data=Alert)."""

    alert_id: str = Field(min_length=1, max_length=80)
    request_id: MaskedText = Field(min_length=8, max_length=64, description="a retry with the same id is applied once")
    by: MaskedText | None = Field(None, max_length=40, description="the supervisor's staff number")
