"""The service day: numbering restarts at a configured local time, in the hall's zone."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


def service_day(now: datetime, tz: str, starts_at: time) -> str:
    """The day (YYYY-MM-DD) a moment belongs to; before `starts_at` it is still yesterday."""
    local = now.astimezone(ZoneInfo(tz))
    shifted = local - timedelta(hours=starts_at.hour, minutes=starts_at.minute, seconds=starts_at.second)
    return shifted.date().isoformat()


def day_start(day: str, tz: str, starts_at: time) -> datetime:
    """The moment the service day `day` begins, in the hall's zone."""
    d = datetime.fromisoformat(day)
    return datetime(d.year, d.month, d.day, starts_at.hour, starts_at.minute, starts_at.second,
                    tzinfo=ZoneInfo(tz))


@lru_cache(maxsize=65536)
def iso(ts: float, tz: str) -> str:
    return datetime.fromtimestamp(ts, ZoneInfo(tz)).isoformat(timespec="seconds")
