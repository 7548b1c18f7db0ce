"""PC/SC through pyscard's scard module: moves APDUs, reports card presence.

Every pyscard result code becomes one of our errors, chained `from` pyscard's own
exception (which carries the hresult and its text). No APDU logic lives here.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from smartcard import scard
from smartcard.pcsc.PCSCExceptions import BaseSCardException

from drivers.core.errors import Action, DeviceError, DeviceTimeout, DeviceUnavailable, UserError
from drivers.smartcard import apdu
from drivers.smartcard.errors import CardRemoved, NoCard

log = logging.getLogger(__name__)
traffic = logging.getLogger("drivers.smartcard.traffic")

_U32 = 0xFFFFFFFF
SERVICE_DOWN = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED}
NO_READER = {scard.SCARD_E_NO_READERS_AVAILABLE, scard.SCARD_E_UNKNOWN_READER,
             scard.SCARD_E_READER_UNAVAILABLE}
NO_CARD = {scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD}
LINK_LOST = {scard.SCARD_E_NOT_TRANSACTED, scard.SCARD_F_COMM_ERROR, scard.SCARD_W_RESET_CARD,
             scard.SCARD_E_INVALID_HANDLE}
BAD_CARD = {scard.SCARD_W_UNRESPONSIVE_CARD, scard.SCARD_W_UNPOWERED_CARD, scard.SCARD_E_PROTO_MISMATCH}


def _code(hresult: int) -> int:
    return hresult & _U32


def pcsc_error(hresult: int, what: str, reader: str = "") -> DeviceError:
    """Our error for a failed PC/SC call; the caller raises it `from` the pyscard exception."""
    code = _code(hresult)
    codes = lambda names: {_code(c) for c in names}  # noqa: E731
    text = f"{what}: {scard.SCardGetErrorMessage(hresult).strip()} (0x{code:08X})"
    if code in codes(SERVICE_DOWN):
        return DeviceUnavailable(f"{what}: the PC/SC service (pcscd) is not running", device=reader or None)
    if code in codes(NO_READER):
        return DeviceUnavailable(f"{what}: reader {reader!r} not found", device=reader or None)
    if code in codes(NO_CARD):
        return NoCard(f"{what}: no card in the reader", device=reader or None)
    if code in codes(LINK_LOST):
        return CardRemoved(f"{what}: the card stopped answering (was it taken out?)", device=reader or None)
    if code in codes(BAD_CARD):
        return UserError(f"{what}: the card does not answer; place it again", device=reader or None,
                         action=Action.CITIZEN)
    if code == _code(scard.SCARD_E_TIMEOUT):
        return DeviceTimeout(text, device=reader or None)
    return DeviceError(text, device=reader or None)


def check(hresult: int, what: str, reader: str = "") -> None:
    if hresult != scard.SCARD_S_SUCCESS:
        raise pcsc_error(hresult, what, reader) from BaseSCardException(hresult=hresult, message=what)


class Context:
    """One PC/SC context (each thread that blocks in SCardGetStatusChange wants its own)."""

    def __init__(self) -> None:
        try:
            hresult, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        except scard.error as err:
            raise DeviceUnavailable(f"PC/SC: {err}") from err
        check(hresult, "connect to PC/SC")

    def readers(self) -> list[str]:
        hresult, names = scard.SCardListReaders(self.handle, [])
        if _code(hresult) == _code(scard.SCARD_E_NO_READERS_AVAILABLE):
            return []
        check(hresult, "list readers")
        return list(names)

    def cancel(self) -> None:
        scard.SCardCancel(self.handle)

    def release(self) -> None:
        scard.SCardReleaseContext(self.handle)


@dataclass(frozen=True)
class Presence:
    present: bool
    atr: bytes = b""
    exclusive: bool = False


class PcscTransport:
    """One named reader: presence (waiting on SCardGetStatusChange), connect, transmit."""

    def __init__(self, reader: str) -> None:
        self.reader = reader
        self._ctx: Context | None = None
        self._card: int | None = None
        self._protocol = 0
        self._lock = threading.Lock()

    def open(self) -> None:
        self._ctx = Context()
        if self.reader not in self._ctx.readers():
            self.close()
            raise DeviceUnavailable(f"reader {self.reader!r} not found", device=self.reader)

    def close(self) -> None:
        self.disconnect()
        if self._ctx is not None:
            self._ctx.release()
            self._ctx = None

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            raise DeviceError("PC/SC transport not open", device=self.reader)
        return self._ctx

    def wait_change(self, known: int, timeout: float | None,
                    ctx: Context | None = None) -> tuple[int, Presence | None]:
        """Block in SCardGetStatusChange until the reader leaves state `known`.

        Returns the new state to pass next time and the presence, or (known, None) when
        the timeout passed or the wait was cancelled. Each waiting thread passes its own ctx.
        """
        ctx = ctx or self.ctx
        ms = scard.INFINITE if timeout is None else max(0, int(timeout * 1000))
        hresult, states = scard.SCardGetStatusChange(ctx.handle, ms, [(self.reader, known)])
        if _code(hresult) in (_code(scard.SCARD_E_TIMEOUT), _code(scard.SCARD_E_CANCELLED)):
            return known, None
        check(hresult, "wait for a card", self.reader)
        _, event, atr = states[0]
        present = bool(event & scard.SCARD_STATE_PRESENT) and not event & scard.SCARD_STATE_MUTE
        return event & ~scard.SCARD_STATE_CHANGED, Presence(present, bytes(atr), bool(event & scard.SCARD_STATE_EXCLUSIVE))

    def presence(self) -> tuple[int, Presence]:
        """The current state (to wait from) and presence, without waiting."""
        state, presence = self.wait_change(scard.SCARD_STATE_UNAWARE, 0)
        return state, presence or Presence(False)

    def connect(self) -> bytes:
        """Power the card up and return its ATR."""
        with self._lock:
            self.disconnect()
            hresult, card, protocol = scard.SCardConnect(
                self.ctx.handle, self.reader, scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            check(hresult, "connect to the card", self.reader)
            self._card, self._protocol = card, protocol
            hresult, _, _, _, atr = scard.SCardStatus(card)
            check(hresult, "read the card status", self.reader)
            return bytes(atr)

    def disconnect(self) -> None:
        card, self._card = self._card, None
        if card is not None:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)

    @property
    def connected(self) -> bool:
        return self._card is not None

    def transmit(self, command: bytes) -> bytes:
        if self._card is None:
            raise NoCard("no card connected", device=self.reader)
        traffic.debug("%s > %s", self.reader, apdu.loggable(command))
        try:
            hresult, response = scard.SCardTransmit(self._card, self._protocol, list(command))
        except scard.error as err:
            raise DeviceError(f"transmit: {err}", device=self.reader) from err
        check(hresult, "exchange with the card", self.reader)
        response = bytes(response)
        if len(response) < 2:  # vpcd and some readers report a lost card as an empty answer
            raise CardRemoved(f"the card gave no answer to {command[:4].hex().upper()} (was it taken out?)",
                              device=self.reader)
        # Only length and status word: responses can carry personal data.
        traffic.debug("%s < %d bytes SW %s", self.reader, len(response) - 2, response[-2:].hex().upper())
        return response


def list_reader_names() -> list[str]:
    ctx = Context()
    try:
        return ctx.readers()
    finally:
        ctx.release()
