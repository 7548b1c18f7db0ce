"""The receipt printer as a device service: status, queue tickets, test receipts.

    printer = ReceiptPrinter("tcp://10.0.0.5:9100?paper_mm=58", device_id="kiosk1-printer")
    printer.start()
    printer.status()             # PrinterStatus(online=True, paper="ok", cover_open=False)
    printer.print_ticket(ticket) # raises UserError (paper out, cover open) or DeviceTimeout
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.core.clock import Clock
from drivers.core.counters import Counters
from drivers.core.device import Device, HealthLevel
from drivers.core.errors import Action, DeviceError, DeviceTimeout, DeviceUnavailable, UserError
from drivers.core.status import DeviceState, DeviceStatus
from drivers.core.url import UrlError, parse_url
from drivers.escpos.commands import Block, Cut, encode_blocks
from drivers.escpos.protocol import StatusBytes, check_status_byte, status_query
from drivers.escpos.templates import PAPER_DOTS, TicketReceipt, self_test_lines, text_receipt_blocks, ticket_blocks
from drivers.escpos.transport import Link, open_link

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 0.4


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer says about itself. `paper` is "unknown" when it does not answer."""

    online: bool
    paper: str  # "ok" | "near_end" | "out" | "unknown"
    cover_open: bool
    answered: bool = True

    def to_dict(self) -> dict:
        return {"online": self.online, "paper": self.paper, "cover_open": self.cover_open}

    def device_status(self) -> DeviceStatus:
        if not self.answered:
            return DeviceStatus(DeviceState.OFFLINE, ("no_answer",), Action.TECHNICIAN, "printer does not answer")
        if self.paper == "out":
            return DeviceStatus(DeviceState.USER_ERROR, ("paper_out",), Action.STAFF, "paper out")
        if self.cover_open:
            return DeviceStatus(DeviceState.USER_ERROR, ("cover_open",), Action.STAFF, "cover open")
        if not self.online:
            return DeviceStatus(DeviceState.OFFLINE, ("offline",), Action.TECHNICIAN, "printer reports offline")
        if self.paper == "near_end":
            return DeviceStatus(DeviceState.ONLINE, ("paper_near_end",), Action.STAFF, "paper near end")
        return DeviceStatus(DeviceState.ONLINE)


class ReceiptPrinter(Device):
    """An ESC/POS receipt printer addressed by URL (tcp://, serial://, usb://, sim://)."""

    kind = "receipt_printer"

    def __init__(self, url: str, device_id: str = "receipt-printer", *, clock: Clock | None = None,
                 counters: Counters | None = None, timeout: float | None = None) -> None:
        super().__init__(device_id, clock=clock, counters=counters)
        self.url = parse_url(url)
        self.timeout = timeout if timeout is not None else self.url.float_param("timeout", DEFAULT_TIMEOUT)
        self.paper_mm = self.url.int_param("paper_mm", 80)  # the paper loaded: 80 or 58 mm
        if self.paper_mm not in PAPER_DOTS:
            raise UrlError(f"{url!r}: paper_mm must be one of {sorted(PAPER_DOTS)}, got {self.paper_mm}")
        self._link: Link | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def _open(self) -> None:
        self._connect()

    def _close(self) -> None:
        self._drop_link()

    def _connect(self) -> Link:
        if self._link is None:
            self._link = open_link(self.url, self.timeout)
            log.info("receipt printer %s connected at %s", self.device_id, self.url.raw)
        return self._link

    def _drop_link(self) -> None:
        link, self._link = self._link, None
        if link is not None:
            try:
                link.close()
            except (OSError, DeviceError):
                pass

    def _io(self, action):
        """Run `action(link)`. A link that broke since its last use (the printer was
        switched off and on, the network dropped) is replaced once by a fresh one; a
        fresh link that fails is dropped so the next call tries again."""
        with self._lock:
            while True:
                fresh = self._link is None
                try:
                    return action(self._connect())
                except DeviceUnavailable as err:
                    self._drop_link()
                    if fresh:
                        raise
                    log.info("receipt printer %s link broke (%s), reconnecting", self.device_id, err)

    @property
    def emulator(self):
        """The in-process emulator behind a sim:// URL (None for real printers)."""
        return getattr(self._link, "emulator", None)

    # -- status ------------------------------------------------------------------------
    def _query(self, link: Link, n: int) -> int | None:
        link.drain()
        link.write(status_query(n))
        reply = link.read_byte(self.timeout)
        return check_status_byte(reply[0]) if reply else None

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1, 2 and 4; no answer within the timeout means offline."""
        def ask(link: Link) -> PrinterStatus:
            printer = self._query(link, 1)
            if printer is None:
                return PrinterStatus(False, "unknown", False, answered=False)
            cause, paper = self._query(link, 2), self._query(link, 4)
            if cause is None or paper is None:
                return PrinterStatus(False, "unknown", False, answered=False)
            raw = StatusBytes(printer, cause, paper)
            return PrinterStatus(raw.online, raw.paper_state, raw.cover_open)

        return self._io(ask)

    def _probe_status(self) -> DeviceStatus:
        return self.status().device_status()

    def _health(self, level: HealthLevel) -> dict[str, str]:
        checks = {"url": self.url.raw, "timeout": f"{self.timeout:g}s"}
        if level is HealthLevel.INTERACTIVE:
            self.print_text_receipt(self_test_lines(self.device_id, self.clock.now()), qr="https://example.invalid/selftest")
            checks["test_receipt"] = "printed"
        return checks

    # -- printing ----------------------------------------------------------------------
    def check_ready(self) -> PrinterStatus:
        """Raise the error that tells the kiosk what to do when the printer cannot print. A
        refusal is counted before the status changes, so whoever hears of the new status
        (the kiosk's health topic) sees the fault counted."""
        try:
            status = self.status()
        except DeviceError:
            self.counters.increment("faults")
            raise
        device_status = status.device_status()
        error: DeviceError | None = None
        if not status.answered:
            error = DeviceTimeout("the printer does not answer", action=Action.TECHNICIAN, device=self.device_id)
        elif device_status.state is DeviceState.USER_ERROR:
            error = UserError(device_status.message, action=Action.STAFF, device=self.device_id)
        elif not device_status.usable:
            error = DeviceUnavailable(device_status.message, device=self.device_id)
        if error is not None:
            self.counters.increment("faults")
        self._set_status(device_status)
        if error is not None:
            raise error
        return status

    def print_blocks(self, blocks: list[Block]) -> None:
        """Check the printer, then send the whole receipt in one write; the printer is ours from
        the check to the last byte (a scheduled status poll waits its turn, `poll_status`)."""
        data = encode_blocks(blocks)
        with self._lock:
            try:
                self.check_ready()
            except DeviceError as err:  # counted by check_ready
                log.info("receipt printer %s cannot print: %s", self.device_id, err)
                raise
            try:
                self._io(lambda link: link.write(data))
            except DeviceError as err:
                self.counters.increment("faults")
                log.info("receipt printer %s cannot print: %s", self.device_id, err)
                raise
        self.counters.increment("prints")
        self.counters.increment("cuts", sum(1 for b in blocks if isinstance(b, Cut)))

    def print_ticket(self, ticket: TicketReceipt) -> None:
        self.print_blocks(ticket_blocks(ticket, self.paper_mm))
        log.info("receipt printer %s printed ticket %s", self.device_id, ticket.number)

    def print_text_receipt(self, lines: list[str], qr: str | None = None) -> None:
        self.print_blocks(text_receipt_blocks(lines, qr))
