"""The hall's statistics of today, retained per hall (`hall/<hall>/state/stats`).

The controller keeps them up to date as tickets move (counters updated on every transition,
never a re-read of the day) and publishes them at most every few seconds, only when they
changed. Supervisor desks, the data screen (数据展示屏) and the city overview read them; none of
them needs the database. Everything here is counts and minutes: no ticket holder's data.
"""
from __future__ import annotations

from pydantic import Field

from hall_protocol.payload import Payload


class ServiceStats(Payload):
    code: str = Field(description="service code, e.g. A")
    name: str = Field(description="Chinese name")
    name_en: str = ""
    issued: int = Field(0, description="tickets issued today (kiosk, phone, check-in)")
    remote: int = Field(0, description="of which taken remotely (a phone)")
    appointments: int = Field(0, description="of which appointment check-ins")
    waiting: int = Field(0, description="waiting now")
    serving: int = Field(0, description="called or being served now")
    served: int = Field(0, description="served today (finished)")
    no_shows: int = 0
    cancelled: int = 0
    longest_wait_min: float | None = Field(None, description="how long the longest-waiting ticket has waited so far")
    avg_wait_min: float | None = Field(None, description="mean wait from issue to first call of today's called "
                                                         "tickets")
    avg_service_min: float | None = Field(None, description="mean time from call to finish of today's served tickets")
    target_min: float = Field(description="the hall's wait target for the service (config wait_target_min)")
    estimate_min: float | None = Field(None, description="estimated wait of a ticket taken now; None = unknown "
                                                         "(no window open)")
    open: bool = Field(True, description="issuing tickets now (opening hours, daily limit)")


class WindowStats(Payload):
    window: int
    name: str = ""
    state: str = Field(description="idle, calling, serving, paused, closed")
    ticket: str | None = Field(None, description="its current ticket's number")
    served: int = Field(0, description="tickets finished at this window today")
    since: str | None = Field(None, description="ISO 8601: since when it is in this state")


class RatingStats(Payload):
    count: int = 0
    by_score: dict[str, int] = Field(default_factory=dict, description="\"1\"..\"5\" -> ratings today")
    satisfied: int = Field(0, description="ratings of 4 or 5 (满意, 非常满意)")
    rate: float | None = Field(None, description="satisfied / count; None before the first rating")


class HallStats(Payload):
    """Today's figures of one hall; retained, republished when they change (at most every few
    seconds), with an increasing seq."""

    hall: str
    hall_name: str
    hall_name_en: str = ""
    day: str = Field(description="the service day, YYYY-MM-DD")
    seq: int = Field(description="increases with every publication; a reader ignores older ones")
    at: str = Field(description="ISO 8601 with offset: when these figures were taken")
    services: list[ServiceStats]
    windows: list[WindowStats]
    issued_by_hour: list[int] = Field(description="24 counts: tickets issued in each hour of the local day")
    ratings: RatingStats = Field(default_factory=RatingStats)

    def is_newer_than(self, old: "HallStats | None") -> bool:
        return old is None or self.day > old.day or (self.day == old.day and self.seq > old.seq)
