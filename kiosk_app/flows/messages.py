"""Every error a citizen can meet at the kiosk, as a plain message that says what to do next.

One table from error code to message (Simplified Chinese and English). The codes come from
the hall controller's refusals (hall_controller/errors.py and its features), the router
(`bad_request`, `internal_error`), the platform gateway (hall_protocol/contract.py
BACKEND_ERROR_CODES, which include the payment codes), the phone check-in
(hall_protocol/phone.py PHONE_ERROR_CODES), the devices (the receipt printer's status codes)
and the kiosk itself (KIOSK_CODES). The controller's own text (e.g. "service A has issued its
200 tickets for today") is for logs and technicians: it never reaches the screen.

`plain_message(code, lang, **details)` looks a code up; a message with details (the opening
hours, the time a check-in opens, another hall's name) has a variant without them, used when
they are not known. An unknown code gets the generic message and is logged, so that someone
adds it to the translations. The texts are in kiosk_app/translations/kiosk_*.ts as `err_<code>` (and
`err_<code>_plain` for the variant without details), with every other citizen-facing string.
"""
from __future__ import annotations

import logging
import string

from kiosk_app.i18n import STRINGS, tr

log = logging.getLogger(__name__)

GENERIC = "error"

# The kiosk's own codes: what it meets itself, not in an answer.
KIOSK_CODES = (
    "controller_unavailable",   # no answer to a ticket (or any) request from the hall controller
    "card_unreadable",          # the ID card reader could not read the card
    "card_invalid",             # the card was read but its data are not a valid card
    "face_mismatch",            # face verification did not pass
    "camera_unavailable",       # the camera cannot be used
    "licence_printer_unavailable",  # the A4 printer cannot print
    "payment_expired", "payment_cancelled",   # payment states (hall_protocol/platform.py PaymentStatus)
)
# The receipt printer's status codes (drivers/escpos/printer.py PrinterStatus.device_status).
DEVICE_CODES = ("paper_out", "cover_open", "no_answer", "offline")

# code -> (zh, en), from the translations (kiosk_app/translations/kiosk_*.ts: `err_<code>`, and
# `err_<code>_plain` for the text used without its details); a "{name}" in a text is a detail.
MESSAGES: dict[str, tuple[str, str]] = {
    key[len("err_"):]: (texts["zh"], texts.get("en", texts["zh"])) for key, texts in STRINGS.items()
    if key.startswith("err_") and not key.endswith("_plain")}


def details_of(code: str) -> tuple[str, ...]:
    """The details a code's message takes ("hours", "opens", "hall"), in order."""
    zh, _ = MESSAGES[code]
    return tuple(name for _, name, _, _ in string.Formatter().parse(zh) if name)


def has_message(code: str | None) -> bool:
    return code in MESSAGES


def plain_message(code: str | None, lang: str = "zh", **details: object) -> str:
    """The citizen's message for `code`; unknown codes get the generic one (and are logged)."""
    if code not in MESSAGES:
        log.warning("no plain message for error code %r: showing the generic one (add it to %s)", code, __name__)
        code = GENERIC
    needed = details_of(code)
    given = {k: v for k, v in details.items() if k in needed and v not in (None, "")}
    if needed and len(given) < len(needed):
        return tr(f"err_{code}_plain", lang)
    return tr(f"err_{code}", lang, **given)


def format_hours(periods, lang: str = "zh") -> str:
    """Opening periods (config.schema.OpeningPeriod: opens, closes, weekdays) as text for a
    message: "周一至周五 08:30-12:00、13:30-17:00" / "Mon-Fri 08:30-12:00, 13:30-17:00"."""
    names = tr("hours_weekdays", lang).split()   # Monday first (the words: kiosk_app/translations)
    groups: dict[tuple[int, ...], list[str]] = {}
    for p in periods:
        groups.setdefault(tuple(sorted(p.weekdays)), []).append(f"{p.opens:%H:%M}-{p.closes:%H:%M}")
    parts = []
    for days, spans in groups.items():
        if list(days) == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            label = tr("hours_day_range", lang, first=names[days[0] - 1], last=names[days[-1] - 1])
        else:
            label = tr("hours_day_list", lang, days=tr("hours_day_sep", lang).join(names[d - 1] for d in days))
        parts.append(f"{label} " + tr("hours_span_sep", lang).join(spans))
    return tr("hours_group_sep", lang).join(parts)
