"""IdCardReader: the device service for a SAM serial ID card reader.

    reader = IdCardReader("serial:///dev/ttyUSB0", poll_interval=0.3)
    reader.subscribe_cards(lambda event: ...)   # CardEvent card_placed / card_removed / card_error
    reader.start(); reader.start_polling()

A card is read once per placement: while it stays on the reader the next finds still
see it and nothing is emitted; only after it has been missing for `removal_misses`
polls is card_removed emitted and the next placement read again. A lost link closes
the port and reopens it with backoff; a card present before stays present (no re-read).

While a page waits for a card, `poll_fast(True)` polls every `fast_poll_interval` (a find is
21 bytes, under 2 ms of wire at 115200 baud): placement to parsed card then costs little more
than the read's own wire time (bench/bench_idcard.py). Otherwise the reader is asked every
`poll_interval`, which keeps the line quiet.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, TypeVar

from drivers.core.clock import Clock
from drivers.core.counters import Counters
from drivers.core.device import Device, HealthLevel, Lifecycle, status_for_error
from drivers.core.errors import Action, DeviceError, DeviceTimeout, DeviceUnavailable, ProtocolError
from drivers.core.status import DeviceState, DeviceStatus
from drivers.core.url import parse_url
from drivers.idcard import protocol as p
from drivers.idcard.cards import IdCard, parse_text_block
from drivers.idcard.errors import IdCardError, NoCard
from drivers.idcard.link import SamLink, open_transport
from drivers.idcard.photo import PhotoDecoder, decode_photo, decoders_from_config

log = logging.getLogger(__name__)

T = TypeVar("T")
CARD_PLACED, CARD_REMOVED, CARD_ERROR = "card_placed", "card_removed", "card_error"


@dataclass(frozen=True)
class CardEvent:
    kind: str
    at: datetime
    card: IdCard | None = None
    error: IdCardError | None = field(default=None)


CardListener = Callable[[CardEvent], None]


class IdCardReader(Device):
    kind = "idcard"

    def __init__(self, url: str, *, poll_interval: float = 0.3, fast_poll_interval: float = 0.005,
                 clock: Clock | None = None,
                 device_id: str | None = None, counters: Counters | None = None, timeout: float = 1.0,
                 retries: int = 2, removal_misses: int = 2, read_new_address: bool = True,
                 fingerprint: bool = False, photo_decoders: list[PhotoDecoder] | None = None) -> None:
        self.url = parse_url(url)
        super().__init__(device_id or f"idcard-{self.url.target or self.url.raw}", clock=clock,
                         counters=counters)
        self.poll_interval = poll_interval
        self.fast_poll_interval = fast_poll_interval
        self._fast = False
        self._wake = threading.Event()
        self.timeout = timeout
        self.retries = retries
        self.removal_misses = removal_misses
        self.read_new_address = read_new_address
        self.fingerprint = fingerprint
        self.photo_decoders = photo_decoders if photo_decoders is not None else \
            decoders_from_config(self.url.param("photo_decoder"))
        self.link: SamLink | None = None
        self._card_listeners: list[CardListener] = []
        self._present = False
        self._misses = 0
        self._want = Lifecycle.OPEN
        self._next_reopen = 0.0
        self._sequence = threading.RLock()   # one find -> select -> read at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- Device hooks ------------------------------------------------------------------
    def _open(self) -> None:
        self.link = SamLink(open_transport(self.url), self.device_id, self.timeout)
        try:
            p.parse_simple(self._command(p.sam_status()))
        except DeviceError:
            self.link.close()
            self.link = None
            raise

    def _close(self) -> None:
        if self.link:
            self.link.close()
            self.link = None

    def _probe_status(self) -> DeviceStatus:
        p.parse_simple(self._command(p.sam_status()))
        return DeviceStatus(DeviceState.ONLINE)

    def _health(self, level: HealthLevel) -> dict[str, str]:
        return {"sam_id": self.sam_id()}

    def start(self) -> None:
        super().start()
        self._want = Lifecycle.ENABLED

    # -- commands ----------------------------------------------------------------------
    def _retrying(self, what: str, step: Callable[[], T]) -> T:
        """Run `step` again on damaged frames and timeouts (errors whose action is NONE)."""
        for attempt in range(self.retries + 1):
            try:
                return step()
            except (ProtocolError, DeviceTimeout) as err:
                if attempt == self.retries or err.action is not Action.NONE:
                    raise
                log.info("%s: %s again after %s", self.device_id, what, err)
        raise AssertionError("unreachable")

    def _command(self, request: bytes, timeout: float | None = None, retry: bool = True) -> p.Response:
        def step() -> p.Response:
            if self.link is None:
                raise DeviceUnavailable("reader is not open", device=self.device_id)
            return self.link.transact(request, timeout)
        return self._retrying(f"command {request[7:9].hex()}", step) if retry else step()

    def sam_id(self) -> str:
        self._ensure_open()
        return p.parse_sam_id(self._command(p.sam_id()))

    def reset_sam(self) -> None:
        self._ensure_open()
        p.parse_simple(self._command(p.reset_sam()))

    def find(self) -> bool:
        self._ensure_open()
        return p.parse_find(self._command(p.find_card()))

    def read_card(self) -> IdCard:
        """find -> select -> read, repeating the whole sequence on damaged replies.

        Raises NoCard when the reader is empty, another IdCardError for a card fault.
        """
        self._ensure_open()

        def step() -> IdCard:
            with self._sequence:
                if not p.parse_find(self._command(p.find_card(), retry=False)):
                    raise NoCard("no card on the reader (SW3=80)", sw3=0x80, device=self.device_id)
                return self._read_selected(retry=False)
        return self._retrying("reading", step)

    def _read_selected(self, retry: bool = True) -> IdCard:
        p.parse_select(self._command(p.select_card(), retry=retry))
        request = p.read_with_fingerprint() if self.fingerprint else p.read_base()
        record = p.parse_read(self._command(request, self.timeout * 2, retry),
                              with_fingerprint=self.fingerprint)
        card = parse_text_block(record.text, decode_photo(record.photo, self.photo_decoders),
                                record.fingerprint)
        if self.read_new_address:
            card.new_address = p.parse_new_address(self._command(p.read_new_address(), retry=retry))
        problems = card.problems(self.clock.now().date())
        if problems:
            log.warning("%s: card %s fails checks: %s", self.device_id, card, ",".join(problems))
        self.counters.increment("reads")
        log.info("%s: read %s", self.device_id, card)
        return card

    def set_baud(self, baud: int) -> None:
        """Switch reader and port to another rate (60 xx), e.g. for long cables."""
        self._ensure_open()
        p.parse_simple(self._command(p.set_baud(baud)))
        assert self.link is not None
        self.link.transport.baudrate = baud

    def _ensure_open(self) -> None:
        if self.lifecycle is Lifecycle.CLOSED:
            self.open()

    # -- polling -----------------------------------------------------------------------
    def subscribe_cards(self, listener: CardListener) -> Callable[[], None]:
        self._card_listeners.append(listener)
        return lambda: self._card_listeners.remove(listener) if listener in self._card_listeners else None

    def _owner_lock(self):
        return self._sequence  # a find -> select -> read in progress owns the reader

    def poll_status(self) -> DeviceStatus | None:
        """The SAM's status between card polls; while the link is down the polling thread owns
        reopening it (with backoff) and its status stands."""
        if self.link is None:
            return self.last_status
        return super().poll_status()

    @property
    def card_present(self) -> bool:
        return self._present

    def poll_once(self) -> CardEvent | None:
        """One polling step (the thread calls it; tests may call it directly)."""
        with self._sequence:
            return self._poll()

    def _poll(self) -> CardEvent | None:
        if self.link is None and not self._reopen():
            return None
        try:
            found = self.find()
        except DeviceError as err:
            return self._fault(err)
        self._set_status(DeviceStatus(DeviceState.ONLINE))
        if not found:
            self._misses += 1
            if self._present and self._misses >= self.removal_misses:
                self._present = False
                return self._emit(CardEvent(CARD_REMOVED, self.clock.now()))
            return None
        self._misses = 0
        if self._present:
            return None     # the same card still lies there: never a second session
        try:
            card = self._read_selected()
        except IdCardError as err:
            if isinstance(err, (ProtocolError, DeviceTimeout)):
                return self._fault(err)         # try again on the next poll
            self._present = True                # the citizen must lift the card first
            self.counters.increment("faults")
            return self._emit(CardEvent(CARD_ERROR, self.clock.now(), error=err))
        except DeviceError as err:
            return self._fault(err)
        self._present = True
        return self._emit(CardEvent(CARD_PLACED, self.clock.now(), card=card))

    def _fault(self, err: DeviceError) -> CardEvent | None:
        """A failed poll becomes a status; a lost link is closed and reopened with backoff.

        A card that was present stays "present" across a lost link, so that it is not
        read into a second session when the reader comes back: it must be lifted first.
        """
        self.counters.increment("faults")
        self._set_status(status_for_error(err))
        log.warning("%s", err if err.device else f"{self.device_id}: {err}")
        if isinstance(err, (DeviceUnavailable, DeviceTimeout)):
            self._close_quietly()
            self._next_reopen = self.clock.monotonic() + self._backoff.next_delay()
        return None

    def _close_quietly(self) -> None:
        with self._lock:
            self._close()
            self.lifecycle = Lifecycle.CLOSED

    def _reopen(self) -> bool:
        if self.clock.monotonic() < self._next_reopen:
            return False
        try:
            self.open()
            if self._want is Lifecycle.ENABLED:
                self.claim()
                self.enable()
        except DeviceError as err:
            self._next_reopen = self.clock.monotonic() + self._backoff.next_delay()
            log.info("%s: still unavailable: %s", self.device_id, err)
            return False
        self._backoff.reset()
        self._misses = 0
        log.info("%s: reader back", self.device_id)
        return True

    def _emit(self, event: CardEvent) -> CardEvent:
        for listener in list(self._card_listeners):
            try:
                listener(event)
            except Exception:  # a faulty listener must not stop the polling
                log.exception("card listener failed for %s", self.device_id)
        return event

    def poll_fast(self, on: bool) -> None:
        """Poll every `fast_poll_interval` (a page waits for a card) or every `poll_interval`."""
        if on != self._fast:
            self._fast = on
            self._wake.set()            # a slow wait in progress ends now

    def start_polling(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self.device_id}-poll", daemon=True)
        self._thread.start()

    def stop_polling(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:  # keep polling whatever happens; the status says what is wrong
                log.exception("%s: polling step failed", self.device_id)
            self._wake.wait(self.fast_poll_interval if self._fast else self.poll_interval)
            self._wake.clear()

    def close(self) -> None:
        self.stop_polling()
        super().close()

