"""The reader emulator's core: a SAM that answers request bytes with reply bytes.

It holds synthetic cards of every type; a test places and lifts a card and injects
faults (from the constructor or at run time). `SimTransport` puts it behind the same
pyserial-like interface as a real port, for `sim://idcard?card=resident` URLs; the pty
and process front-ends live in `emulator`.

Faults (name[:times], persistent without times):
  bad_checksum  replies carry a wrong CHK        garbled  a reply byte is flipped
  short         replies are cut in half           noise    garbage before each reply
  silence       no reply at all                   sam_failure  every command answers 60
  read_failed   the read answers 41               auth_failed  the read answers 32
  unplugged     no reply (the pty front-end also closes the port)
"""
from __future__ import annotations

import logging
import random
import threading
import time
from typing import Iterable

from drivers.core.errors import DeviceUnavailable
from drivers.core.url import DeviceUrl, UrlError
from drivers.idcard import protocol as p
from drivers.idcard.errors import FrameError
from drivers.idcard.synthetic import EmulatedCard, generate_all

log = logging.getLogger(__name__)

FAULTS = ("bad_checksum", "garbled", "short", "noise", "silence", "sam_failure", "read_failed",
          "auth_failed", "unplugged")
DEFAULT_SAM_ID = bytes.fromhex("0500010004b23e0137b20a00d2e80f00")


def parse_faults(spec: str | Iterable[str] | None) -> dict[str, int | None]:
    """"bad_checksum:1,silence" -> {"bad_checksum": 1, "silence": None}."""
    items = spec.split(",") if isinstance(spec, str) else list(spec or ())
    faults: dict[str, int | None] = {}
    for item in filter(None, (i.strip() for i in items)):
        name, _, times = item.partition(":")
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r} (known: {', '.join(FAULTS)})")
        faults[name] = int(times) if times else None
    return faults


