"""What protects the public pages: rate limits per address and per phone number, CSRF tokens on
every form, the content security policy and the other response headers.

- Rate limits are token buckets in memory: page loads per address a minute, forms per address
  an hour, SMS codes per phone number an hour (the number is kept only as an HMAC under the
  service's secret, never as written).
- CSRF: a browser gets a random session cookie (HttpOnly, SameSite=Strict); each form carries
  HMAC(secret, session) and is refused without it.
- Headers: a strict CSP (scripts, styles, connections from this origin only; no inline script),
  no referrer (a ticket page's address is its key), no framing, no sniffing, no caching of
  ticket pages.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from typing import Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hall_web.errors import Forbidden, TooMany

SESSION_COOKIE = "hw_session"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
           (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
MAX_KEYS = 200_000  # addresses and numbers remembered; beyond, the oldest are forgotten


class Buckets:
    """Token buckets by key: `capacity` at once, refilled at capacity per `period_s`."""

    def __init__(self, capacity: int, period_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.rate, self.clock = float(capacity), capacity / period_s, clock
        self._b: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            tokens, at = self._b.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            ok = tokens >= 1.0
            self._b[key] = (tokens - 1.0 if ok else tokens, now)
            while len(self._b) > MAX_KEYS:
                self._b.pop(next(iter(self._b)))
        return ok


class Guard:
    def __init__(self, secret: str | None, *, page_loads_per_min: int, forms_per_hour: int,
                 codes_per_phone_per_hour: int, trust_forwarded_for: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.secret = (secret or secrets.token_urlsafe(32)).encode()
        self.pages = Buckets(page_loads_per_min, 60.0, clock)
        self.forms = Buckets(forms_per_hour, 3600.0, clock)
        self.codes = Buckets(codes_per_phone_per_hour, 3600.0, clock)
        self.trust_forwarded_for = trust_forwarded_for

    def address(self, request: Request) -> str:
        if self.trust_forwarded_for:
            forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
            if forwarded:
                return forwarded[:64]
        return request.client.host if request.client else "-"

    def page(self, request: Request) -> None:
        if not self.pages.take(self.address(request)):
            raise TooMany("too many requests from your address; wait a minute and try again")

    def form(self, request: Request) -> None:
        if not self.forms.take(self.address(request)):
            raise TooMany("too many forms sent from your address; try again later")

    def phone(self, phone: str) -> None:
        key = hmac.new(self.secret, phone.encode(), hashlib.sha256).hexdigest()
        if not self.codes.take(key):
            raise TooMany("too many codes were sent to this number; try again in an hour")

    # -- CSRF --------------------------------------------------------------------------------
    def session(self, request: Request) -> tuple[str, bool]:
        """The browser's session id, and whether it is new (to be set as a cookie)."""
        sid = request.cookies.get(SESSION_COOKIE, "")
        if len(sid) == 43 and sid.replace("-", "").replace("_", "").isalnum():
            return sid, False
        return secrets.token_urlsafe(32), True

    def csrf_token(self, sid: str) -> str:
        return hmac.new(self.secret, b"csrf|" + sid.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, request: Request, given: str | None) -> None:
        sid = request.cookies.get(SESSION_COOKIE, "")
        if not sid or not given or not hmac.compare_digest(self.csrf_token(sid), given):
            raise Forbidden("this form has expired or did not come from this site; reload the page and try again",
                            code="csrf")


class SecurityHeaders:
    """ASGI middleware: the headers above on every answer (streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *((k, v) for k, v in HEADERS if k not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
