"""Remote operations for technicians: one small responder every app and device wires in.

A technician (role technician, the command `hall-ops`) publishes an `OpsRequest` on
`hall/<hall>/ops/<device>/request/<technician>`; the device answers with a `Response` on
`hall/<hall>/ops/<device>/reply/<technician>` (contract.OPS_REQUEST / OPS_REPLY): the broker lets
a device read only requests addressed to it and answer only as itself, and only that technician
reads the answer. Operations:

- `info`: role, halls, version, start time and uptime, pid, host;
- `log`: the last N lines of the process's log (`LogRing`, a bounded in-memory handler on the root
  logger), every line masked with privacy's one rule (ID numbers, names, phone numbers never leave);
- `counters`: what the app counts (drivers' part counters of a device, request counts of the
  controller), when the app gives a `counters` callable;
- `config`: key=value pushed to the app's own file (the app's `configure` callable validates,
  writes atomically, applies or says "needs restart"); refused where the app takes none;
- `restart`: answered first, then the app exits with RESTART_EXIT_CODE (75) and its service
  manager (systemd `Restart=always`, deploy/systemd/) or the kiosk's watchdog starts it again.

Every request is logged with the technician's id; a bad one is refused with a bounded message.

    ring = LogRing.install()                       # first thing after logging is configured
    OpsResponder(endpoint, "kiosk-01", "kiosk", ["demo-hall"], ring=ring, restart=...).attach()
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from pydantic import ValidationError

from hall_protocol import contract
from hall_protocol.contract import Response, describe, encode
from hall_protocol.opsmsg import (MAX_LOG_LINES, RESTART_EXIT_CODE, OpsConfigResult, OpsInfo, OpsLog,
                                  OpsRequest)
from hall_protocol.presence import PROCESS_STARTED, suite_version
from privacy import mask_text

log = logging.getLogger(__name__)
__all__ = ["LogRing", "OpsResponder", "ConfigRefused", "RESTART_EXIT_CODE", "MAX_REQUEST_BYTES"]

MAX_REQUEST_BYTES = 8192
RING_LINES = 2000
LINE_CHARS = 1000  # one log line kept at most this long (a traceback is cut, not the buffer flooded)


class LogRing(logging.Handler):
    """The last `capacity` log lines of this process, masked, in memory only (nothing on disk)."""

    _installed: "LogRing | None" = None
    _install_lock = threading.Lock()

    def __init__(self, capacity: int = RING_LINES) -> None:
        super().__init__(logging.INFO)
        self.lines: deque[str] = deque(maxlen=capacity)
        self.total = 0
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    @classmethod
    def install(cls, capacity: int = RING_LINES) -> "LogRing":
        """The process's one ring on the root logger (installed once, the same one after)."""
        with cls._install_lock:
            if cls._installed is None:
                cls._installed = cls(capacity)
                logging.getLogger().addHandler(cls._installed)
            return cls._installed

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = mask_text(self.format(record))[:LINE_CHARS]  # masked again: whatever made the record
        except Exception:  # noqa: BLE001 - a log line must never break the app
            return
        with self.lock:
            self.lines.append(line)
            self.total += 1

    def tail(self, n: int) -> OpsLog:
        with self.lock:
            lines = list(self.lines)[-n:]
            dropped = max(0, self.total - len(self.lines))
        return OpsLog(lines=lines, dropped=dropped)


