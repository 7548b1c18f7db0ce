"""The kiosk's side of the backend functions: requests to the hall controller over MQTT
(the kiosk never holds a platform credential), typed answers, typed errors.

The citizen is any object with `.id_number` (the identity flow reads the ID card); the
number goes only into the request payload. A licence PDF arrives in chunks and is checked
(size, sha256 of each chunk and of the whole, %PDF- header, %%EOF trailer) before anyone
may print it.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import uuid
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from hall_protocol import contract, platform as bm
from hall_protocol.contract import BACKEND_ANSWERS, BackendRequest, TicketInfo
from hall_protocol.mqtt import Endpoint, MqttError
from hall_protocol.rating import RateableTicket
from kiosk_app.errors import KioskError

T = TypeVar("T", bound=BaseModel)
MAX_PDF_BYTES = 50 * 1024 * 1024
log = logging.getLogger(__name__)


class Citizen(Protocol):
    id_number: str


class KioskBackendError(KioskError):
    """Root of the kiosk's backend errors; `code` is the controller's answer code."""


class BackendUnavailable(KioskBackendError):
    """The platform (or the controller) cannot be reached: say so; tickets still work."""


class BackendBroken(KioskBackendError):
    """The platform's answer, or a licence PDF, is not what the contract says: nothing is printed."""


class Refused(KioskBackendError):
    """The request itself was refused (already checked in, already printed, already rated ...)."""


class NotFound(Refused):
    """No such matter, appointment, licence or ticket."""


def _error(code: str | None, message: str) -> KioskBackendError:
    if code == "backend_unavailable":
        return BackendUnavailable(message, code)
    if code == "backend_contract":
        return BackendBroken(message, code)
    if code == "not_found":
        return NotFound(message, code)
    return Refused(message, code)


