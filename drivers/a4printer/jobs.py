"""Pure helpers for CUPS printing: PDF checks, job results, queue state to device status."""
from __future__ import annotations

from dataclasses import dataclass

from drivers.core.errors import Action, DeviceError
from drivers.core.status import DeviceState, DeviceStatus

# RFC 8011 job-state and printer-state values.
JOB_STATES = {3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted", 9: "completed"}
JOB_COMPLETED = 9
JOB_FINAL = frozenset({7, 8, 9})
PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
A4 = "iso_a4_210x297mm"

# printer-state-reasons (RFC 8011 / PWG 5100.9) that a person at the hall can clear.
STAFF_REASONS = ("media-empty", "media-needed", "media-jam", "media-low", "cover-open", "door-open",
                 "input-tray-missing", "output-area-full", "toner-empty", "marker-supply-empty",
                 "paused")
OFFLINE_REASONS = ("offline", "connecting-to-device", "shutdown", "timed-out")


class InvalidDocument(DeviceError):
    """The document to print is not a complete PDF; nothing was sent."""

    default_action = Action.TECHNICIAN


def check_pdf(data: bytes) -> None:
    """Refuse anything that does not start with %PDF- and end with %%EOF."""
    if not data.startswith(b"%PDF-"):
        raise InvalidDocument(f"not a PDF: it starts with {data[:8]!r}, not %PDF-")
    if b"%%EOF" not in data[-1024:]:
        raise InvalidDocument("incomplete PDF: no %%EOF marker at its end (truncated?)")


@dataclass(frozen=True)
class JobResult:
    job_id: int
    state: int
    reasons: tuple[str, ...] = ()
    message: str = ""
    timed_out: bool = False
    size: int = 0

    @property
    def state_name(self) -> str:
        return JOB_STATES.get(self.state, f"state-{self.state}")

    @property
    def ok(self) -> bool:
        return self.state == JOB_COMPLETED

    @property
    def final(self) -> bool:
        return self.state in JOB_FINAL

    def to_dict(self) -> dict:
        return {"job_id": self.job_id, "state": self.state_name, "ok": self.ok, "timed_out": self.timed_out,
                "reasons": list(self.reasons), "message": self.message, "bytes": self.size}

    def __str__(self) -> str:
        text = f"job {self.job_id} {self.state_name}"
        if self.timed_out:
            text += " (not finished in time)"
        return text + (f": {self.message}" if self.message else "")


def _base(reason: str) -> str:
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


def queue_status(state: int, reasons: list[str] | tuple[str, ...], accepting: bool = True,
                 message: str = "") -> DeviceStatus:
    """A CUPS queue's printer-state and printer-state-reasons as a device status."""
    reasons = tuple(r for r in reasons if r and r != "none")
    name = PRINTER_STATES.get(state, f"state-{state}")
    details = (name, *reasons) + (() if accepting else ("not-accepting-jobs",))
    staff = [r for r in reasons if _base(r) in STAFF_REASONS and not r.endswith(("-warning", "-report"))]
    if staff or (state == 5 and not any(_base(r) in OFFLINE_REASONS for r in reasons)) or not accepting:
        why = ", ".join(staff) or message or ("queue stopped" if state == 5 else "queue not accepting jobs")
        return DeviceStatus(DeviceState.USER_ERROR, details, Action.STAFF, why)
    if any(_base(r) in OFFLINE_REASONS for r in reasons):
        return DeviceStatus(DeviceState.OFFLINE, details, Action.TECHNICIAN, message or ", ".join(reasons))
    if any(r.endswith("-error") for r in reasons):
        return DeviceStatus(DeviceState.HARDWARE_ERROR, details, Action.TECHNICIAN, message or ", ".join(reasons))
    return DeviceStatus(DeviceState.BUSY if state == 4 else DeviceState.ONLINE, details, Action.NONE, message)


def parse_server(value: str | None) -> tuple[str | None, int | None]:
    """?server=/run/cups/cups.sock or ?server=host:port -> (host, port) for cups.Connection."""
    if not value:
        return None, None
    if value.startswith("/"):
        return value, None
    host, _, port = value.rpartition(":")
    if host and port.isdigit():
        return host, int(port)
    return value, None
