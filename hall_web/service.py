"""What every page of the web service shares: its configuration, the MQTT link, the guard
(CSRF, rate limits), the live pages' hub, the templates, a ticket's data from the controller
(kept a moment) and the one error page. The pages themselves are in phone_pages.py and
screens.py; app.py routes to them."""
from __future__ import annotations

import logging
import re
import secrets
import time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from config.schema import WebConfig
from hall_protocol.phone import TOKEN_PATTERN, PhoneTicket
from hall_web import texts
from hall_web.errors import BadForm, NotFound, WebError
from hall_web.guard import SESSION_COOKIE, Guard
from hall_web.link import HallLink
from hall_web.live import Hub

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
TOKEN = re.compile(TOKEN_PATTERN)
FOLLOW_CACHE_S = 2.0


class WebService:
    def __init__(self, config: WebConfig, link: HallLink) -> None:
        self.config, self.link = config, link
        self.halls = {h.id: h for h in config.halls}
        self.guard = Guard(config.secret, page_loads_per_min=config.page_loads_per_min,
                           forms_per_hour=config.forms_per_hour,
                           codes_per_phone_per_hour=config.codes_per_phone_per_hour,
                           trust_forwarded_for=config.trust_forwarded_for)
        self.hub = Hub(config.max_live_pages)
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
        self._follow: dict[tuple[str, str], tuple[float, PhoneTicket | WebError]] = {}
        link.on_progress = lambda hall, p: self.hub.progress_threadsafe(hall, p, self.window_names(hall))

    # -- helpers -------------------------------------------------------------------------------
    def window_names(self, hall: str) -> dict[int, str]:
        stats = self.link.state[hall].stats
        return {w.window: w.name for w in stats.windows if w.name} if stats else {}

    def render(self, request: Request, name: str, status: int = 200, **ctx) -> HTMLResponse:
        sid, new = self.guard.session(request)
        html = self.env.get_template(name).render(csrf=self.guard.csrf_token(sid), config=self.config,
                                                  rid=secrets.token_urlsafe(16), **ctx)
        resp = HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
        if new:
            resp.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict",
                            secure=self.config.public_url.startswith("https://"), path="/")
        return resp

    def hall_or_404(self, hall: str) -> str:
        if hall not in self.halls:
            raise NotFound(f"no hall {hall[:64]!r} here", code="no_hall")
        return hall

    def token_or_404(self, token: str) -> str:
        if not TOKEN.fullmatch(token):
            raise NotFound("this is not the address of a ticket")
        return token

    async def follow(self, hall: str, token: str, *, fresh: bool = False) -> PhoneTicket:
        """The ticket's page data from the controller (kept a moment: reloads do not flood it)."""
        key, now = (hall, token), time.monotonic()
        held = None if fresh else self._follow.get(key)
        if held is None or now - held[0] > FOLLOW_CACHE_S:
            try:
                held = (now, await self.link.ask(hall, {"op": "follow", "token": token}, PhoneTicket))
            except WebError as err:
                if err.code != "not_found":
                    raise
                held = (now, NotFound("no such ticket today"))
            self._follow[key] = held
            if len(self._follow) > 20000:
                self._follow.clear()
        if isinstance(held[1], WebError):
            raise held[1]
        return held[1]

    async def form(self, request: Request) -> dict:
        self.guard.form(request)
        try:
            data = await request.form(max_files=0, max_fields=20, max_part_size=4096)
        except Exception as err:  # noqa: BLE001 - python-multipart's errors: a malformed body
            raise BadForm(f"the form could not be read: {type(err).__name__}") from err
        self.guard.check_csrf(request, data.get("csrf"))
        return {k: str(v) for k, v in data.multi_items()} | {"reasons": data.getlist("reasons")}

    # -- pages -----------------------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        return JSONResponse({"mqtt": self.link.connected, "live_pages": self.hub.count,
                             "halls": {h: s.progress is not None for h, s in self.link.state.items()}},
                            status_code=200 if self.link.connected else 503)

    # -- errors -------------------------------------------------------------------------------
    async def on_error(self, request: Request, err: Exception) -> Response:
        if isinstance(err, HTTPException):
            err = WebError(str(err.detail), code="not_found" if err.status_code == 404 else "bad_request",
                           status=err.status_code)
        elif not isinstance(err, WebError):
            log.error("web request failed: %s", type(err).__name__, exc_info=err)  # the path holds a token
            err = WebError("internal error")
        if request.url.path.startswith("/api/") or request.url.path.endswith("/events"):
            return JSONResponse({"status": "error", "code": err.code, "error": str(err)[:300]}, status_code=err.status)
        say = texts.error(err.code)
        return self.render(request, "error.html", status=err.status, say=say, code=err.code, detail=str(err)[:300])


