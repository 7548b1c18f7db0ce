"""When the citizen last touched the kiosk, for every flow's idle time.

The window's application-wide event filter (kiosk_app/qt/attract.py) calls `touch()` on every
touch, click or key; each flow's page gives up after its timeout counted from the later of the
page's last change and that touch, so someone reading a guide is not thrown out. In the last
`WARN_S` seconds before a page gives up the window shows a countdown with "继续使用 / Continue".
No Qt here: tests drive it with a FakeClock.
"""
from __future__ import annotations

import math
import threading

from config.kiosk_view import phone_page_url as config_phone_page_url
from drivers.core.clock import Clock

WARN_S = 15.0   # the countdown before a page gives up


class Activity:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.last = -math.inf
        self._lock = threading.Lock()

    def touch(self) -> None:
        with self._lock:
            self.last = self.clock.monotonic()


def quiet_for(clock: Clock, activity: Activity | None, since: float) -> float:
    """Seconds since the later of `since` (the page's last change) and the last touch."""
    last = activity.last if activity is not None else since
    return clock.monotonic() - max(since, last)


def left(clock: Clock, activity: Activity | None, since: float, limit: float) -> float:
    """Seconds before a page changed at `since` gives up after `limit` quiet seconds."""
    return limit - quiet_for(clock, activity, since)


def countdown(remaining: list[float | None], warn_s: float = WARN_S) -> int | None:
    """The whole seconds the warning shows, from what each flow has left (None: its page does
    not time out now); None when no page gives up within `warn_s`."""
    times = [r for r in remaining if r is not None]
    if not times or min(times) > warn_s:
        return None
    return max(0, math.ceil(min(times)))


def phone_page_url(hall) -> str | None:
    """The hall's phone queue page when the hall offers tickets from a phone; None otherwise: as
    the controller's configuration says (a `LiveHall`), or from a hall file's section."""
    if hasattr(type(hall), "phone_page"):
        return hall.phone_page
    return config_phone_page_url(hall)


# The attract screen and the timeout warning (kiosk_app/qt/attract.py).
# This page's words (attract_*, timeout_*) are in kiosk_app/translations/kiosk_*.ts.
