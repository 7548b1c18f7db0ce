"""The web service's application: routes to the citizen's pages (phone_pages.py), the city
page and data screens (screens.py), on Starlette with Jinja2 templates and server-sent events;
the security headers on every answer (guard.py).

A bad address, a forged or expired token, a malformed form or a refused request gets a clear
page (or JSON under /api and for the live streams) naming what is wrong, and changes nothing.
"""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from config.schema import WebConfig
from hall_web.errors import WebError
from hall_web.guard import SecurityHeaders
from hall_web.link import HallLink
from hall_web.phone_pages import PhonePages
from hall_web.screens import Screens
from hall_web.service import HERE, WebService


def create_app(config: WebConfig, link: HallLink) -> Starlette:
    svc = WebService(config, link)
    phone, screens = PhonePages(svc), Screens(svc)

    @asynccontextmanager
    async def lifespan(app):
        svc.hub.loop = asyncio.get_running_loop()
        yield

    routes = [
        Route("/", screens.city_page), Route("/city", screens.city_page),
        Route("/h/{hall}", phone.hall_page), Route("/h/{hall}/{action}", phone.hall_action, methods=["POST"]),
        Route("/t/{hall}/{token}", phone.ticket_page),
        Route("/t/{hall}/{token}/events", phone.ticket_events),
        Route("/t/{hall}/{token}/{action}", phone.ticket_action, methods=["POST"]),
        Route("/screen", screens.screen_page), Route("/screen/{hall}", screens.screen_page),
        Route("/api/screen/{hall}/events", screens.screen_events),
        Route("/api/halls", screens.api), Route("/api/halls/{hall}", screens.api),
        Route("/healthz", svc.health),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    handlers = {WebError: svc.on_error, Exception: svc.on_error, 404: svc.on_error, 405: svc.on_error}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.state.service = svc
    app.add_middleware(SecurityHeaders)
    return app

