"""The hall's statistics of today (hall_protocol/stats.py), built from its memory: the tally's
counters, the lines of the calling order and the windows. No database read; the cost grows
with the number of services, windows and lines, not with the tickets of the day."""
from __future__ import annotations

from hall_controller.core.estimate import snapshot
from hall_controller.core.forecast import forecast
from hall_controller.core.queue import HallQueue, Ticket
from hall_protocol.stats import HallStats, RatingStats, ServiceStats, WindowStats


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


def is_open(q: HallQueue, service: str, now: float) -> bool:
    """Within the service's opening hours (none configured: always) and below its daily limit."""
    svc = q.hall.service(service)
    if q.seqs.get(service, 0) >= svc.daily_limit:
        return False
    return q.within_hours(svc, now)


def new_ticket_estimate_min(q: HallQueue, service: str, snap=None) -> float | None:
    """Minutes a normal ticket of `service` taken now would wait (None: no open window)."""
    snap = snap or snapshot(q)
    probe = Ticket(number=f"{service}~", service=service, priority="normal", state="waiting", window=None,
                   issued_at=snap.now, queued_at=snap.now, called_at=None, recalls=0, day=q.day,
                   order=1 << 62)
    return _minutes(forecast(q.hall, snap, probe))


def build_stats(q: HallQueue, seq: int) -> HallStats:
    hall, tally = q.hall, q.tally
    with q.journal.lock:
        q.fresh()
        now = q.now()
        snap = snapshot(q, copy=True)   # the forecasts run after the lock is let go
        oldest: dict[str, float] = {}
        waiting: dict[str, int] = {}
        for (service, _, _), line in q.lines.items():
            if line:
                waiting[service] = waiting.get(service, 0) + len(line)
                oldest[service] = min(oldest.get(service, now), line[0].queued_at)
        serving: dict[str, int] = {}
        windows = []
        for w in hall.windows:
            row, cur = q.windows[w.number], q.current(w.number)
            if cur is not None:
                serving[cur.service] = serving.get(cur.service, 0) + 1
            state = "idle" if not row.known or (row.state == "calling" and cur is None) else row.state
            windows.append(WindowStats(window=w.number, name=w.name, state=state,
                                       ticket=None if cur is None else cur.number,
                                       served=tally.windows_served.get(w.number, 0),
                                       since=q.iso(row.since) if row.known else None))
        services = []
        for svc in hall.services:
            t = tally.services.get(svc.code)
            services.append(dict(
                code=svc.code, name=svc.name, name_en=svc.name_en,
                issued=t.issued if t else 0, remote=t.remote if t else 0,
                appointments=t.appointments if t else 0, waiting=waiting.get(svc.code, 0),
                serving=serving.get(svc.code, 0), served=t.served if t else 0, no_shows=t.no_shows if t else 0,
                cancelled=t.cancelled if t else 0,
                longest_wait_min=_minutes(now - oldest[svc.code]) if svc.code in oldest else None,
                avg_wait_min=_minutes(t.wait_s / t.waits) if t and t.waits else None,
                avg_service_min=_minutes(t.service_s / t.services) if t and t.services else None,
                target_min=svc.wait_target_min,
                open=is_open(q, svc.code, now)))
        ratings = dict(tally.ratings) if tally.ratings_day == q.day else {}
        day, issued_by_hour = q.day, list(tally.issued_by_hour)
    services = [ServiceStats(**s, estimate_min=new_ticket_estimate_min(q, s["code"], snap)) for s in services]
    count = sum(ratings.values())
    satisfied = ratings.get(4, 0) + ratings.get(5, 0)
    return HallStats(hall=hall.id, hall_name=hall.name, hall_name_en=hall.name_en, day=day, seq=seq,
                     at=q.iso(now) or "", services=services, windows=windows,
                     issued_by_hour=issued_by_hour,
                     ratings=RatingStats(count=count, by_score={str(k): v for k, v in sorted(ratings.items())},
                                         satisfied=satisfied,
                                         rate=round(satisfied / count, 4) if count else None))