class ReaderEmulator:
    """A protocol-accurate ID card reader without hardware. Thread-safe."""

    def __init__(self, cards: dict[str, EmulatedCard] | None = None, card: str | None = None,
                 faults: str | Iterable[str] | None = None, sam_id: bytes = DEFAULT_SAM_ID,
                 seed: int = 0) -> None:
        self.cards = dict(cards or generate_all(seed))
        self.sam_id = sam_id
        self.baud = 115200
        self.requests: list[bytes] = []       # every request frame body seen, for tests
        self._faults = parse_faults(faults)
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._decoder = p.FrameDecoder()
        self._card: EmulatedCard | None = None
        self._selected = False
        if card:
            self.place(card)

    # -- test controls ---------------------------------------------------------------
    def place(self, card: str | EmulatedCard) -> EmulatedCard:
        with self._lock:
            if isinstance(card, str):
                if card not in self.cards:
                    raise ValueError(f"no card {card!r} (have: {', '.join(self.cards)})")
                card = self.cards[card]
            self._card, self._selected = card, False
            return card

    def lift(self) -> None:
        with self._lock:
            self._card, self._selected = None, False

    @property
    def card(self) -> EmulatedCard | None:
        return self._card

    def inject(self, fault: str, times: int | None = None) -> None:
        with self._lock:
            self._faults.update(parse_faults([f"{fault}:{times}" if times else fault]))

    def clear(self, fault: str | None = None) -> None:
        with self._lock:
            if fault is None:
                self._faults.clear()
            else:
                self._faults.pop(fault, None)

    @property
    def faults(self) -> dict[str, int | None]:
        return dict(self._faults)

    def _take(self, fault: str) -> bool:
        """True if the fault applies to this reply (counting down limited faults)."""
        if fault not in self._faults:
            return False
        left = self._faults[fault]
        if left is not None:
            if left <= 1:
                del self._faults[fault]
            else:
                self._faults[fault] = left - 1
        return True

    # -- the wire --------------------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Feed request bytes; return the reply bytes to send back (maybe none)."""
        out = bytearray()
        with self._lock:
            self._decoder.feed(data)
            while True:
                try:
                    body = self._decoder.next_body()
                except FrameError as err:
                    reply = p.build_response(0x11 if "length" in str(err) else 0x10)
                else:
                    if body is None:
                        break
                    self.requests.append(body)
                    reply = self.handle(body)
                out += self._deliver(reply)
        return bytes(out)

    def _deliver(self, frame: bytes) -> bytes:
        if self._take("unplugged") or self._take("silence"):
            return b""
        if self._take("bad_checksum"):
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        if self._take("garbled"):
            i = self._rng.randrange(7, len(frame) - 1)
            frame = frame[:i] + bytes([frame[i] ^ 0xFF]) + frame[i + 1:]
        if self._take("short"):
            frame = frame[:max(6, len(frame) // 2)]
        if self._take("noise"):
            frame = bytes([0x00, 0xAA, 0xAA, 0x13, 0x11, 0x96]) + frame
        return frame

    def handle(self, body: bytes) -> bytes:
        """The clean reply frame for one request body."""
        if len(body) < 2:
            return p.build_response(0x11)
        cmd = body[:2]
        if self._take("sam_failure"):
            return p.build_response(0x60)
        if cmd == p.Command.RESET_SAM.value:
            self._selected = False
            return p.build_response(p.Status.SUCCESS)
        if cmd == p.Command.SAM_STATUS.value:
            return p.build_response(p.Status.SUCCESS)
        if cmd == p.Command.SAM_ID.value:
            return p.build_response(p.Status.SUCCESS, self.sam_id)
        if cmd == p.Command.FIND_CARD.value:
            self._selected = False      # a find starts a new find -> select -> read sequence
            return p.build_response(p.Status.CARD_FOUND, bytes(4)) if self._card else p.build_response(0x80)
        if cmd == p.Command.SELECT_CARD.value:
            self._selected = self._card is not None
            return p.build_response(p.Status.SUCCESS, bytes(8)) if self._selected else p.build_response(0x81)
        if body[0] == 0x30 and body[1] in (0x01, 0x03, 0x10):
            return self._read(body[1])
        if body[0] == 0x60:
            rates = {v: k for k, v in p.BAUD_CODES.items()}
            if body[1] not in rates:
                return p.build_response(0x21)
            self.baud = rates[body[1]]
            return p.build_response(p.Status.SUCCESS)
        return p.build_response(0x21)

    def _read(self, para: int) -> bytes:
        card = self._card
        if card is None or not self._selected:
            return p.build_response(0x41)
        if para == 0x03:
            if card.new_address is None:
                return p.build_response(p.Status.NO_CONTENT)
            return p.build_response(p.Status.SUCCESS, p.encode_ucs2(card.new_address, p.ADDRESS_LEN))
        if self._take("read_failed"):
            return p.build_response(0x41)
        if self._take("auth_failed"):
            return p.build_response(0x32)
        lengths = len(card.text).to_bytes(2, "big") + len(card.photo).to_bytes(2, "big")
        if para == 0x10:
            lengths += len(card.fingerprint).to_bytes(2, "big")
            return p.build_response(p.Status.SUCCESS, lengths + card.text + card.photo + card.fingerprint)
        return p.build_response(p.Status.SUCCESS, lengths + card.text + card.photo)


# -- in-process transport for sim:// URLs ----------------------------------------------
_named: dict[str, ReaderEmulator] = {}


def sim_emulator(name: str, **kwargs) -> ReaderEmulator:
    """The shared in-process emulator of that name (created on first use)."""
    if name not in _named:
        _named[name] = ReaderEmulator(**kwargs)
    return _named[name]


class SimTransport:
    """A pyserial-like object (write/read/timeout/close) in front of a ReaderEmulator."""

    def __init__(self, emulator: ReaderEmulator, timeout: float = 0.5) -> None:
        self.emulator = emulator
        self.timeout = timeout
        self.baudrate = 115200
        self.is_open = True
        self._buf = bytearray()

    def write(self, data: bytes) -> int:
        self._buf += self.emulator.receive(bytes(data))
        return len(data)

    def read(self, size: int = 1) -> bytes:
        if not self._buf:
            time.sleep(self.timeout or 0)   # a silent device: the read times out
        chunk = bytes(self._buf[:size])
        del self._buf[:size]
        return chunk

    @property
    def in_waiting(self) -> int:
        return len(self._buf)

    def reset_input_buffer(self) -> None:
        self._buf.clear()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.is_open = False


def face_cards(spec: str, seed: int) -> dict[str, EmulatedCard]:
    """face=orl:12: every card type carries the card photo of ORL person 12 (drivers.face.actor),
    the person a sim://camera?pattern=face&person=12 camera shows."""
    kind, _, person = spec.partition(":")
    if kind != "orl" or not person.isdigit():
        raise ValueError(f"face must be orl:PERSON (1-40), got {spec!r}")
    from drivers.face.actor import card_photo_png     # OpenCV and the ORL set only when asked for
    return generate_all(seed, reference_image=card_photo_png(int(person)))


def open_sim(url: DeviceUrl, timeout: float) -> SimTransport:
    """sim://idcard?card=resident&faults=bad_checksum:1&name=kiosk1&seed=0&face=orl:12 (all optional)."""
    if url.target != "idcard":
        raise UrlError(f"{url.raw!r}: the ID card reader's sim URL is sim://idcard?card=...")
    try:
        seed, face = url.int_param("seed", 0), url.param("face")
        # One emulator per URL (or per name=...): a reconnect finds the same state again.
        emulator = sim_emulator(url.param("name") or url.raw, card=url.param("card"), seed=seed,
                                faults=url.param("faults"), cards=face_cards(face, seed) if face else None)
    except ValueError as err:
        raise UrlError(f"{url.raw!r}: {err}") from err
    if "unplugged" in emulator.faults:
        raise DeviceUnavailable("simulated reader is unplugged")
    return SimTransport(emulator, timeout)
