"""The city page, the data screens (a hall's and the city's) and their JSON: figures from the
halls' retained statistics, pushed to the screens over server-sent events."""
from __future__ import annotations

import asyncio
import json

from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hall_web.service import WebService
from hall_web.views import city_rows, screen_data

SCREEN_EVERY_S = 1.0


class Screens:
    def __init__(self, svc: WebService) -> None:
        self.svc = svc

    async def city_page(self, request: Request) -> Response:
        self.svc.guard.page(request)
        rows, order = city_rows(self.svc.config, self.svc.link.state), request.query_params.get("order", "")
        if order == "wait":  # the shortest estimate first; halls without one (no window open) last
            rows.sort(key=lambda r: (r["shortest_min"] is None, r["shortest_min"] or 0.0, r["waiting"]))
        return self.svc.render(request, "city.html", rows=rows, order=order)

    # -- data screens ------------------------------------------------------------------------
    async def screen_page(self, request: Request) -> Response:
        self.svc.guard.page(request)
        hall = request.path_params.get("hall")
        if hall is not None:
            self.svc.hall_or_404(hall)
        return self.svc.render(request, "screen.html", hall=hall, feed=f"/api/screen/{hall or 'city'}/events")

    def screen_json(self, hall: str | None) -> dict:
        if hall is None:
            return {"city": True, "name": self.svc.config.city_name, "name_en": self.svc.config.city_name_en,
                    "halls": city_rows(self.svc.config, self.svc.link.state)}
        return screen_data(self.svc.link.state[hall], hall)

    async def screen_events(self, request: Request) -> Response:
        self.svc.guard.page(request)
        hall = request.path_params["hall"]
        hall = None if hall == "city" else self.svc.hall_or_404(hall)

        async def stream():
            last = None
            while True:
                data = json.dumps(self.screen_json(hall), ensure_ascii=False, default=str)
                if data != last:
                    last = data
                    yield {"event": "screen", "data": data}
                await asyncio.sleep(SCREEN_EVERY_S)
        return EventSourceResponse(stream(), ping=20)

    async def api(self, request: Request) -> Response:
        self.svc.guard.page(request)
        hall = request.path_params.get("hall")
        return JSONResponse(self.screen_json(None if hall is None else self.svc.hall_or_404(hall)))

