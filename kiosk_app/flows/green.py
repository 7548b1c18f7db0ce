"""The green channel (绿色通道): an elderly citizen who identified with the ID card gets a
"green" priority ticket, from the birth date on the card and the hall's
`PriorityConfig.elderly_age`.

The age is counted on the hall's calendar date (its timezone, from the injected clock), not
the kiosk's nor UTC: at 23:30 UTC it is already the next day in Shanghai. A citizen reaches
an age on the birthday itself; someone born on 29 February reaches it on 1 March in a
common year.
"""
from __future__ import annotations

from datetime import date, timezone
from zoneinfo import ZoneInfo

from config.schema import HallConfig
from drivers.core.clock import Clock

GREEN, NORMAL = "green", "normal"


def age_on(birth: date, today: date) -> int:
    """Completed years (周岁) on `today`."""
    if today < birth:
        raise ValueError(f"birth date {birth} is after {today}")
    years = today.year - birth.year
    try:
        birthday = birth.replace(year=today.year)
    except ValueError:           # 29 February in a common year: the birthday counts from 1 March
        birthday = date(today.year, 3, 1)
    return years if today >= birthday else years - 1


def hall_today(clock: Clock, hall: HallConfig) -> date:
    now = clock.now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(ZoneInfo(hall.timezone)).date()


def ticket_priority(birth: date | None, clock: Clock, hall: HallConfig) -> str:
    """"green" from `hall.priority.elderly_age`, else "normal"; no birth date: "normal"."""
    if birth is None:
        return NORMAL
    try:
        age = age_on(birth, hall_today(clock, hall))
    except ValueError:
        return NORMAL       # a card dated in the future is not a reason for priority
    return GREEN if age >= hall.priority.elderly_age else NORMAL