class ConfigRefused(Exception):
    """A pushed configuration the app will not take; the message names the key and why."""

    def __init__(self, message: str, code: str = "bad_config") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class OpsResponder:
    """Answers technicians' ops requests addressed to `device_id` in each of `halls`."""

    endpoint: object
    device_id: str
    role: str
    halls: list[str]
    ring: LogRing | None = None
    counters: Callable[[], dict[str, int]] | None = None
    configure: Callable[[dict[str, str]], OpsConfigResult] | None = None
    restart: Callable[[], None] | None = None

    def attach(self) -> "OpsResponder":
        """Subscribe (renewed by the endpoint after every reconnect); call before `start()`."""
        self.ring = self.ring or LogRing.install()
        for hall in self.halls:
            self.endpoint.subscribe(contract.OPS_REQUEST.format(hall=hall, device=self.device_id, client="+"),
                                    self._on_request)
        return self

    # -- one request -----------------------------------------------------------------------
    def _on_request(self, msg) -> None:
        where = contract.OPS_REQUEST.match(msg.topic)
        if where is None or where["device"] != self.device_id:
            return
        technician, hall = where["client"], where["hall"]
        reply = contract.OPS_REPLY.format(hall=hall, device=self.device_id, client=technician)
        transaction = _transaction(msg.payload)
        if len(msg.payload) > MAX_REQUEST_BYTES:
            return self._refuse(reply, technician, transaction, "too_large",
                                f"request of {len(msg.payload)} bytes, at most {MAX_REQUEST_BYTES}")
        try:
            req = OpsRequest.model_validate_json(msg.payload)
        except ValidationError as err:
            return self._refuse(reply, technician, transaction, "bad_request", describe(err, 3))
        log.info("ops %s asked by technician %s", req.op, technician)
        try:
            if req.op == "info":
                data = self.info().model_dump()
            elif req.op == "log":
                data = self.ring.tail(min(req.lines, MAX_LOG_LINES)).model_dump()
            elif req.op == "counters":
                if self.counters is None:
                    return self._refuse(reply, technician, req.transaction, "not_supported",
                                        f"{self.role} {self.device_id} keeps no counters")
                data = {"counters": dict(self.counters())}
            elif req.op == "config":
                if self.configure is None:
                    return self._refuse(reply, technician, req.transaction, "not_supported",
                                        f"{self.role} {self.device_id} takes no configuration remotely")
                if not req.values:
                    return self._refuse(reply, technician, req.transaction, "bad_request", "config needs values")
                result = self.configure(dict(req.values))
                log.info("ops config by technician %s: applied %s, after a restart %s", technician,
                         sorted(result.applied) or "-", result.needs_restart or "-")
                data = result.model_dump()
            else:  # restart
                if self.restart is None:
                    return self._refuse(reply, technician, req.transaction, "not_supported",
                                        f"{self.role} {self.device_id} cannot be restarted remotely")
                info = self._send(reply, Response(status="ok", data={"exit_code": RESTART_EXIT_CODE},
                                                  transaction=req.transaction))
                log.warning("restart asked by technician %s: exiting with code %d", technician, RESTART_EXIT_CODE)
                # after the answer has left (its PUBACK comes on this very network thread: not waited for here)
                threading.Thread(target=self._restart_after, args=(info,), name="ops-restart", daemon=True).start()
                return None
        except ConfigRefused as err:
            return self._refuse(reply, technician, req.transaction, err.code, str(err))
        except Exception as err:  # noqa: BLE001 - an op that fails is answered, the app goes on
            log.exception("ops %s for technician %s failed", req.op, technician)
            return self._refuse(reply, technician, req.transaction, "failed", f"{type(err).__name__}: {err}")
        self._send(reply, Response(status="ok", data=data, transaction=req.transaction))
        return None

    def info(self) -> OpsInfo:
        started = datetime.fromisoformat(PROCESS_STARTED)
        return OpsInfo(device=self.device_id, role=self.role, halls=list(self.halls), version=suite_version(),
                       started_at=PROCESS_STARTED,
                       uptime_s=round((datetime.now(timezone.utc) - started).total_seconds(), 1),
                       pid=os.getpid(), host=socket.gethostname())

    def _restart_after(self, info) -> None:
        try:
            if info is not None:
                info.wait_for_publish(5)
        except (RuntimeError, ValueError) as err:  # not sent (the link broke): restart anyway
            log.info("restart answer not confirmed: %s", err)
        self.restart()

    def _refuse(self, reply: str, technician: str, transaction: str | None, code: str, text: str) -> None:
        text = mask_text(text)[:300]
        log.warning("ops request of technician %s refused: %s %s", technician, code, text)
        self._send(reply, Response(status="error", code=code, error=text, transaction=transaction))

    def _send(self, topic: str, response: Response):
        return self.endpoint.publish(topic, encode(response), qos=1)


def _transaction(payload: bytes) -> str | None:
    """The request's transaction when it can be read, bounded and masked (for a refusal's echo)."""
    try:
        value = json.loads(payload[:MAX_REQUEST_BYTES]).get("transaction")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    return mask_text(value)[:64] if isinstance(value, str) else None
