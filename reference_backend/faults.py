"""Fault injection: slow answers, 5xx, dropped connections and malformed answers.

A pure ASGI middleware in front of the public API; the admin endpoints and the OpenAPI
document are never affected. Switchable at start (CLI flags) and at run time
(POST /_admin/faults).
"""
from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import threading
import time
from typing import Any, Literal

from pydantic import BaseModel, Field

log = logging.getLogger(__name__)

Malformed = Literal["wrong_types", "missing_fields", "html", "truncated_pdf"]
EXEMPT = re.compile(r"^/(_admin|openapi\.json|docs|redoc)")


class FaultConfig(BaseModel):
    delay_s: float = Field(default=0.0, ge=0, le=120)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_status: int = Field(default=503, ge=500, le=599)
    error_after: bool = Field(default=False, description="fail AFTER the request was processed")
    drop_rate: float = Field(default=0.0, ge=0, le=1)
    malformed: Malformed | None = None
    paths: str | None = Field(default=None, description="regex; faults only on matching paths")
    remaining: int | None = Field(default=None, ge=0, description="only the next N requests")


class FaultState:
    def __init__(self, config: FaultConfig | None = None, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self.config = config or FaultConfig()
        self._rng = random.Random(seed)

    def set(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config

    def take(self, path: str) -> FaultConfig | None:
        """The faults for this request (consuming one of `remaining`), or None."""
        with self._lock:
            c = self.config
            if c == FaultConfig() or EXEMPT.match(path):
                return None
            if c.paths and not re.search(c.paths, path):
                return None
            if c.remaining is not None:
                if c.remaining == 0:
                    return None
                self.config = c.model_copy(update={"remaining": c.remaining - 1})
            return c

    def roll(self, rate: float) -> bool:
        with self._lock:
            return rate > 0 and self._rng.random() < rate


def _break_types(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: ("oops" if not isinstance(v, str) else 12345) for k, v in data.items()}
    return {"unexpected": "shape"}


def _drop_fields(data: Any) -> Any:
    if isinstance(data, dict):
        return {"unexpected": True}
    return {}


def _error_body(status: int) -> bytes:
    return json.dumps({"code": "injected_fault", "message": f"injected {status}",
                       "server_time": time.time()}).encode()


class FaultMiddleware:
    def __init__(self, app: Any, state: FaultState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fault = self.state.take(scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if self.state.roll(fault.drop_rate):
            log.info("fault: dropping connection on %s", scope["path"])
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", b"1000")]})
            await send({"type": "http.response.body", "body": b'{"ite', "more_body": True})
            raise ConnectionAbortedError("injected connection drop")
        failing = self.state.roll(fault.error_rate)
        if failing and not fault.error_after:
            await _send(send, fault.error_status, "application/json", _error_body(fault.error_status))
            return
        status, headers, body = await _capture(self.app, scope, receive)
        if failing:
            status, headers, body = fault.error_status, [], _error_body(fault.error_status)
            ctype = "application/json"
        else:
            ctype = dict(headers).get(b"content-type", b"").decode()
            ctype, body = _malform(fault.malformed, ctype, body)
        keep = [h for h in headers if h[0].lower() not in (b"content-type", b"content-length")]
        await _send(send, status, ctype, body, keep)


def _malform(mode: str | None, ctype: str, body: bytes) -> tuple[str, bytes]:
    if mode == "html":
        return "text/html; charset=utf-8", b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    if mode == "truncated_pdf" and ctype.startswith("application/pdf"):
        return ctype, body[: len(body) // 2]
    if mode in ("wrong_types", "missing_fields") and ctype.startswith("application/json"):
        fix = _break_types if mode == "wrong_types" else _drop_fields
        return ctype, json.dumps(fix(json.loads(body or b"null"))).encode()
    return ctype, body


async def _capture(app: Any, scope: dict, receive: Any) -> tuple[int, list, bytes]:
    out: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            out["status"], out["headers"] = message["status"], message.get("headers", [])
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return out["status"], out["headers"], out["body"]


async def _send(send: Any, status: int, ctype: str, body: bytes, extra: list | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype.encode()),
                            (b"content-length", str(len(body)).encode()), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})
