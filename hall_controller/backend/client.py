"""The only HTTP client of the government platform (see docs/backend.md for the contract).

One requests.Session, a timeout on every call, signed requests, retries with backoff only
for safe calls (GET, the read-only citizen and appointment queries, and writes carrying an
Idempotency-Key), clock skew learned from a stale-timestamp answer, typed errors, validated
answers. What a citizen types or owns (ID numbers, appointment codes) travels in bodies; the
ids left in paths (matters, licences) are masked by `privacy.mask_text` wherever a path is
logged or put into an error message.
"""
from __future__ import annotations

import email.utils
import json
import logging
import uuid
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from drivers.core.clock import Clock, SystemClock
from hall_protocol import platform as m
from privacy import mask_text

from .errors import BackendContractError, BackendError, BackendNotFound, BackendRefused, BackendUnavailable
from .signing import HEADER_IDEMPOTENCY, HmacAuth

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
PDF_TAIL = 1024


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class BackendClient:
    def __init__(self, base_url: str, app_key: str, app_secret: str, *,
                 timeout: float | tuple[float, float] = (3.05, 10.0), clock: Clock | None = None,
                 retries: int = 2, backoff_s: float = 0.25, max_backoff_s: float = 4.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.clock = clock or SystemClock()
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.clock_offset_s = 0.0
        self._session = requests.Session()
        self._session.auth = HmacAuth(app_key, app_secret, self._server_now)
        self._session.headers["Accept"] = "application/json, application/pdf"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> BackendClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _server_now(self) -> float:
        return self.clock.now().timestamp() + self.clock_offset_s

    # --- public API -------------------------------------------------------------------
    def health(self) -> m.Health:
        return self._json("GET", "/api/v1/health", m.Health)

    def list_matters(self) -> list[m.Matter]:
        return self._json("GET", "/api/v1/matters", m.MatterList).items

    def guide(self, matter_id: str) -> m.Guide:
        return self._json("GET", f"/api/v1/matters/{_seg(matter_id)}/guide", m.Guide)

    def appointments_by_id(self, id_number: str) -> list[m.Appointment]:
        return self._json("POST", "/api/v1/citizen/appointments", m.AppointmentList,
                          body={"id_number": id_number}, safe=True).items

    def appointment_by_code(self, code: str) -> m.Appointment:
        return self._json("POST", "/api/v1/appointments/query", m.Appointment,
                          body=_as_model(m.AppointmentQuery, {"code": code}), safe=True)

    def check_in(self, code: str, idem_key: str) -> m.CheckIn:
        return self._json("POST", "/api/v1/appointments/check-in", m.CheckIn,
                          body=_as_model(m.AppointmentQuery, {"code": code}), idem_key=idem_key)

    def progress(self, id_number: str) -> list[m.Application]:
        return self._json("POST", "/api/v1/citizen/applications", m.ApplicationList,
                          body={"id_number": id_number}, safe=True).items

    def licences(self, id_number: str) -> list[m.Licence]:
        return self._json("POST", "/api/v1/citizen/licences", m.LicenceList,
                          body={"id_number": id_number}, safe=True).items

    def licence_pdf(self, licence_id: str) -> bytes:
        resp = self._call("GET", f"/api/v1/licences/{_seg(licence_id)}/pdf", safe=True)
        return check_pdf(resp)

    def record_print(self, licence_id: str, kiosk_id: str, idem_key: str,
                     reprint_reason: str | None = None) -> m.PrintRecord:
        body = m.PrintRequest(kiosk_id=kiosk_id, reprint_reason=reprint_reason)
        return self._json("POST", f"/api/v1/licences/{_seg(licence_id)}/prints", m.PrintRecord,
                          body=body, idem_key=idem_key)

    def submit_rating(self, rating: m.Rating | dict, idem_key: str) -> m.RatingAck:
        body = _as_model(m.Rating, rating)
        return self._json("POST", "/api/v1/ratings", m.RatingAck, body=body, idem_key=idem_key)

    def send_ticket_events(self, events: list[m.TicketEvent | dict], idem_key: str
                           ) -> m.TicketEventAck:
        batch = _as_model(m.TicketEventBatch, {"events": [
            e.model_dump(mode="json") if isinstance(e, BaseModel) else e for e in events]})
        return self._json("POST", "/api/v1/ticket-events", m.TicketEventAck, body=batch,
                          idem_key=idem_key)

    # --- payment (缴费): amounts are integers in fen ------------------------------------
    def payables(self, id_number: str) -> list[m.Payable]:
        return self._json("POST", "/api/v1/citizen/payables", m.PayableList,
                          body=_as_model(m.CitizenQuery, {"id_number": id_number}), safe=True).items

    def open_payment_order(self, request: m.PaymentOrderRequest, idem_key: str) -> m.PaymentOrder:
        """Opened once per idempotency key (a retry gets the same order)."""
        return self._json("POST", "/api/v1/payments/orders", m.PaymentOrder, body=request, idem_key=idem_key)

    def payment_order(self, order_id: str) -> m.PaymentOrder:
        return self._json("GET", f"/api/v1/payments/orders/{_seg(order_id)}", m.PaymentOrder)

    def cancel_payment_order(self, order_id: str, idem_key: str) -> m.PaymentOrder:
        return self._json("POST", f"/api/v1/payments/orders/{_seg(order_id)}/cancel", m.PaymentOrder,
                          idem_key=idem_key)

    # --- notifications (SMS) ----------------------------------------------------------
    def start_verification(self, phone: str, purpose: str, hall_id: str) -> m.Verification:
        """Ask the platform to send a code to `phone` (in the body: never in a URL or a log)."""
        body = _as_model(m.VerificationRequest, {"phone": phone, "purpose": purpose, "hall_id": hall_id})
        return self._json("POST", "/api/v1/notifications/verifications", m.Verification, body=body, safe=False)

    def check_verification(self, verification_id: str, code: str) -> m.Recipient:
        return self._json("POST", f"/api/v1/notifications/verifications/{_seg(verification_id)}/check",
                          m.Recipient, body=_as_model(m.VerificationCheck, {"code": code}), safe=False)

    def send_sms(self, sms: m.SmsRequest | dict, idem_key: str) -> m.SmsAck:
        return self._json("POST", "/api/v1/notifications/sms", m.SmsAck, body=_as_model(m.SmsRequest, sms),
                          idem_key=idem_key)

    # --- plumbing ---------------------------------------------------------------------
    def _json(self, method: str, path: str, model: type[T], *, body: Any = None,
              idem_key: str | None = None, safe: bool | None = None) -> T:
        resp = self._call(method, path, body=body, idem_key=idem_key, safe=safe)
        return parse_json(resp, model)

    def _call(self, method: str, path: str, *, body: Any = None, idem_key: str | None = None,
              safe: bool | None = None) -> requests.Response:
        if safe is None:
            safe = method == "GET" or idem_key is not None
        data = _encode(body)
        headers = {"Content-Type": "application/json; charset=utf-8"} if data is not None else {}
        if idem_key:
            headers[HEADER_IDEMPOTENCY] = idem_key
        attempt, skew_fixed = 0, False
        while True:
            try:
                resp = self._send(method, path, data, headers)
                if resp.status_code == 401 and not skew_fixed and self._learn_skew(resp):
                    skew_fixed = True
                    continue
                return _check_status(resp, method, path)
            except BackendUnavailable:
                if not safe or attempt >= self.retries:
                    raise
                delay = min(self.max_backoff_s, self.backoff_s * 2 ** attempt)
                attempt += 1
                log.info("%s %s unavailable; retry %d in %.2f s", method, mask_text(path), attempt, delay)
                self.clock.sleep(delay)

    def _send(self, method: str, path: str, data: bytes | None, headers: dict
              ) -> requests.Response:
        shown = mask_text(path)
        try:
            resp = self._session.request(method, self.base_url + path, data=data,
                                         headers=headers, timeout=self.timeout)
        except requests.Timeout as err:
            raise BackendUnavailable(f"{method} {shown}: timed out") from err
        except requests.RequestException as err:
            raise BackendUnavailable(f"{method} {shown}: {type(err).__name__}") from err
        log.debug("%s %s -> %d (%d bytes)", method, shown, resp.status_code, len(resp.content))
        return resp

    def _learn_skew(self, resp: requests.Response) -> bool:
        """On a stale-timestamp 401 take the server's time (body, else Date) and retry once."""
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if not isinstance(data, dict) or data.get("code") != "stale_timestamp":
            return False
        server = data.get("server_time")
        if not isinstance(server, (int, float)):
            date = resp.headers.get("Date")
            if not date:
                return False
            server = email.utils.parsedate_to_datetime(date).timestamp()
        self.clock_offset_s = float(server) - self.clock.now().timestamp()
        log.warning("clock skew: server is %+.1f s from us; corrected", self.clock_offset_s)
        return True


def _seg(value: str) -> str:
    return requests.utils.quote(str(value), safe="")


def _as_model(model: type[T], value: Any) -> T:
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as err:
        raise BackendRefused(f"invalid {model.__name__}: {err.error_count()} error(s)") from err


def _encode(body: Any) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json", exclude_none=True)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _error_code(resp: requests.Response) -> str | None:
    try:
        data = resp.json()
    except ValueError:
        return None
    return data.get("code") if isinstance(data, dict) else None


def _check_status(resp: requests.Response, method: str, path: str) -> requests.Response:
    status = resp.status_code
    if status < 400:
        return resp
    code = _error_code(resp)
    msg = f"{method} {mask_text(path)}: HTTP {status}" + (f" ({code})" if code else "")
    if status >= 500 or status == 429:
        raise BackendUnavailable(msg, status=status, code=code)
    if status == 404:
        raise BackendNotFound(msg, status=status, code=code)
    raise BackendRefused(msg, status=status, code=code)


def _where(resp: requests.Response) -> str:
    req = resp.request
    return mask_text(f"{req.method} {req.path_url}" if req is not None else resp.url)


def parse_json(resp: requests.Response, model: type[T]) -> T:
    ctype = resp.headers.get("Content-Type", "")
    if "json" not in ctype:
        raise BackendContractError(f"{_where(resp)}: expected JSON, got {ctype or 'no content type'}",
                                   status=resp.status_code)
    try:
        return model.model_validate_json(resp.content)
    except ValidationError as err:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "body" for e in err.errors()})[:5]
        raise BackendContractError(f"{_where(resp)}: answer is not a valid {model.__name__} "
                                   f"({err.error_count()} error(s) at {', '.join(fields)})",
                                   status=resp.status_code) from err


def check_pdf(resp: requests.Response) -> bytes:
    """A licence PDF is complete: %PDF- header, %%EOF trailer, length as announced."""
    data = resp.content
    ctype = resp.headers.get("Content-Type", "")
    length = resp.headers.get("Content-Length")
    where = _where(resp)
    if not ctype.startswith("application/pdf"):
        raise BackendContractError(f"{where}: expected a PDF, got {ctype or 'no content type'}")
    if length is not None and length.isdigit() and int(length) != len(data):
        raise BackendContractError(f"{where}: PDF is {len(data)} bytes, Content-Length says {length}")
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-PDF_TAIL:]:
        raise BackendContractError(f"{where}: PDF is truncated or invalid ({len(data)} bytes)")
    return data


__all__ = ["BackendClient", "BackendError", "new_idempotency_key", "check_pdf", "parse_json"]
