"""Which services a citizen cannot get a ticket for now, before the tap: full for today (the
retained board's `full`, from the controller) or outside the service's ticket hours
([[halls.services.hours]], the hall's time zone; the controller refuses those with not_open).
The home page greys them with the reason and the hours. No Qt here."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable
from zoneinfo import ZoneInfo

from config.schema import HallConfig, ServiceConfig
from kiosk_app.flows.messages import format_hours
from kiosk_app.i18n import tr

FULL, NOT_OPEN = "full", "not_open"

# This page's words (svc_*) are in kiosk_app/translations/kiosk_*.ts.


def within_hours(svc: ServiceConfig, hall: HallConfig, now: datetime) -> bool:
    """The controller's rule (hall_controller/core/queue.py within_hours) on the kiosk's clock."""
    if not svc.hours:
        return True
    local = now.astimezone(ZoneInfo(hall.timezone))
    return any(local.isoweekday() in p.weekdays and p.opens <= local.time() < p.closes for p in svc.hours)


def service_states(hall: HallConfig, full: Iterable[str], now: datetime) -> dict[str, str]:
    """Service code -> FULL or NOT_OPEN, for the services that cannot issue a ticket now."""
    full = set(full)
    states = {}
    for svc in hall.services:
        if svc.code in full:
            states[svc.code] = FULL
        elif not within_hours(svc, hall, now):
            states[svc.code] = NOT_OPEN
    return states


def state_text(svc: ServiceConfig, state: str, lang: str) -> str:
    """The reason on the greyed button, with the ticket hours when the service is not open."""
    if state == FULL:
        return tr("svc_full", lang)
    return tr("svc_not_open", lang, hours=format_hours(svc.hours, lang))
