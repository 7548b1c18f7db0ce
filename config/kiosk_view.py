"""The kiosk-facing part of a hall file (hall_protocol/hall_config.py), both ways: the controller
makes it from its hall file (`kiosk_view`), a kiosk turns the retained message back into the
hall it runs with (`hall_from_view`). What the view carries is what a kiosk may know: never the
platform's credentials, staff, devices, windows or loudspeakers."""
from __future__ import annotations

from datetime import time

from pydantic import ValidationError

from config.schema import (AppointmentPolicy, HallConfig, KioskPolicy, OpeningPeriod, PriorityConfig, RatingPolicy,
                           ServiceConfig)
from hall_protocol.hall_config import HallKioskConfig, KioskService, ServiceHours, WaitingArea


class ViewError(ValueError):
    """A retained configuration a kiosk cannot run with (what and where, bounded)."""


def phone_page_url(hall: HallConfig) -> str | None:
    """The hall's phone queue page (hall_web's /h/<hall>, next to the tickets' /t/ pages) when the
    hall offers tickets from a phone ([halls.remote]); None otherwise."""
    marker = "/t/{hall}/{token}"
    if hall.remote is None or marker not in hall.ticket_url:
        return None
    return f"{hall.ticket_url.split(marker)[0]}/h/{hall.id}"


def kiosk_view(hall: HallConfig) -> HallKioskConfig:
    """What the hall's kiosks are told of `hall` (nothing secret)."""
    areas: dict[tuple[str, str], list[str]] = {}
    for s in hall.services:
        if s.area:
            areas.setdefault((s.area, s.area_en), []).append(s.code)
    k = hall.kiosk
    return HallKioskConfig(
        hall=hall.id, name=hall.name, name_en=hall.name_en, timezone=hall.timezone,
        day_starts_at=hall.day_starts_at.isoformat(timespec="seconds"),
        services=[KioskService(code=s.code, name=s.name, name_en=s.name_en, area=s.area, area_en=s.area_en,
                               hours=[ServiceHours(opens=h.opens.isoformat(timespec="seconds"),
                                                   closes=h.closes.isoformat(timespec="seconds"),
                                                   weekdays=list(h.weekdays)) for h in s.hours],
                               daily_limit=s.daily_limit, avg_service_min=s.avg_service_min,
                               wait_target_min=s.wait_target_min) for s in hall.services],
        areas=[WaitingArea(name=name, name_en=name_en, services=codes) for (name, name_en), codes in areas.items()],
        notice=hall.notice, notices=list(k.notices), idle_timeout_s=k.idle_timeout_s,
        elderly_idle_timeout_s=k.elderly_idle_timeout_s, elderly_mode_age=k.elderly_mode_age,
        elderly_age=hall.priority.elderly_age, ticket_url=hall.ticket_url, phone_page=phone_page_url(hall),
        appointment_early_min=hall.appointments.early_min, appointment_late_min=hall.appointments.late_min,
        rating_window_h=hall.rating.window_h, robot=hall.robot is not None)


def hall_from_view(view: HallKioskConfig) -> HallConfig:
    """The hall a kiosk runs with, from the controller's view; ViewError (what and where) when the
    view is not one a hall file could have made."""
    try:
        return HallConfig(
            id=view.hall, name=view.name, name_en=view.name_en, timezone=view.timezone,
            day_starts_at=time.fromisoformat(view.day_starts_at),
            services=[ServiceConfig(code=s.code, name=s.name, name_en=s.name_en, area=s.area, area_en=s.area_en,
                                    hours=[OpeningPeriod(opens=time.fromisoformat(h.opens),
                                                         closes=time.fromisoformat(h.closes),
                                                         weekdays=list(h.weekdays)) for h in s.hours],
                                    daily_limit=s.daily_limit, avg_service_min=s.avg_service_min,
                                    wait_target_min=s.wait_target_min) for s in view.services],
            windows=[], priority=PriorityConfig(elderly_age=view.elderly_age), notice=view.notice,
            ticket_url=view.ticket_url,
            kiosk=KioskPolicy(elderly_mode_age=view.elderly_mode_age, notices=list(view.notices),
                              idle_timeout_s=view.idle_timeout_s, elderly_idle_timeout_s=view.elderly_idle_timeout_s),
            appointments=AppointmentPolicy(early_min=view.appointment_early_min, late_min=view.appointment_late_min),
            rating=RatingPolicy(window_h=view.rating_window_h))
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'config'}: {e['msg']}"[:200]
                             for e in err.errors(include_url=False, include_input=False)[:5])
        raise ViewError(f"hall {view.hall}: {problems}") from None
    except ValueError as err:   # a time fromisoformat cannot read
        raise ViewError(f"hall {view.hall}: {str(err)[:200]}") from None
