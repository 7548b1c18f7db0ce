"""Run the reference server as a child process (tests, demo, benchmarks)."""
from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests


class ServerProcess:
    """`python -m reference_backend` in a subprocess; restartable on the same port and state."""

    def __init__(self, *, app_key: str = "test-key", app_secret: str = "test-secret",
                 state_dir: Path | None = None, host: str = "127.0.0.1", port: int = 0,
                 admin_token: str = "test-admin", extra_args: tuple[str, ...] = ()) -> None:
        self.app_key, self.app_secret, self.admin_token = app_key, app_secret, admin_token
        self.host, self.port, self.extra_args = host, port, extra_args
        self.state_dir = state_dir or Path(tempfile.mkdtemp(prefix="reference-backend-"))
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 30.0) -> ServerProcess:
        cmd = [sys.executable, "-m", "reference_backend", "--host", self.host,
               "--port", str(self.port), "--app-key", self.app_key, "--app-secret",
               self.app_secret, "--admin-token", self.admin_token, "--state-dir",
               str(self.state_dir), *self.extra_args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                     cwd=Path(__file__).resolve().parent.parent)
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith("{"):
                    info = json.loads(line)
                    self.url = info["url"]
                    self.port = int(self.url.rsplit(":", 1)[1])  # a restart keeps the port
                    return self
            if self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"reference backend did not start: {' '.join(cmd)}")

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        r = requests.request(method, f"{self.url}/_admin/{path}", json=body, timeout=10,
                             headers={"X-Admin-Token": self.admin_token})
        r.raise_for_status()
        return r.json()

    def set_faults(self, **faults: Any) -> Any:
        return self.admin("POST", "faults", faults)

    def clear_faults(self) -> Any:
        return self.admin("DELETE", "faults")

    def received(self) -> dict[str, list]:
        return self.admin("GET", "received")

    def sms(self) -> list[dict]:
        """The SMS the platform "sent" (codes and reminders), oldest first."""
        return self.admin("GET", "sms")

    def sms_code(self, phone: str) -> str:
        """The last verification code sent to `phone` (as a citizen reads it from the SMS)."""
        import re
        texts = [s["text"] for s in self.sms() if s["phone"] == phone and s["template"] == "verification"]
        if not texts:
            raise LookupError("no code was sent to that number")
        return re.search(r"验证码为(\d+)", texts[-1]).group(1)

    def citizens(self) -> list[dict]:
        return self.admin("GET", "citizens")

    def book(self, **booking: Any) -> dict:
        """An appointment for a synthetic citizen (id_number, matter_id, date, slot_start, slot_end, hall_id)."""
        return self.admin("POST", "appointments", booking)

    def payment_settings(self, **settings: Any) -> Any:
        return self.admin("POST", "payments/settings", settings)

    def wallet_pay(self, order_id: str, times: int = 1, channel: str = "wechat") -> dict:
        """The citizen's wallet pays the order (simulated); `times=2`: paid twice."""
        return self.admin("POST", f"payments/{order_id}/pay", {"times": times, "channel": channel})

    def charges(self) -> list[dict]:
        return self.admin("GET", "payments/charges")