class KioskBackend:
    def __init__(self, endpoint: Endpoint, hall: str, *, timeout: float = 20.0, attempts: int = 2) -> None:
        self.endpoint, self.hall, self.timeout, self.attempts = endpoint, hall, timeout, attempts
        self.topic = contract.BACKEND_REQUEST.format(hall=hall, client=endpoint.client_id)

    def ask(self, op: str, **args) -> BaseModel:
        """Any op of the contract (BackendRequest), answered as its model (contract.BACKEND_ANSWERS)."""
        return self._ask(op, **args)

    def _ask(self, op: str, **args) -> BaseModel:
        """One request; asked again, unchanged, when its answer is lost: the ops that change
        something carry a request id, which the controller applies once."""
        try:
            payload = BackendRequest(op=op, **args).model_dump(exclude_defaults=True)
        except ValidationError as err:  # never stuck on "loading": the citizen is told (bad_request)
            fields = ", ".join(sorted({".".join(str(p) for p in e["loc"]) for e in err.errors()}))
            log.error("%s: the kiosk's own request does not fit the contract (%s)", op, fields)
            raise Refused(f"{op}: {fields} not valid for the contract", "bad_request") from err
        payload["op"] = op
        for attempt in range(self.attempts):
            try:
                answer = self.endpoint.request(self.topic, payload, timeout=self.timeout)
                break
            except MqttError as err:
                if attempt + 1 >= self.attempts:
                    raise BackendUnavailable(f"the hall controller did not answer ({op})") from err
                log.info("%s: no answer from the hall controller, asking again with the same request", op)
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            code = answer.get("code") if isinstance(answer, dict) else None
            error = answer.get("error") if isinstance(answer, dict) else None
            raise _error(code, error or f"{op} refused")
        try:
            return BACKEND_ANSWERS[op].model_validate(answer.get("data"))
        except ValidationError as err:
            raise BackendBroken(f"the answer to {op} is not a valid {BACKEND_ANSWERS[op].__name__}: "
                                f"{err.error_count()} error(s)", "backend_contract") from err

    # -- no ID needed --------------------------------------------------------------------
    def matters(self) -> list[bm.Matter]:
        return self._ask("matters").items

    def guide(self, matter_id: str) -> bm.Guide:
        return self._ask("guide", matter_id=matter_id).guide

    def appointment(self, code: str) -> bm.Appointment:
        return self._ask("appointment", code=code).appointment

    def check_in(self, code: str, *, lang: str = "zh", request_id: str | None = None
                 ) -> tuple[bm.Appointment, TicketInfo]:
        """Check the appointment in and get its ticket (priority "appointment")."""
        ans = self._ask("check_in", code=code, lang=lang, request_id=request_id or uuid.uuid4().hex)
        return ans.appointment, ans.ticket

    def rate(self, ticket: str, score: int, *, reason_codes: list[str] | None = None, comment: str = "",
             matter_id: str | None = None, request_id: str | None = None, day: str | None = None
             ) -> contract.RatingAnswer:
        """Rate a served ticket of `day` (unset = today; yesterday's within the hall's window)."""
        return self._ask("rate", ticket=ticket, score=score, reason_codes=list(reason_codes or []),
                         comment=comment, matter_id=matter_id, request_id=request_id or uuid.uuid4().hex, day=day)

    # -- for an identified citizen -------------------------------------------------------
    def appointments(self, citizen: Citizen) -> list[bm.Appointment]:
        return self._ask("appointments", id_number=citizen.id_number).items

    def progress(self, citizen: Citizen) -> list[bm.Application]:
        return self._ask("progress", id_number=citizen.id_number).items

    def rateable(self, citizen: Citizen) -> list[RateableTicket]:
        """The citizen's tickets of their bookings that may still be rated (today's and yesterday's)."""
        return self._ask("rateable", id_number=citizen.id_number).items

    def licences(self, citizen: Citizen) -> list[bm.Licence]:
        return self._ask("licences", id_number=citizen.id_number).items

    def licence_pdf(self, licence_id: str) -> bytes:
        """The whole PDF, checked; BackendBroken if anything does not add up."""
        first = self._ask("licence_pdf", licence_id=licence_id, chunk=0)
        if first.size > MAX_PDF_BYTES or first.chunks > MAX_PDF_BYTES // 1024:
            raise BackendBroken(f"licence {licence_id}: {first.size} bytes in {first.chunks} chunks is too large")
        parts = [_chunk_bytes(first)]
        for i in range(1, first.chunks):
            chunk = self._ask("licence_pdf", licence_id=licence_id, chunk=i, sha256=first.sha256)
            if (chunk.chunk, chunk.sha256, chunk.size) != (i, first.sha256, first.size):
                raise BackendBroken(f"licence {licence_id}: chunk {i} belongs to another transfer")
            parts.append(_chunk_bytes(chunk))
        return check_pdf_bytes(b"".join(parts), first.size, first.sha256, licence_id)

    def record_print(self, licence_id: str, *, request_id: str, reprint_reason: str | None = None
                     ) -> bm.PrintRecord:
        """Record a printing; use one request_id per physical print (a retry reuses it)."""
        return self._ask("record_print", licence_id=licence_id, request_id=request_id,
                         reprint_reason=reprint_reason).record


def _chunk_bytes(chunk: contract.PdfChunk) -> bytes:
    try:
        data = base64.b64decode(chunk.data_b64, validate=True)
    except (binascii.Error, ValueError) as err:
        raise BackendBroken(f"licence {chunk.licence_id}: chunk {chunk.chunk} is not base64") from err
    if hashlib.sha256(data).hexdigest() != chunk.chunk_sha256:
        raise BackendBroken(f"licence {chunk.licence_id}: chunk {chunk.chunk} is damaged (sha256)")
    return data


def check_pdf_bytes(pdf: bytes, size: int, sha256: str, licence_id: str) -> bytes:
    if len(pdf) != size:
        raise BackendBroken(f"licence {licence_id}: got {len(pdf)} bytes, expected {size}")
    if hashlib.sha256(pdf).hexdigest() != sha256:
        raise BackendBroken(f"licence {licence_id}: sha256 does not match")
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
        raise BackendBroken(f"licence {licence_id}: not a complete PDF")
    return pdf
