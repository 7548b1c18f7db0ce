"""Request signing shared by the client and the reference server (see docs/backend.md).

canonical = METHOD \\n PATH \\n SORTED_QUERY \\n TIMESTAMP \\n NONCE \\n hex(sha256(body))
X-Signature = hex(HMAC-SHA256(app_secret, canonical))
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import requests

from privacy import mask_id  # noqa: F401 (the one masking rule, for the platform's logs)

HEADER_APP_KEY = "X-App-Key"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"
HEADER_IDEMPOTENCY = "Idempotency-Key"
MAX_SKEW_S = 300


def canonical_query(query: str) -> str:
    """Decode the query, sort by (key, value) and re-encode with %20 for spaces."""
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return urlencode(pairs, quote_via=quote, safe="-_.~")


def canonical_string(method: str, path: str, query: str, timestamp: str, nonce: str,
                     body: bytes) -> str:
    return "\n".join([
        method.upper(), path or "/", canonical_query(query), timestamp, nonce,
        hashlib.sha256(body).hexdigest(),
    ])


def sign(secret: str, canonical: str) -> str:
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def verify(secret: str, canonical: str, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, canonical), signature.strip().lower())


class HmacAuth(requests.auth.AuthBase):
    """requests auth hook: signs the prepared request as it will be sent.

    `now` returns the corrected Unix time (local clock + learned skew). A fresh nonce per
    call, so a retried request is re-signed, never replayed.
    """

    def __init__(self, app_key: str, app_secret: str, now: Callable[[], float]) -> None:
        self.app_key = app_key
        self._secret = app_secret
        self._now = now

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        parts = urlsplit(r.url or "")
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        timestamp = str(int(self._now()))
        nonce = secrets.token_hex(16)
        canonical = canonical_string(r.method or "GET", parts.path, parts.query, timestamp,
                                     nonce, body)
        r.headers[HEADER_APP_KEY] = self.app_key
        r.headers[HEADER_TIMESTAMP] = timestamp
        r.headers[HEADER_NONCE] = nonce
        r.headers[HEADER_SIGNATURE] = sign(self._secret, canonical)
        return r
