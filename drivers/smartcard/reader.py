"""The smart card reader as a device: card events, APDU exchange, the card reads.

    reader = SmartCardReader("pcsc://Virtual PCD 00 00")
    reader.start()
    reader.wait_for_card(timeout=30)
    card = reader.read_social_security_card()     # PinRequired if EF06 wants the PIN
    uid = reader.uid()                             # contactless cards, the resident ID card

61xx (GET RESPONSE) and 6Cxx (resend with the right Le) are handled here, because
pyscard does not. Insertion and removal come from SCardGetStatusChange, in a thread.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from smartcard import scard

from drivers.core.clock import Clock
from drivers.core.counters import Counters
from drivers.core.device import Device, HealthLevel
from drivers.core.errors import Action, DeviceError, DeviceTimeout, DeviceUnavailable
from drivers.core.status import DeviceState, DeviceStatus
from drivers.core.url import UrlError, parse_url
from drivers.smartcard import apdu
from drivers.smartcard.errors import ApduError, CardRemoved, CardStatusError, NoCard, PinRequired
from drivers.smartcard.records import EF05_RECORDS, EF06_RECORDS, SocialSecurityCard, card_from_records
from drivers.smartcard.transport import Context, PcscTransport, Presence, list_reader_names

log = logging.getLogger(__name__)

MAX_EXCHANGES = 16  # GET RESPONSE / resend rounds for one command
PUPI_ZERO = bytes(4)


@dataclass(frozen=True)
class CardEvent:
    reader: str
    inserted: bool
    atr: bytes = b""

    @property
    def kind(self) -> str:
        return "inserted" if self.inserted else "removed"


CardListener = Callable[[CardEvent], None]


def list_readers(strict: bool = False) -> list[str]:
    """Names of the PC/SC readers; [] when pcscd is not running (unless strict)."""
    try:
        return list_reader_names()
    except DeviceUnavailable:
        if strict:
            raise
        return []


def reader_name(url: str) -> str:
    parsed = parse_url(url)
    if parsed.scheme != "pcsc" or not parsed.target:
        raise UrlError(f"{url!r}: a smart card reader needs pcsc://READER NAME, e.g. pcsc://Virtual PCD 00 00")
    return parsed.target


class SmartCardReader(Device):
    kind = "smartcard"

    def __init__(self, url: str = "pcsc://Virtual PCD 00 00", *, clock: Clock | None = None,
                 counters: Counters | None = None, transport: PcscTransport | None = None) -> None:
        self.reader = reader_name(url)
        super().__init__(f"smartcard-{self.reader}", clock=clock, counters=counters)
        self.url = url
        self.transport = transport or PcscTransport(self.reader)
        self._card_listeners: list[CardListener] = []
        self._monitor: threading.Thread | None = None
        self._monitor_ctx: Context | None = None
        self._stop = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------
    def _open(self) -> None:
        self.transport.open()

    def _close(self) -> None:
        self.stop_monitor()
        self.transport.close()

    def _probe_status(self) -> DeviceStatus:
        _, presence = self.transport.presence()
        return self._presence_status(presence)

    def _presence_status(self, presence: Presence) -> DeviceStatus:
        detail = "card_present" if presence.present else "no_card"
        return DeviceStatus(DeviceState.ONLINE, details=(detail,), extra={"atr": presence.atr.hex().upper()})

    def _health(self, level: HealthLevel) -> dict[str, str]:
        _, presence = self.transport.presence()
        return {"reader": self.reader, "card": "present" if presence.present else "absent"}

    # -- card events -------------------------------------------------------------------
    def on_card(self, listener: CardListener) -> Callable[[], None]:
        """Call `listener(CardEvent)` on each insertion and removal (from the monitor thread)."""
        self._card_listeners.append(listener)
        return lambda: self._card_listeners.remove(listener) if listener in self._card_listeners else None

    def start_monitor(self) -> None:
        """Watch the reader in a thread blocked in SCardGetStatusChange."""
        if self._monitor is not None:
            return
        self._stop.clear()
        self._monitor_ctx = Context()
        self._monitor = threading.Thread(target=self._watch, args=(self._monitor_ctx,), daemon=True,
                                         name=f"pcsc-monitor-{self.reader}")
        self._monitor.start()

    def stop_monitor(self) -> None:
        thread, ctx = self._monitor, self._monitor_ctx
        if thread is None or ctx is None:
            return
        self._stop.set()
        ctx.cancel()  # wakes SCardGetStatusChange at once
        thread.join(timeout=5)
        ctx.release()
        self._monitor = self._monitor_ctx = None

    def _watch(self, ctx: Context) -> None:
        state, present = scard.SCARD_STATE_UNAWARE, None
        while not self._stop.is_set():
            try:
                state, presence = self.transport.wait_change(state, 2.0, ctx)
            except DeviceError as err:
                self._set_status(DeviceStatus(DeviceState.NO_DEVICE, action=err.action, message=str(err)))
                if self._stop.wait(1.0):  # the service went away: retry slowly
                    break
                state = scard.SCARD_STATE_UNAWARE
                continue
            if presence is None or presence.present == present:
                continue
            first, present = present is None, presence.present
            self._set_status(self._presence_status(presence))
            if first and not presence.present:
                continue  # an empty reader at start is no event
            event = CardEvent(self.reader, presence.present, presence.atr)
            if not presence.present:
                self.transport.disconnect()
            log.info("card %s in %s", event.kind, self.reader)
            for listener in list(self._card_listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("card listener failed")

    def wait_for_card(self, timeout: float) -> bytes:
        """Block until a card is present (SCardGetStatusChange); return its ATR."""
        return self._wait_presence(True, timeout).atr

    def wait_for_removal(self, timeout: float) -> None:
        self._wait_presence(False, timeout)

    def _wait_presence(self, want: bool, timeout: float) -> Presence:
        deadline = self.clock.monotonic() + timeout
        state, presence = self.transport.presence()
        while presence.present != want:
            left = deadline - self.clock.monotonic()
            if left <= 0:
                raise DeviceTimeout(f"no card {'placed' if want else 'taken out'} within {timeout:g} s",
                                    device=self.reader, action=Action.CITIZEN)
            state, changed = self.transport.wait_change(state, left)
            presence = changed or presence
        return presence

    # -- APDU exchange -----------------------------------------------------------------
    def connect(self) -> bytes:
        """Power up the card in the reader; returns the ATR."""
        atr = self.transport.connect()
        self._set_status(DeviceStatus(DeviceState.ONLINE, details=("card_present",)))
        return atr

    def transmit(self, command: bytes) -> apdu.Response:
        """Send one command APDU, following 61xx and 6Cxx; the card is connected if needed."""
        if not self.transport.connected:
            self.connect()
        collected, current, resent = b"", command, False
        for _ in range(MAX_EXCHANGES):
            resp = apdu.parse_response(self._exchange(current))
            if (available := apdu.more_data(resp)) is not None:
                collected += resp.data
                current = apdu.get_response(available % 256)
            elif (exact := apdu.wrong_length(resp)) is not None and not resent:
                current, resent = apdu.with_le(current, exact % 256), True
            else:
                return apdu.Response(collected + resp.data, resp.sw1, resp.sw2)
        raise ApduError(f"the card asked for more than {MAX_EXCHANGES} exchanges", device=self.reader)

    def _exchange(self, command: bytes) -> bytes:
        try:
            return self.transport.transmit(command)
        except (NoCard, CardRemoved) as err:
            self.transport.disconnect()
            self.counters.increment("faults")
            removed = CardRemoved("卡片已移开，请重新放置 (the card was taken out during the read)",
                                  device=self.reader)
            self._set_status(DeviceStatus(DeviceState.USER_ERROR, ("card_removed",), Action.CITIZEN, str(removed)))
            raise removed from err

    def _expect_ok(self, command: bytes, what: str) -> apdu.Response:
        resp = self.transmit(command)
        if not resp.ok:
            raise CardStatusError(f"{what}: {apdu.sw_text(resp.sw)}", sw=resp.sw, device=self.reader)
        return resp

    # -- contactless ---------------------------------------------------------------------
    def uid(self) -> bytes:
        """The card's UID: FF CA 00 00 00; for a type B card with PUPI 00000000
        (the resident ID card) the UID from 00 36 00 00 08 instead."""
        uid = self._expect_ok(apdu.GET_UID, "read the card UID").data
        if uid == PUPI_ZERO:
            return self.idcard_uid()
        return uid

    def ats(self) -> bytes:
        return self._expect_ok(apdu.GET_ATS, "read the ATS").data

    def idcard_uid(self) -> bytes:
        data = self._expect_ok(apdu.IDCARD_UID, "read the resident ID card UID").data
        if len(data) != 8:
            raise ApduError(f"resident ID card UID: expected 8 bytes, got {len(data)}", device=self.reader)
        return data

    # -- social security card --------------------------------------------------------------
    def verify_pin(self, pin: str) -> None:
        resp = self.transmit(apdu.verify_pin(pin))
        if apdu.pin_needed(resp.sw):
            raise self._pin_error(resp.sw)
        if not resp.ok:
            raise CardStatusError("verify the PIN", sw=resp.sw, device=self.reader)

    def read_social_security_card(self, pin: str | None = None, *, allow_partial: bool = False) -> SocialSecurityCard:
        """Select the application, read EF05 then EF06.

        When EF06 wants a PIN (and none or a wrong one was given): raise PinRequired
        carrying the EF05 part in `.partial`, or with allow_partial return that part
        (holder_read False). The status becomes USER_ERROR "pin_required" either way.
        """
        try:
            self._expect_ok(apdu.select_aid(apdu.SOCIAL_SECURITY_AID), "not a social security card")
        except CardStatusError as err:
            self.counters.increment("faults")
            raise CardStatusError("这不是社会保障卡 (not a social security card)", sw=err.sw,
                                  device=self.reader) from err
        ef05 = self._read_file(apdu.EF05, EF05_RECORDS)
        self._expect_ok(apdu.select_file(apdu.EF06), "select EF06")
        try:
            if pin is not None:
                self.verify_pin(pin)
            ef06 = self._read_file(apdu.EF06, EF06_RECORDS, select=False)
        except PinRequired as err:
            err.partial = card_from_records(ef05)
            self._set_status(DeviceStatus(DeviceState.USER_ERROR, ("pin_required",), Action.CITIZEN, str(err)))
            if allow_partial:
                return err.partial
            raise
        self.counters.increment("reads")
        card = card_from_records(ef05, ef06)
        log.info("read social security card %r", card)  # masked repr
        return card

    def _read_file(self, fid: int, table: dict, *, select: bool = True) -> dict[int, bytes]:
        if select:
            self._expect_ok(apdu.select_file(fid), f"select EF{fid:04X}")
        records: dict[int, bytes] = {}
        for tag in table:
            resp = self.transmit(apdu.read_record(tag))
            if apdu.pin_needed(resp.sw):
                raise self._pin_error(resp.sw)
            if resp.sw == 0x6A83:  # an optional record this card does not have
                continue
            if not resp.ok:
                raise CardStatusError(f"read record {tag:02X} of EF{fid:04X}", sw=resp.sw, device=self.reader)
            records[tag] = resp.data
        return records

    def _pin_error(self, sw: int) -> PinRequired:
        tries = apdu.tries_left(sw)
        if sw == 0x6983:
            text = "密码已锁定，请到窗口办理 (PIN blocked)"
        elif tries is not None:
            text = f"密码错误，还可尝试 {tries} 次 (wrong PIN, {tries} tries left)"
        else:
            text = "请输入社保卡密码 (the card requires its PIN)"
        return PinRequired(text, sw=sw, tries_left=tries, device=self.reader)
