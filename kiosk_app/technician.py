"""The kiosk's technician page without Qt: the PIN, each device's state and counters, the tests
(print, read, speech) and "send logs".

The PIN is kept only as a PBKDF2 hash in the kiosk's file (`technician_pin_hash`); neither the PIN
nor its hash is ever logged. Five wrong PINs lock the page for five minutes.

"Send logs", kept simple: the kiosk keeps the last lines of its own log in memory (every record
already masked by privacy.logs, and masked once more here) and writes them to
`$HALL_STATE_DIR/technician/<kiosk>-log.txt` (0600), where a technician on the machine, or the
remote tools, fetch them.

    python -m kiosk_app.technician hash-pin     # reads a PIN (4 to 12 digits) on stdin, prints the hash
"""
from __future__ import annotations

import collections
import hashlib
import hmac
import logging
import secrets
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from drivers.core.counters import state_dir
from drivers.core.device import HealthLevel
from drivers.core.errors import DeviceError
from privacy import write_private
from privacy.logs import mask_record

log = logging.getLogger(__name__)

ITERATIONS = 200_000
MAX_FAILURES, LOCK_S = 5, 300.0


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError("a technician PIN is 4 to 12 digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        mine = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(mine.hex(), digest)


class LogTail(logging.Handler):
    """The last `size` lines of this process's log, masked, in memory."""

    def __init__(self, size: int = 500) -> None:
        super().__init__(logging.INFO)
        self.lines: collections.deque[str] = collections.deque(maxlen=size)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(mask_record(record)))
        except Exception:  # noqa: BLE001 - logging must never break the kiosk
            self.handleError(record)

    def install(self) -> "LogTail":
        logging.getLogger().addHandler(self)
        return self


@dataclass
class DeviceRow:
    part: str
    state: str
    action: str
    details: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)


class Technician:
    """What the technician page shows and does, for one assembled kiosk (kiosk_app/app.py)."""

    def __init__(self, kiosk, pin_hash: str | None, tail: LogTail | None = None, *,
                 out_dir: Path | None = None, speaker=None) -> None:
        self.kiosk, self.pin_hash, self.tail = kiosk, pin_hash, tail
        self.out_dir = out_dir or state_dir() / "technician"
        self.speaker = speaker   # a drivers.speech.output.AudioOutput; None: this machine's default ("auto")
        self.failures = 0
        self.locked_until = 0.0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.pin_hash)

    def unlock(self, pin: str, now: float) -> bool:
        """True for the right PIN; `now` is monotonic seconds (passed in, as every clock here)."""
        with self._lock:
            if not self.enabled or now < self.locked_until:
                return False
            if check_pin(pin, self.pin_hash):
                self.failures = 0
                log.info("kiosk %s: technician page opened", self.kiosk.config.id)
                return True
            self.failures += 1
            log.warning("kiosk %s: wrong technician PIN (%d in a row)", self.kiosk.config.id, self.failures)
            if self.failures >= MAX_FAILURES:
                self.failures, self.locked_until = 0, now + LOCK_S
            return False

    def _devices(self) -> dict[str, object]:
        k = self.kiosk
        found = {"printer": k.printer, "a4printer": k.a4, "camera": k.camera}
        if k.identity is not None:
            found["idcard"] = k.identity.reader
            found["smartcard"] = k.identity.social.reader if k.identity.social is not None else None
        return {part: dev for part, dev in found.items() if dev is not None}

    def devices(self) -> list[DeviceRow]:
        """Each device's state (as on the kiosk's health topic) and its counters."""
        parts = self.kiosk.health.message().parts
        by_part = {p.part: p for p in parts}
        rows = []
        for part, dev in self._devices().items():
            h = by_part.get(part)
            rows.append(DeviceRow(part, h.state if h else "unknown", h.action if h else "none",
                                  list(h.details) if h else [], dev.counters.snapshot()))
        return rows

    def test_print(self) -> str:
        if self.kiosk.printer is None:
            return "no receipt printer configured / 未配置凭条打印机"
        return self._check("printer", self.kiosk.printer, HealthLevel.INTERACTIVE)

    def test_read(self) -> str:
        reader = self._devices().get("idcard") or self._devices().get("smartcard")
        if reader is None:
            return "no card reader configured / 未配置读卡器"
        return self._check("card reader", reader, HealthLevel.EXTERNAL)

    def _check(self, what: str, device, level: HealthLevel) -> str:
        try:
            report = device.health_check(level)
        except DeviceError as err:
            return f"{what}: {err}"
        return f"{what}: {'ok' if report.ok else 'fault'} ({report.status.state.value})"

    def test_speech(self) -> str:
        from drivers.speech.output import AudioOutput
        from drivers.speech.worker import SpeechWorker
        worker = SpeechWorker(output=self.speaker or AudioOutput("auto"), device_id=f"{self.kiosk.config.id}-speech")
        try:
            worker.open()
            worker.say("技术人员测试，语音正常。").result(timeout=30)
            return "speech: ok / 语音正常"
        except (DeviceError, TimeoutError) as err:
            return f"speech: {err}"
        finally:
            worker.close()

    def send_logs(self) -> Path:
        lines = [mask_record(logging.makeLogRecord({"msg": line})).getMessage()
                 for line in (self.tail.lines if self.tail else [])]
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.kiosk.config.id)
        path = write_private(self.out_dir / f"{safe}-log.txt", "\n".join(lines) + "\n")
        log.info("kiosk %s: %d log lines written for the technician to %s", self.kiosk.config.id, len(lines), path)
        return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["hash-pin"]:
        print("usage: python -m kiosk_app.technician hash-pin  (the PIN on stdin)", file=sys.stderr)
        return 64
    pin = sys.stdin.readline().strip()
    try:
        print(f'technician_pin_hash = "{hash_pin(pin)}"')
    except ValueError as err:
        print(f"kiosk technician: {err}", file=sys.stderr)
        return 65
    return 0


if __name__ == "__main__":
    sys.exit(main())
