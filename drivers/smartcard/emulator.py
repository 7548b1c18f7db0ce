"""A virtual card that plugs into vpcd (the "Virtual PCD 00 00" reader of pcscd).

vpcd's wire protocol: each message is a 2-byte big-endian length and a payload. A 1-byte
payload is a control code (0 power off, 1 power on, 2 reset, 4 send the ATR); a longer
one is a command APDU, answered with the response APDU. Connecting is "card inserted",
closing is "card removed". Only ever connects to loopback.

    python -m drivers.smartcard.emulator --profile social [--port 35963] [--pull-after N]
"""
from __future__ import annotations

import argparse
import logging
import signal
import socket
import struct
import threading

from drivers.smartcard.apdu import loggable
from drivers.smartcard.cards import PROFILES, CardProfile, make_profile
from privacy import install_log_masking

log = logging.getLogger(__name__)
traffic = logging.getLogger(__name__ + ".traffic")

VPCD_PORT = 35963  # "Virtual PCD 00 00"; 35964 is "Virtual PCD 00 01"
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


class VirtualCard:
    """One card in one vpcd slot. `insert()` connects, `remove()` disconnects.

    `pull_after=N` answers N APDUs and then drops the connection instead of answering
    the next one: the card is pulled out in the middle of a read.
    """

    def __init__(self, profile: CardProfile, *, host: str = "127.0.0.1", port: int = VPCD_PORT,
                 pull_after: int | None = None) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the card emulator only connects to loopback")
        self.profile, self.host, self.port, self.pull_after = profile, host, port, pull_after
        self.commands: list[bytes] = []  # every APDU received, for tests and benches
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.pulled = threading.Event()

    @property
    def inserted(self) -> bool:
        return self._sock is not None

    def insert(self) -> None:
        if self._sock is not None:
            return
        self.profile.reset()
        self.pulled.clear()
        sock = socket.create_connection((self.host, self.port), timeout=5)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True,
                                        name=f"vcard-{self.profile.name}")
        self._thread.start()
        log.info("card %s inserted into vpcd port %d", self.profile.name, self.port)

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        log.info("card %s removed", self.profile.name)

    def __enter__(self) -> "VirtualCard":
        self.insert()
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    # -- the socket loop -------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                payload = _recv_message(sock)
                if payload is None:
                    break
                reply = self._answer(payload)
                if reply is None:  # pulled: drop the line without answering
                    self.pulled.set()
                    self._sock = None
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                    break
                if reply:
                    sock.sendall(struct.pack(">H", len(reply)) + reply)
        except OSError as err:
            log.debug("card connection ended: %s", err)

    def _answer(self, payload: bytes) -> bytes | None:
        if len(payload) == 1:
            code = payload[0]
            if code in (CTRL_ON, CTRL_RESET):
                self.profile.reset()
            if code == CTRL_ATR:
                return self.profile.atr
            return b""  # power on/off/reset need no answer
        if self.pull_after is not None and len(self.commands) >= self.pull_after:
            return None
        self.commands.append(payload)
        reply = self.profile.handle(payload)
        # Responses may carry personal data: the traffic log shows the command, length and SW only.
        traffic.debug("C-APDU %s -> %d bytes SW %s", loggable(payload), len(reply) - 2, reply[-2:].hex().upper())
        return reply


def _quick_ack(sock: socket.socket) -> None:
    """vpcd writes the length and the APDU separately: acknowledge at once, or Nagle on its
    side and delayed ACKs on ours cost ~40 ms per APDU (Linux only; reset after each read)."""
    if hasattr(socket, "TCP_QUICKACK"):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        except OSError:
            pass


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        _quick_ack(sock)
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def _recv_message(sock: socket.socket) -> bytes | None:
    header = _recv_exact(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack(">H", header)
    return _recv_exact(sock, length) if length else b""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.smartcard.emulator",
                                     description="Insert a virtual card into pcscd's vpcd reader.")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="social")
    parser.add_argument("--port", type=int, default=VPCD_PORT, help="35963 = Virtual PCD 00 00, 35964 = 00 01")
    parser.add_argument("--pin", help="protect EF06 with this PIN (social profiles)")
    parser.add_argument("--pull-after", type=int, help="drop the card after answering N APDUs")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    profile = make_profile(args.profile)
    if args.pin and hasattr(profile, "pin"):
        profile.pin = args.pin
    card = VirtualCard(profile, port=args.port, pull_after=args.pull_after)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        card.insert()
    except OSError as err:
        print(f"cannot reach vpcd on 127.0.0.1:{args.port} (is pcscd running?): {err}")
        return 2
    print(f"card {profile.name} inserted on 127.0.0.1:{args.port}; Ctrl-C removes it", flush=True)
    try:
        while not stop.wait(0.5) and (card._thread is not None and card._thread.is_alive()):
            pass
    except KeyboardInterrupt:
        pass
    card.remove()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
