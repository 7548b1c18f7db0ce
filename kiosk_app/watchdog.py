"""`kiosk-watchdog -- --config kiosk.toml ...`: keep a kiosk running, with or without systemd.

Starts `python -m kiosk_app <arguments>` with `KIOSK_HEARTBEAT` naming a file to which the kiosk's
Qt event loop writes the machine's monotonic time every second (kiosk_app/qt/lockdown.py `Heartbeat`). The kiosk is started
again when it exits, and killed (SIGKILL: a frozen process answers nothing else) and started
again when its heartbeat is older than `--stall-s` (or none came within `--start-grace-s` of a
start). A kiosk that exits with 78 (its configuration is wrong) is not restarted: the watchdog
exits 78 too, as waiting would not mend the file.

Each start is printed as one JSON line (`{"event": "started", "pid": ...}`) for whoever runs it.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from privacy import install_log_masking

log = logging.getLogger(__name__)

EX_CONFIG = 78


class Watchdog:
    def __init__(self, kiosk_args: list[str], heartbeat: Path, *, stall_s: float = 4.0, start_grace_s: float = 60.0,
                 poll_s: float = 0.25, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "kiosk_app"]
        self.kiosk_args, self.heartbeat = kiosk_args, heartbeat
        self.stall_s, self.start_grace_s, self.poll_s = stall_s, start_grace_s, poll_s
        self.stop_event = threading.Event()
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restarts = 0

    def _start(self) -> None:
        self.heartbeat.unlink(missing_ok=True)
        self.proc = subprocess.Popen([*self.command, *self.kiosk_args],
                                     env={**os.environ, "KIOSK_HEARTBEAT": str(self.heartbeat)})
        self.started_at = time.monotonic()
        print(json.dumps({"event": "started", "pid": self.proc.pid, "restarts": self.restarts}), flush=True)
        log.info("kiosk started (pid %d)", self.proc.pid)

    def _stalled(self) -> str | None:
        """Why the running kiosk counts as frozen, or None."""
        try:
            text = self.heartbeat.read_text("ascii", "replace")
        except FileNotFoundError:
            waited = time.monotonic() - self.started_at
            return f"no heartbeat {waited:.0f} s after its start" if waited > self.start_grace_s else None
        try:
            age = time.monotonic() - float(text)   # the kiosk's monotonic time: the same clock on one machine
        except ValueError:
            return None if time.monotonic() - self.started_at < self.start_grace_s else "an unreadable heartbeat"
        return f"heartbeat {age:.1f} s old" if age > self.stall_s else None

    def _kill(self, why: str) -> None:
        log.warning("kiosk (pid %d) frozen: %s; killing it", self.proc.pid, why)
        self.proc.kill()   # SIGKILL: works on a stopped (SIGSTOP) or hung process too
        self.proc.wait()

    def run(self) -> int:
        backoff = 0.0
        self._start()
        while not self.stop_event.wait(self.poll_s):
            code = self.proc.poll()
            if code is None:
                why = self._stalled()
                if why is None:
                    continue
                self._kill(why)
                code = self.proc.returncode
            elif code == EX_CONFIG:
                log.error("kiosk exited %d (its configuration): not restarted", code)
                return EX_CONFIG
            else:
                log.warning("kiosk (pid %d) exited with %d", self.proc.pid, code)
            # a kiosk that dies again soon after its start waits longer each time (at most 8 s)
            lived = time.monotonic() - self.started_at
            backoff = 0.0 if lived > 30 else min(8.0, max(0.5, backoff * 2))
            if self.stop_event.wait(backoff):
                break
            self.restarts += 1
            self._start()
        self.stop_kiosk()
        return 0

    def stop_kiosk(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kiosk-watchdog", description="Run a kiosk; restart it when it exits or "
                                 "freezes. Arguments after -- go to the kiosk.")
    ap.add_argument("--stall-s", type=float, default=4.0, help="a heartbeat older than this: frozen (default 4)")
    ap.add_argument("--start-grace-s", type=float, default=60.0,
                    help="time for the first heartbeat after a start (default 60)")
    ap.add_argument("--heartbeat", help="the heartbeat file (default: a private temporary one)")
    ap.add_argument("kiosk_args", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    kiosk_args = args.kiosk_args[1:] if args.kiosk_args[:1] == ["--"] else args.kiosk_args
    if not kiosk_args:
        ap.error("give the kiosk's arguments after --, e.g. kiosk-watchdog -- --config kiosk.toml")
    if args.stall_s < 1.5:
        ap.error("--stall-s must be at least 1.5 (the kiosk beats once a second)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()
    heartbeat = Path(args.heartbeat) if args.heartbeat else Path(tempfile.mkdtemp(prefix="kiosk-watchdog-")) / "beat"
    dog = Watchdog(kiosk_args, heartbeat, stall_s=args.stall_s, start_grace_s=args.start_grace_s)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: dog.stop_event.set())
    return dog.run()


if __name__ == "__main__":
    sys.exit(main())
