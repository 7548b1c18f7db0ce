"""The reader emulator on a real pty, in-process or as its own process.

    python -m drivers.idcard.emulator --card resident --control-port 0 [--link /tmp/ttyIDCARD]

prints one JSON line {"pty": ..., "link": ..., "control_port": ..., "cards": [...]} when
ready. The control port takes JSON lines: {"op": "place", "card": "permit_hmt"},
{"op": "lift"}, {"op": "inject", "fault": "bad_checksum", "times": 1}, {"op": "clear"},
{"op": "unplug"}, {"op": "replug"}, {"op": "status"}; each is answered with one JSON line.
Unplug closes the pty (the reader's port fails, as with a pulled USB cable); replug
opens a new one and points the stable `link` symlink at it (as udev's by-id names do).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import select
import signal
import socketserver
import sys
import threading
import time
import tty

from drivers.idcard.photo import publish_reference_image
from drivers.idcard.sim import FAULTS, ReaderEmulator
from privacy import install_log_masking

log = logging.getLogger(__name__)


class PtyEmulator:
    """Serves a ReaderEmulator on a pty; `path` is what a reader opens (serial://PATH)."""

    def __init__(self, emulator: ReaderEmulator | None = None, *, link: str | None = None,
                 pace: bool = False) -> None:
        self.emulator = emulator or ReaderEmulator()
        self.link = link
        self.pace = pace            # sleep the wire time of each reply at the emulated baud
        self.pty: str | None = None
        self._master = self._slave = -1
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def path(self) -> str:
        assert self.pty, "emulator not started"
        return self.link or self.pty

    @property
    def url(self) -> str:
        return f"serial://{self.path}?baud=115200"

    def start(self) -> "PtyEmulator":
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self.pty = os.ttyname(self._slave)
        if self.link:
            tmp = f"{self.link}.new"
            if os.path.lexists(tmp):
                os.unlink(tmp)
            os.symlink(self.pty, tmp)
            os.replace(tmp, self.link)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="idcard-emulator", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        master = self._master
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except (OSError, ValueError):
                return
            reply = self.emulator.receive(data)
            if self.pace:       # request and reply cross the wire at 10 bits per byte
                time.sleep((len(data) + len(reply)) * 10 / self.emulator.baud)
            try:
                if reply:
                    os.write(master, reply)
            except OSError:
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = -1

    def unplug(self) -> None:
        """Close the pty: the reader's open port starts failing."""
        self.stop()
        if self.link and os.path.lexists(self.link):
            os.unlink(self.link)

    def replug(self) -> None:
        """A new pty behind the same link: the reader must reconnect by itself."""
        self.stop()
        self.start()

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> "PtyEmulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def control(self, request: dict) -> dict:
        """One control command (used by the control port and usable from tests)."""
        op = request.get("op")
        em = self.emulator
        if op == "place":
            em.place(str(request.get("card", "resident")))
        elif op == "lift":
            em.lift()
        elif op == "inject":
            em.inject(str(request["fault"]), request.get("times"))
        elif op == "clear":
            em.clear(request.get("fault"))
        elif op == "unplug":
            self.unplug()
        elif op == "replug":
            self.replug()
        elif op != "status":
            raise ValueError(f"unknown op {op!r}")
        card = em.card.card.card_type.value if em.card else None
        return {"ok": True, "pty": self.pty, "card": card, "faults": em.faults, "requests": len(em.requests)}


def serve_control(pty: PtyEmulator, port: int) -> socketserver.ThreadingTCPServer:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            for line in self.rfile:
                try:
                    reply = pty.control(json.loads(line))
                except (ValueError, KeyError, TypeError) as err:
                    reply = {"ok": False, "error": str(err)}
                self.wfile.write((json.dumps(reply) + "\n").encode())

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="idcard-control", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.idcard.emulator",
                                     description="Emulated SAM ID card reader on a pty.")
    parser.add_argument("--card", help="card placed at start: resident, permit_hmt, foreigner_2017, foreigner_2023")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic cards")
    parser.add_argument("--fault", action="append", default=[], help=f"name[:times], one of {', '.join(FAULTS)}")
    parser.add_argument("--control-port", type=int, help="TCP control port on 127.0.0.1 (0 picks one)")
    parser.add_argument("--link", help="stable symlink to the pty (kept across unplug/replug)")
    parser.add_argument("--reference-image", help="PNG used as the placed card's reference face image")
    parser.add_argument("--pace", action="store_true", help="delay replies by their wire time at the baud")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    install_log_masking()  # every record masked (privacy.logs)
    try:
        emulator = ReaderEmulator(seed=args.seed, faults=args.fault)
        if args.card:
            card = emulator.place(args.card)
            if args.reference_image:
                with open(args.reference_image, "rb") as fh:
                    card.reference_image = fh.read()
                card.photo = publish_reference_image(card.reference_image, filler=card.photo[39:103])
    except (ValueError, OSError) as err:
        print(f"emulator: {err}", file=sys.stderr)
        return 64
    for card in emulator.cards.values():     # other processes find the reference images on disk
        if card.reference_image:
            publish_reference_image(card.reference_image, to_disk=True)
    pty = PtyEmulator(emulator, link=args.link, pace=args.pace).start()
    server = serve_control(pty, args.control_port) if args.control_port is not None else None
    print(json.dumps({"pty": pty.pty, "link": args.link, "url": pty.url,
                      "control_port": server.server_address[1] if server else None,
                      "cards": sorted(emulator.cards), "card": args.card}), flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    if server:
        server.shutdown()
    pty.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
