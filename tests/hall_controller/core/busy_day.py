"""A synthetic busy day of the example hall, played through the real HallQueue and
calling.apply with a FakeClock: arrival peaks in the morning and the afternoon, four
windows with a lunch pause each and short absences, recalls, no-shows, transfers and
cancellations. Used by the report tests and for the supervisor view's screenshot."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from drivers.core.clock import FakeClock
from hall_controller.core import calling
from hall_controller.core.queue import HallQueue
from hall_protocol.contract import WindowCommand

TICK = 20  # seconds of simulated time per step
CLERKS = {1: "王芳", 2: "李强", 3: "张敏", 4: "刘洋"}


def arrivals_per_hour(hour: float) -> float:
    """Citizens per hour: a morning peak at 9:30 and a smaller one at 14:30."""
    if hour < 8.5 or hour >= 16.75:
        return 0.0
    peak = 28 * max(0.0, 1 - abs(hour - 9.6) / 1.4) + 18 * max(0.0, 1 - abs(hour - 14.6) / 1.3)
    return 22 + peak


@dataclass
class WindowSim:
    number: int
    clerk: str
    busy_until: float = 0.0
    state: str = "idle"  # idle called serving paused
    since: float = 0.0
    lunch: tuple[float, float] = (12.0, 13.0)
    lunch_done: bool = False
    away_at: float | None = None
    service: str = ""


def play(q: HallQueue, clock: FakeClock, day: datetime, seed: int = 7, *, until_hour: float = 17.0,
         finish: bool = True) -> dict:
    """Play the day from 8:30 local time until `until_hour`; returns counts of what was done.
    With `finish` the windows close what is open at the end, else the hall stays mid-day."""
    rng = random.Random(seed)
    clock.set(day.replace(hour=8, minute=30, second=0, microsecond=0))
    start = clock.now()
    wins = [WindowSim(w.number, CLERKS.get(w.number, f"clerk{w.number}")) for w in q.hall.windows]
    for i, w in enumerate(wins):
        w.lunch = (12.0, 13.0) if i % 2 == 0 else (12.5, 13.5)
        w.away_at = rng.uniform(10.0, 16.0) if i != 1 else None
    avg = {s.code: s.avg_service_min * 60 for s in q.hall.services}
    codes = [s.code for s in q.hall.services]
    mix = [0.4, 0.25, 0.15, 0.2][:len(codes)]
    done = {"issued": 0, "calls": 0, "no_show": 0, "transfer": 0, "cancel": 0, "pause": 0, "requeue": 0}
    n = 0

    def act(w: WindowSim, action: str, **kw) -> calling.Outcome:
        return calling.apply(q, WindowCommand(window=w.number, action=action, clerk=w.clerk, **kw))

    def no_show(w: WindowSim) -> None:
        requeue = rng.random() < 0.3  # the hall's policy is "ask": the clerk sometimes puts it back
        out = act(w, "no_show", requeue=requeue)
        done["no_show"] += 1
        done["requeue"] += out.ticket.state == "waiting"
        w.state = "idle"

    for w in wins:  # the clerks sign on
        act(w, "open")
    while True:
        now = clock.now()
        hour = now.hour + now.minute / 60 + now.second / 3600
        if hour >= until_hour:
            break
        t = (now - start).total_seconds()
        for _ in range(_poisson(rng, arrivals_per_hour(hour) * TICK / 3600)):
            n += 1
            svc = rng.choices(codes, mix)[0]
            prio = "green" if rng.random() < 0.06 else ("appointment" if rng.random() < 0.08 else "normal")
            q.issue(svc, f"busy-{seed}-{n}", source="kiosk-01", priority=prio)
            done["issued"] += 1
        if rng.random() < 0.004:
            waiting = q.waiting()
            if waiting:
                act(wins[0], "cancel", ticket=rng.choice(waiting).number)
                done["cancel"] += 1
        for w in wins:
            if w.state in ("called", "serving") and t < w.busy_until:
                continue
            if w.state == "called":  # the citizen did not come
                if rng.random() < 0.5:
                    act(w, "recall")
                    w.busy_until = t + 60
                    w.state = "recalled"
                    continue
                no_show(w)
            elif w.state == "recalled":
                no_show(w)
            elif w.state == "serving":
                targets = [x.number for x in q.hall.windows if x.number != w.number and w.service in x.services]
                if targets and rng.random() < 0.03:
                    # To another window of the same service: a transfer to another service
                    # collides with uq_ticket_number today (reported to the lead).
                    act(w, "transfer", to_window=rng.choice(targets))
                    done["transfer"] += 1
                else:
                    act(w, "finish")
                w.state = "idle"
            elif w.state == "paused":
                if t >= w.busy_until:
                    act(w, "resume")
                    w.state = "idle"
                continue
            # idle: pause for lunch or a short absence, else call the next citizen
            if not w.lunch_done and hour >= w.lunch[0]:
                act(w, "pause", reason="午休 Lunch")
                w.lunch_done, w.state = True, "paused"
                w.busy_until = t + (w.lunch[1] - hour) * 3600
                done["pause"] += 1
                continue
            if w.away_at is not None and hour >= w.away_at:
                act(w, "pause", reason=rng.choice(["临时离开 Away", "业务咨询 Consulting"]))
                w.away_at, w.state = None, "paused"
                w.busy_until = t + rng.uniform(8, 25) * 60
                done["pause"] += 1
                continue
            out = act(w, "call_next")
            if out.ticket is None:
                continue
            done["calls"] += 1
            w.service = out.ticket.service
            if rng.random() < 0.06:
                w.state, w.busy_until = "called", t + 90
            else:
                if rng.random() < 0.8:  # some clerks never press start
                    act(w, "start")
                w.state = "serving"
                w.busy_until = t + 30 + rng.expovariate(1 / (0.7 * avg[out.ticket.service]))
        clock.advance(TICK)
    for w in wins if finish else []:  # the end of the day: finish what is open
        if w.state == "serving":
            act(w, "finish")
        elif w.state in ("called", "recalled"):
            no_show(w)
        act(w, "close")
    return done


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; lam is small here."""
    if lam <= 0:
        return 0
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1

