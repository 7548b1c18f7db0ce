"""The platform's notification function (SMS), as the reference server plays it.

A code confirms a phone number (`/notifications/verifications`, then `.../{id}/check`); the
answer is the platform's stable pseudonym of the phone (`recipient_id`, an HMAC of the number
under the server's secret), to which template SMS are sent (`/notifications/sms`, idempotent).
Nothing here is written to disk: the numbers, the codes and the "sent" messages live in memory,
and tests and the demo read the messages from `/_admin/sms` (a real platform hands them to its
SMS gateway).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Callable

from fastapi import APIRouter, Header, Request

from hall_protocol import platform as m
from privacy import mask_phone

from .security import ApiError, idempotent

CODE_TTL_S = 300
RESEND_AFTER_S = 60
MAX_ATTEMPTS = 5
SENT_KEPT = 1000
TEMPLATES = {
    "verification": "【政务服务】您的验证码为{code}，{minutes}分钟内有效。{purpose}请勿将验证码告诉他人。",
    "queue_reminder": "【{hall}】您的{ticket}号前面还有{ahead}人，请留意叫号，及时到窗口办理。",
}
IdemKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128,
                                pattern=r"^[A-Za-z0-9_.:-]+$")]
PURPOSES = {"remote_ticket": "您正在在线取号，", "reminder": "您正在设置排队提醒，"}


@dataclass
class _Code:
    phone: str
    code: str
    expires: float
    attempts: int = 0


@dataclass
class Notifications:
    secret: bytes
    now: Callable[[], float]
    resend_after_s: int = RESEND_AFTER_S
    lock: threading.Lock = field(default_factory=threading.Lock)
    codes: dict[str, _Code] = field(default_factory=dict)
    last_sent: dict[str, float] = field(default_factory=dict)     # phone -> when a code last went
    phones: dict[str, str] = field(default_factory=dict)          # recipient id -> phone
    sent: list[dict] = field(default_factory=list)                # what the "gateway" sent, newest last

    def recipient(self, phone: str) -> str:
        return "r-" + hmac.new(self.secret, phone.encode(), hashlib.sha256).hexdigest()[:32]

    def _send(self, phone: str, template: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        self.sent.append({"message_id": message_id, "phone": phone, "template": template, "text": text,
                          "at": self.now()})
        del self.sent[:-SENT_KEPT]
        return message_id

    def start(self, q: m.VerificationRequest) -> m.Verification:
        now = self.now()
        with self.lock:
            last = self.last_sent.get(q.phone)
            if last is not None and now - last < self.resend_after_s:
                raise ApiError(409, "too_soon", f"a code was sent to this number {int(now - last)} s ago; "
                                                f"wait {self.resend_after_s} s between codes")
            vid = secrets.token_urlsafe(12)
            code = f"{secrets.randbelow(10**6):06d}"
            self.codes[vid] = _Code(q.phone, code, now + CODE_TTL_S)
            self.last_sent[q.phone] = now
            self._send(q.phone, "verification", TEMPLATES["verification"].format(
                code=code, minutes=CODE_TTL_S // 60, purpose=PURPOSES[q.purpose]))
        return m.Verification(verification_id=vid, phone_masked=mask_phone(q.phone), expires_in_s=CODE_TTL_S,
                              resend_after_s=self.resend_after_s)

    def check(self, vid: str, code: str) -> m.Recipient:
        now = self.now()
        with self.lock:
            c = self.codes.get(vid)
            if c is None:
                raise ApiError(404, "not_found", "no such verification")
            if now > c.expires:
                raise ApiError(409, "code_expired", "the code has expired; ask for a new one")
            if c.attempts >= MAX_ATTEMPTS:
                raise ApiError(409, "too_many_attempts", "too many wrong codes; ask for a new one")
            if not hmac.compare_digest(c.code, code):
                c.attempts += 1
                raise ApiError(409, "code_wrong", f"wrong code ({MAX_ATTEMPTS - c.attempts} attempts left)")
            del self.codes[vid]  # a code confirms once
            rid = self.recipient(c.phone)
            self.phones[rid] = c.phone
        return m.Recipient(recipient_id=rid, phone_masked=mask_phone(c.phone))

    def sms(self, q: m.SmsRequest) -> m.SmsAck:
        with self.lock:
            phone = self.phones.get(q.recipient_id)
            if phone is None:
                raise ApiError(404, "not_found", "no such recipient")
            try:
                text = TEMPLATES[q.template].format(**q.params)
            except KeyError as err:
                raise ApiError(400, "bad_request", f"template {q.template} needs parameter {err}") from err
            message_id = self._send(phone, q.template, text)
        return m.SmsAck(message_id=message_id, sent_at=datetime.fromtimestamp(self.now()).astimezone())


ERR = {400: {"model": m.ErrorBody, "description": "the request body cannot be parsed"},
       401: {"model": m.ErrorBody, "description": "bad or stale signature, replayed nonce"}}
ERR_409 = {**ERR, 404: {"model": m.ErrorBody, "description": "not found"},
           409: {"model": m.ErrorBody, "description": "too_soon, code_wrong, code_expired, too_many_attempts"}}


def notification_routes(r: APIRouter, n: Notifications) -> None:
    """Add the notification operations to the signed API router `r`."""

    @r.post("/notifications/verifications", response_model=m.Verification, responses=ERR_409,
            tags=["notifications"], summary="Send a code that confirms a phone number")
    async def start_verification(q: m.VerificationRequest) -> m.Verification:
        return n.start(q)

    @r.post("/notifications/verifications/{verification_id}/check", response_model=m.Recipient,
            responses=ERR_409, tags=["notifications"], summary="Check the code; the confirmed phone's recipient id")
    async def check_verification(verification_id: str, q: m.VerificationCheck) -> m.Recipient:
        return n.check(verification_id, q.code)

    @r.post("/notifications/sms", response_model=m.SmsAck, responses=ERR_409, tags=["notifications"],
            summary="A template SMS to a confirmed phone")
    async def send_sms(q: m.SmsRequest, request: Request, idempotency_key: IdemKey) -> object:
        return await idempotent(request, idempotency_key, lambda: n.sms(q).model_dump(mode="json"))
