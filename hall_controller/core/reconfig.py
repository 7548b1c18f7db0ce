"""What a hall file read again (SIGHUP, `systemctl reload hall-controller`) may change in a
running controller, and what only a restart applies. Pure: configuration in, configuration out.

Applied at once: anything read from a hall's section when it is used (services and their names,
areas, hours, targets and limits; windows added and the services and weights of a window;
names, the notice, devices and their roles, staff, priority, no-show, kiosk, booking, rating,
alert and follow-up policies, ticket URL, voice languages, automatic calls).
Kept until a restart (named in the log): the broker, the database, the platform (`[backend]`),
`[limits]`, the controller ids, halls added or removed, a hall's time zone and day start, its
loudspeakers (`audio`) and guide robot, the window displays the controller drives (built at
start), and services or windows removed (tickets of the day may still name them; they leave with
the restart).
"""
from __future__ import annotations

from config.schema import HallConfig, HallSuiteConfig

RESTART_KEYS = ("controller_id", "controller_peers", "broker", "database", "backend", "limits")
RESTART_HALL_KEYS = ("timezone", "day_starts_at", "audio", "robot")


def merge(old: HallSuiteConfig, new: HallSuiteConfig) -> tuple[HallSuiteConfig, list[str]]:
    """The configuration to run from now on, and what of `new` waits for a restart."""
    later = [key for key in RESTART_KEYS if getattr(old, key) != getattr(new, key)]
    olds = {h.id: h for h in old.halls}
    news = {h.id: h for h in new.halls}
    later += [f"halls: hall {h} added" for h in news if h not in olds]
    later += [f"halls: hall {h} removed" for h in olds if h not in news]
    halls = []
    for hall_id, was in olds.items():
        hall = news.get(hall_id)
        if hall is None:
            halls.append(was)
            continue
        merged, waits = merge_hall(was, hall)
        halls.append(merged)
        later += [f"halls.{hall_id}.{w}" for w in waits]
    keep = {key: getattr(old, key) for key in RESTART_KEYS}
    return new.model_copy(update={**keep, "halls": halls}), later


def merge_hall(old: HallConfig, new: HallConfig) -> tuple[HallConfig, list[str]]:
    later = [key for key in RESTART_HALL_KEYS if getattr(old, key) != getattr(new, key)]
    update: dict = {key: getattr(old, key) for key in RESTART_HALL_KEYS}
    codes = {s.code for s in new.services}
    gone_services = [s for s in old.services if s.code not in codes]
    if gone_services:
        later.append("services removed: " + ", ".join(s.code for s in gone_services))
        update["services"] = [*new.services, *gone_services]
    numbers = {w.number for w in new.windows}
    gone_windows = [w for w in old.windows if w.number not in numbers]
    if gone_windows:
        later.append("windows removed: " + ", ".join(str(w.number) for w in gone_windows))
        update["windows"] = [*new.windows, *gone_windows]
    return new.model_copy(update=update), later
