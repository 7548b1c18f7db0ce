"""The service day: numbering restarts at a configured local time, in the hall's zone."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def service_day(now: datetime, tz: str, starts_at: time) -> str:
    """The day (YYYY-MM-DD) a moment belongs to; before `starts_at` it is still yesterday."""
    local = now.astimezone(ZoneInfo(tz))
    shifted = local - timedelta(hours=starts_at.hour, minutes=starts_at.minute, seconds=starts_at.second)
    return shifted.date().isoformat()


def iso(ts: float, tz: str) -> str:
    return datetime.fromtimestamp(ts, ZoneInfo(tz)).isoformat(timespec="seconds")
