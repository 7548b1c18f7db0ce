"""Signature check, replay protection and idempotent writes of the reference server."""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from hall_controller.backend import signing as s

log = logging.getLogger(__name__)

signature_scheme = APIKeyHeader(
    name=s.HEADER_SIGNATURE, auto_error=False, scheme_name="HmacSignature",
    description="HMAC-SHA256 signature with X-App-Key, X-Timestamp, X-Nonce; see docs/backend.md")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "server_time": time.time()},
                        status_code=status)


class NonceCache:
    """Nonces seen within the accepted time window; older ones expire with the window."""

    def __init__(self, window_s: float) -> None:
        self._seen: dict[str, float] = {}
        self._window = window_s
        self._lock = threading.Lock()

    def add(self, nonce: str, now: float) -> bool:
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {n: t for n, t in self._seen.items() if now - t < 2 * self._window}
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            return True


class Verifier:
    def __init__(self, app_key: str, app_secret: str, now: Callable[[], float] = time.time) -> None:
        self.app_key, self._secret, self._now = app_key, app_secret, now
        self._nonces = NonceCache(s.MAX_SKEW_S)

    async def __call__(self, request: Request) -> None:
        h = request.headers
        key, ts, nonce, sig = (h.get(s.HEADER_APP_KEY), h.get(s.HEADER_TIMESTAMP),
                               h.get(s.HEADER_NONCE), h.get(s.HEADER_SIGNATURE))
        if not (key and ts and nonce and sig):
            raise ApiError(401, "missing_signature", "X-App-Key, X-Timestamp, X-Nonce and "
                           "X-Signature are required")
        if key != self.app_key:
            raise ApiError(401, "unknown_app_key", "unknown app key")
        try:
            stamp = int(ts)
        except ValueError:
            raise ApiError(401, "stale_timestamp", "X-Timestamp must be Unix seconds") from None
        now = self._now()
        if abs(now - stamp) > s.MAX_SKEW_S:
            raise ApiError(401, "stale_timestamp", f"timestamp off by {int(stamp - now)} s")
        body = await request.body()
        raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        canonical = s.canonical_string(request.method, raw_path.split("?")[0],
                                       request.scope.get("query_string", b"").decode("latin-1"),
                                       ts, nonce, body)
        if not s.verify(self._secret, canonical, sig):
            raise ApiError(401, "bad_signature", "signature does not match")
        if not self._nonces.add(nonce, now):
            raise ApiError(401, "replayed_nonce", "nonce already used")


def fingerprint(request: Request, body: bytes) -> str:
    return hashlib.sha256(request.method.encode() + request.url.path.encode() + b"\n" + body
                          ).hexdigest()


async def idempotent(request: Request, key: str, fn: Callable[[], Any]) -> JSONResponse:
    """Run `fn` once per Idempotency-Key; replay the first answer (2xx or 4xx) afterwards."""
    store = request.app.state.store
    app_key = request.headers.get(s.HEADER_APP_KEY, "")
    fp = fingerprint(request, await request.body())
    with store.lock:
        seen = store.idem_get(app_key, key)
        if seen is not None:
            if seen[0] != fp:
                raise ApiError(409, "idempotency_key_reused",
                               "this Idempotency-Key was used with a different request")
            return JSONResponse(seen[2], status_code=seen[1], headers={"Idempotent-Replayed": "true"})
        try:
            status, body = 200, fn()
        except ApiError as err:
            status, body = err.status, {"code": err.code, "message": err.message,
                                        "server_time": time.time()}
        store.idem_put(app_key, key, fp, status, body)
    return JSONResponse(body, status_code=status)
