"""An ESC/POS receipt printer emulator that understands Chinese (FS & + GB18030).

Listens on TCP 127.0.0.1 and/or a pty, decodes what it is sent into receipts (lines,
QR payloads, barcodes, a PNG and a text file per cut) and answers DLE EOT 1/2/4 from a
state that can be changed at run time: ok, near_end, out, cover_open, offline, or
silent (no answer at all).

As a process:
    python -m drivers.escpos.emulator --tcp 0 --pty --out DIR [--state ok] [--control-port 0]
prints one JSON line {"tcp": port, "pty": path, "control": port} when ready. The
control port takes lines "state STATE", "receipts" (how many so far) and "wait N" (until
N receipts are cut, at most 10 s) and answers "ok ..." or "error ...".
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import select
import signal
import socket
import sys
import threading
import tty
from pathlib import Path
from typing import Callable

from drivers.escpos.protocol import StreamDecoder, status_bytes_for
from drivers.escpos.receipt import PAPER_WIDTHS, PaperModel, Receipt
from privacy import install_log_masking

log = logging.getLogger(__name__)
traffic = logging.getLogger(__name__ + ".traffic")

STATES = ("ok", "near_end", "out", "cover_open", "offline", "silent")


class EscposEmulator:
    """An emulated receipt printer (80 mm paper, or 58 mm); thread-safe, one paper model for all links."""

    def __init__(self, out_dir: str | Path | None = None, *, state: str = "ok",
                 chinese_default: bool = False, paper_mm: int = 80) -> None:
        if paper_mm not in PAPER_WIDTHS:
            raise ValueError(f"paper width must be one of {sorted(PAPER_WIDTHS)} mm, got {paper_mm!r}")
        self.out_dir = Path(out_dir) if out_dir else None
        self.paper_mm = paper_mm
        self._paper = PaperModel(chinese_default=chinese_default, paper_width=PAPER_WIDTHS[paper_mm])
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._state = "ok"
        self.set_state(state)
        self.protocol_errors = 0
        self.bytes_received = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._closables: list = []
        self.tcp_port: int | None = None
        self.pty_path: str | None = None
        self.control_port: int | None = None

    # -- state and results -----------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def set_state(self, state: str) -> None:
        if state not in STATES:
            raise ValueError(f"unknown state {state!r} (one of {', '.join(STATES)})")
        self._state = state
        log.info("emulated printer state -> %s", state)

    @property
    def receipts(self) -> list[Receipt]:
        with self._lock:
            return list(self._paper.finished)

    def wait_for_receipts(self, n: int, timeout: float = 5.0) -> list[Receipt]:
        """Wait until at least `n` receipts are cut; raise TimeoutError otherwise."""
        with self._done:
            if not self._done.wait_for(lambda: len(self._paper.finished) >= n, timeout):
                raise TimeoutError(f"{len(self._paper.finished)} receipts after {timeout}s, expected {n}")
            return list(self._paper.finished)

    def clear(self) -> None:
        with self._lock:
            self._paper.finished.clear()

    # -- the byte interface every link uses --------------------------------------------
    def feed(self, data: bytes, decoder: StreamDecoder) -> bytes:
        """Take bytes from a link; return the reply bytes (status answers) for it."""
        traffic.debug("in  %s", data[:64].hex(" "))
        commands, errors = decoder.feed(data)
        reply = bytearray()
        with self._done:
            self.bytes_received += len(data)
            self.protocol_errors += len(errors)
            for err in errors:
                log.warning("emulator skipped a byte: %s", err)
            for command in commands:
                if command.kind == "status":
                    reply += self._answer(command.params[0])
                    continue
                try:
                    receipt = self._paper.apply(command)
                except Exception:  # an emulator bug must not kill the link thread
                    log.exception("emulator could not apply %s", command.kind)
                    self.protocol_errors += 1
                    continue
                if receipt is not None:
                    self._save(receipt, len(self._paper.finished))
                    self._done.notify_all()
        if reply:
            traffic.debug("out %s", bytes(reply).hex(" "))
        return bytes(reply)

    def _answer(self, n: int) -> bytes:
        if self._state == "silent":
            return b""
        answers = status_bytes_for(self._state)
        value = {1: answers.printer, 2: answers.offline_cause, 4: answers.paper}.get(n, 0x12)
        return bytes([value])

    def _save(self, receipt: Receipt, number: int) -> None:
        if not self.out_dir:
            return
        self.out_dir.mkdir(parents=True, exist_ok=True)
        base = self.out_dir / f"receipt-{number:04d}"
        base.with_suffix(".png").write_bytes(receipt.png)
        base.with_suffix(".txt").write_text(receipt.text, "utf-8")

    # -- links ---------------------------------------------------------------------------
    def _listen(self, host: str, port: int, make_handler) -> int:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((host, port))
        server.listen(4)
        server.settimeout(0.2)
        self._closables.append(server)
        self._spawn(self._accept_loop, server, make_handler)
        return server.getsockname()[1]

    def start_tcp(self, port: int = 0, host: str = "127.0.0.1") -> int:
        """Listen for print jobs (like a printer's port 9100); return the port."""
        self.tcp_port = self._listen(host, port, self._printer_handler)
        return self.tcp_port

    def start_pty(self) -> str:
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        self.pty_path = os.ttyname(slave)
        # Keep the slave open ourselves so the master never sees EIO between clients.
        self._closables.extend([_Fd(master), _Fd(slave)])
        self._spawn(self._serve_pty, master)
        return self.pty_path

    def start_control(self, port: int = 0) -> int:
        """Listen for control lines ("state out", "receipts"); return the port."""
        self.control_port = self._listen("127.0.0.1", port, self._control_handler)
        return self.control_port

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for item in self._closables:
            try:
                item.close()
            except OSError:
                pass
        self._threads.clear()
        self._closables.clear()

    def __enter__(self) -> "EscposEmulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name=f"escpos-emu-{target.__name__}")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self, server: socket.socket, make_handler: Callable[[], Callable[[bytes], bytes]]) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(0.2)
            self._closables.append(conn)
            self._spawn(self._serve_socket, conn, make_handler())

    def _serve_socket(self, conn: socket.socket, handle: Callable[[bytes], bytes]) -> None:
        """One connection: every chunk received goes to `handle`, its answer goes back."""
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                    if not data:
                        return
                    reply = handle(data)
                    if reply:
                        conn.sendall(reply)
                except socket.timeout:
                    continue
                except OSError:
                    return

    def _printer_handler(self) -> Callable[[bytes], bytes]:
        decoder = StreamDecoder()
        return lambda data: self.feed(data, decoder)

    def _control_handler(self) -> Callable[[bytes], bytes]:
        buffer = bytearray()

        def handle(data: bytes) -> bytes:
            buffer.extend(data)
            answers = []
            while b"\n" in buffer:
                end = buffer.index(b"\n")
                line = bytes(buffer[:end]).decode("utf-8", "replace")
                del buffer[:end + 1]
                answers.append(self._control(line.split()) + "\n")
            return "".join(answers).encode()

        return handle

    def _serve_pty(self, master: int) -> None:
        decoder = StreamDecoder()
        while not self._stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            reply = self.feed(data, decoder)
            if reply:
                os.write(master, reply)

    def _control(self, words: list[str]) -> str:
        if len(words) == 2 and words[0] == "state":
            try:
                self.set_state(words[1])
            except ValueError as err:
                return f"error {err}"
            return "ok"
        if words == ["receipts"]:
            return f"ok {len(self.receipts)}"
        if words == ["take"]:   # the count, then forgotten (a long soak keeps no receipts in memory)
            with self._lock:
                n = len(self._paper.finished)
                self._paper.finished.clear()
            return f"ok {n}"
        if len(words) == 2 and words[0] == "wait" and words[1].isdigit():
            try:
                return f"ok {len(self.wait_for_receipts(int(words[1]), timeout=10.0))}"
            except TimeoutError as err:
                return f"error {err}"
        return "error commands: state STATE | receipts | take | wait N"


class _Fd:
    """A raw file descriptor with close(), so it can sit in the closables list."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        os.close(self.fd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.escpos.emulator", description=__doc__.split("\n")[0])
    parser.add_argument("--tcp", type=int, metavar="PORT", help="listen on 127.0.0.1:PORT (0 = any free port)")
    parser.add_argument("--pty", action="store_true", help="open a pty and report its path")
    parser.add_argument("--out", metavar="DIR", help="write receipt-NNNN.png/.txt here")
    parser.add_argument("--state", choices=STATES, default="ok")
    parser.add_argument("--control-port", type=int, metavar="PORT", help="accept 'state STATE' lines here")
    parser.add_argument("--chinese-default", action="store_true", help="start in Chinese mode (many Chinese printers do)")
    parser.add_argument("--paper-mm", type=int, choices=sorted(PAPER_WIDTHS), default=80, help="paper width")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.tcp is None and not args.pty:
        parser.error("give --tcp PORT and/or --pty")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    emulator = EscposEmulator(args.out, state=args.state, chinese_default=args.chinese_default,
                              paper_mm=args.paper_mm)
    ready: dict = {"tcp": None, "pty": None, "control": None}
    if args.tcp is not None:
        ready["tcp"] = emulator.start_tcp(args.tcp)
    if args.pty:
        ready["pty"] = emulator.start_pty()
    if args.control_port is not None:
        ready["control"] = emulator.start_control(args.control_port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(json.dumps(ready), flush=True)
    stop.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
