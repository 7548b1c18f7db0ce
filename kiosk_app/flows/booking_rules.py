"""What a booking check-in says to the citizen: the booking code in what was typed or scanned,
and each refusal (used, cancelled, too early, too late, another hall) with what to do. Shared by
the check-in without an ID card (kiosk_app/flows/booking.py) and the identified citizen's
appointments (kiosk_app/flows/citizen.py)."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

from config.schema import HallConfig
from hall_protocol import platform as bm
from kiosk_app.i18n import tr

CODE = re.compile(r"^[0-9A-Za-z]{4,32}$")

# This page's words (bk_*) are in kiosk_app/translations/kiosk_*.ts.


def booking_code_from(text: str) -> str | None:
    """The booking code in what was typed or scanned: the code itself, a link ending in it
    (https://.../yy/12345678) or carrying it as `code=`; None when there is none."""
    text = text.strip()
    if CODE.fullmatch(text):
        return text.upper()
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        query = parse_qs(parts.query).get("code", [])
        candidate = query[0] if query else parts.path.rstrip("/").rsplit("/", 1)[-1]
        if CODE.fullmatch(candidate):
            return candidate.upper()
    return None


def refusal_message(code: str | None, appt: bm.Appointment | None, hall: HallConfig, lang: str) -> str | None:
    """What a refused check-in means for the citizen, with the booking's details; None for
    codes that are not about the booking."""
    if code == "appointment_checked_in":
        return tr("bk_used", lang)
    if code == "appointment_cancelled":
        return tr("bk_cancelled", lang)
    if code == "not_today":
        return tr("bk_not_today", lang)
    if code == "other_hall":
        return tr("bk_other_hall", lang, hall=(appt.hall_name or appt.hall_id) if appt else "")
    if code in ("appointment_early", "appointment_late") and appt is not None:
        kw = dict(date=appt.date.isoformat(), start=appt.slot_start, end=appt.slot_end)
        if code == "appointment_late":
            return tr("bk_late", lang, **kw)
        opens = datetime.combine(appt.date, time.fromisoformat(appt.slot_start)) - timedelta(
            minutes=hall.appointments.early_min)
        return tr("bk_early", lang, opens=opens.strftime("%H:%M") if opens.date() == appt.date
                  else opens.strftime("%Y-%m-%d %H:%M"), **kw)
    return None
