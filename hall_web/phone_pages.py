"""The citizen's pages: a ticket's live page (by its token), its forms (SMS code, reminders,
rating), and the hall page with the remote ticket form. Every page works without script: forms
post and redirect back; the script keeps the ticket's page live (server-sent events)."""
from __future__ import annotations

import base64
import io
import json
import re

import qrcode
from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hall_protocol.phone import PHONE_PATTERN, CodeSent, PhoneRating, PhoneTicket
from hall_web import texts
from hall_web.errors import BadForm, NotFound, WebError
from hall_web.live import live_state
from hall_web.service import WebService
from hall_web.views import hall_view

PHONE = re.compile(PHONE_PATTERN)
REASONS = [("efficient", "办事效率高", "Quick"), ("polite", "态度热情", "Friendly"),
           ("clear", "解释清楚", "Clear explanations"), ("slow", "等待太久", "Waited too long"),
           ("unclear", "说明不清", "Unclear explanations"), ("rude", "态度不好", "Unfriendly")]


class PhonePages:
    def __init__(self, svc: WebService) -> None:
        self.svc = svc

    async def ticket_page(self, request: Request) -> Response:
        self.svc.guard.page(request)
        hall = self.svc.hall_or_404(request.path_params["hall"])
        token = self.svc.token_or_404(request.path_params["token"])
        t = await self.svc.follow(hall, token, fresh=request.query_params.get("fresh") == "1")
        return self.ticket_response(request, t, hall)

    def ticket_response(self, request: Request, t: PhoneTicket, hall: str, *, code: CodeSent | None = None,
                        problem: str | None = None, status: int = 200) -> Response:
        live = self.svc.link.state[hall].tickets.get(t.number)
        state = live_state(t.number, live, self.svc.window_names(hall)) if live is not None else None
        if state is None or state["state"] != t.state:  # the controller's answer is newer
            top, detail = texts.headline(t.state, ahead=t.people_ahead, wait=t.estimated_wait_min,
                                         window=t.window, window_name=t.window_name, recalls=t.recalls,
                                         requeued=t.requeued)
            state = {"state": t.state, "ahead": t.people_ahead, "wait_min": t.estimated_wait_min,
                     "window": t.window, "headline": top.as_dict(), "detail": detail.as_dict()}
        qr = _qr_data_uri(f"{self.svc.config.public_url}/t/{hall}/{t.token}") if t.state == "arriving" else None
        return self.svc.render(request, "ticket.html", status=status, t=t, live=state, hall=hall, qr=qr, code=code,
                           problem=texts.error(problem) if problem else None, reasons=REASONS,
                           events=f"/t/{hall}/{t.token}/events")

    async def ticket_events(self, request: Request) -> Response:
        self.svc.guard.page(request)
        hall = self.svc.hall_or_404(request.path_params["hall"])
        token = self.svc.token_or_404(request.path_params["token"])
        t = await self.svc.follow(hall, token)
        page = self.svc.hub.open(hall, t.number)
        live = self.svc.link.state[hall].tickets.get(t.number)
        first = json.dumps(live_state(t.number, live, self.svc.window_names(hall)) if live is not None else
                           {"number": t.number, "state": t.state}, ensure_ascii=False)

        async def stream():
            try:
                yield {"event": "state", "data": first}
                while True:
                    yield {"event": "state", "data": await page.queue.get()}
            finally:
                self.svc.hub.close(page)
        return EventSourceResponse(stream(), ping=20, headers={"cache-control": "no-store"})

    async def ticket_action(self, request: Request) -> Response:
        hall = self.svc.hall_or_404(request.path_params["hall"])
        token = self.svc.token_or_404(request.path_params["token"])
        action = request.path_params["action"]
        data = await self.svc.form(request)
        t = await self.svc.follow(hall, token, fresh=True)
        try:
            if action == "code":
                phone = _phone(data.get("phone", ""))
                self.svc.guard.phone(phone)
                code = await self.svc.link.ask(hall, {"op": "send_code", "phone": phone, "token": token,
                                                  "request_id": _rid(data)}, CodeSent)
                return self.ticket_response(request, t, hall, code=code)
            if action == "remind":
                ahead = _int(data.get("ahead"), 1, 20, "ahead")
                body = {"op": "remind", "token": token, "reminders": [ahead]}
                if data.get("verification"):
                    body |= {"verification": data["verification"], "code": _code(data.get("code", ""))}
                await self.svc.link.ask(hall, body, PhoneTicket)
            elif action == "rate":
                score = _int(data.get("score"), 1, 5, "score")
                reasons = [r for r in data["reasons"] if r in {k for k, _, _ in REASONS}][:6]
                await self.svc.link.ask(hall, {"op": "rate", "token": token, "score": score, "reason_codes": reasons,
                                           "comment": data.get("comment", "")[:300], "request_id": _rid(data)},
                                    PhoneRating)
            else:
                raise NotFound("no such action")
        except WebError as err:
            if err.status >= 500 or err.code in ("csrf", "rate_limited"):
                raise
            return self.ticket_response(request, t, hall, problem=err.code, status=err.status)
        return RedirectResponse(f"/t/{hall}/{token}?fresh=1", status_code=303)

    async def hall_page(self, request: Request) -> Response:
        self.svc.guard.page(request)
        hall = self.svc.hall_or_404(request.path_params["hall"])
        return self.svc.render(request, "hall.html", h=hall_view(self.svc.link.state[hall], hall), step="phone")

    async def hall_action(self, request: Request) -> Response:
        hall = self.svc.hall_or_404(request.path_params["hall"])
        action = request.path_params["action"]
        data = await self.svc.form(request)
        view = hall_view(self.svc.link.state[hall], hall)
        service = data.get("service", "")
        if not re.fullmatch(r"[A-Z]", service):
            return self.svc.render(request, "hall.html", status=400, h=view, step="phone",
                               problem=texts.error("bad_request"), detail="service")
        try:
            if action == "code":
                phone = _phone(data.get("phone", ""))
                self.svc.guard.phone(phone)
                code = await self.svc.link.ask(hall, {"op": "send_code", "phone": phone, "request_id": _rid(data)},
                                           CodeSent)
                return self.svc.render(request, "hall.html", h=view, step="code", code=code, service=service)
            if action == "take":
                t = await self.svc.link.ask(hall, {"op": "take", "verification": data.get("verification", ""),
                                               "code": _code(data.get("code", "")), "service": service,
                                               "request_id": _rid(data),
                                               "lang": "en" if data.get("lang") == "en" else "zh"}, PhoneTicket)
                return RedirectResponse(f"/t/{hall}/{t.token}", status_code=303)
            raise NotFound("no such action")
        except WebError as err:
            if err.status >= 500 or err.code in ("csrf", "rate_limited"):
                raise
            step = "code" if action == "take" and err.code in ("code_wrong",) else "phone"
            code = CodeSent(verification=data.get("verification", "x" * 8), phone_masked=data.get("masked", ""),
                            expires_in_s=300, resend_after_s=60) if step == "code" else None
            return self.svc.render(request, "hall.html", status=err.status, h=view, step=step, code=code,
                               service=service, problem=texts.error(err.code))


def _qr_data_uri(url: str) -> str:
    img = qrcode.make(url, box_size=8, border=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _phone(text: str) -> str:
    phone = re.sub(r"[\s-]", "", text)
    if not PHONE.fullmatch(phone):
        raise BadForm("the phone number must be an 11-digit mobile number, e.g. 13812345678")
    return phone


def _code(text: str) -> str:
    if not re.fullmatch(r"[0-9]{4,8}", text.strip()):
        raise BadForm("the code is the 6 digits of the SMS", code="code_wrong")
    return text.strip()


def _int(text: str | None, lo: int, hi: int, what: str) -> int:
    if text is None or not text.strip().isdigit() or not lo <= int(text) <= hi:
        raise BadForm(f"{what} must be a whole number {lo}..{hi}")
    return int(text)


def _rid(data: dict) -> str:
    rid = data.get("rid", "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", rid):
        raise BadForm("the form is incomplete; reload the page and try again")
    return rid


