"""Follow-up cases of bad ratings (差评回访整改), rebuilt from their events (pure).

A case is opened by a `followup_opened` event (written with the bad rating), moved on by
`followup_assign`, `followup_contact`, `followup_rectify`, `followup_close` events, in that order.
Deadlines are working days from the rated ticket's day (core/workdays.py); a case is overdue
when a due day has passed and it has not reached that step (or was closed after its due day).
`closed_loop` gives hall-report's figures: opened, closed, closed on time, open, overdue, rate.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hall_controller.core.workdays import add_workdays
from hall_protocol.followup import STEP_STATE, CaseEntry, FollowUpCase

ORDER = ("open", "assigned", "contacted", "rectified", "closed")
STEP_FROM = {"assign": ("open", "assigned"), "contact": ("assigned",), "rectify": ("contacted",), "close": ("rectified",)}


class StepRefused(ValueError):
    """A step that does not follow the case's state (e.g. close before rectify)."""


@dataclass(frozen=True)
class Deadlines:
    contact_days: int
    close_days: int
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def due(self, day: str) -> tuple[str, str]:
        d = date.fromisoformat(day)
        return (add_workdays(d, self.contact_days, self.holidays, self.workdays).isoformat(),
                add_workdays(d, self.close_days, self.holidays, self.workdays).isoformat())


def case_id(day: str, ticket: str) -> str:
    return f"FU-{day.replace('-', '')}-{ticket}"


def open_case(hall: str, day: str, ticket: str, service: str, window: int | None, clerk: str | None, score: int,
              reasons: list[str], at: str, deadlines: Deadlines) -> FollowUpCase:
    contact_due, due = deadlines.due(day)
    return FollowUpCase(id=case_id(day, ticket), hall=hall, day=day, ticket=ticket, service=service, window=window,
                        clerk=clerk, score=score, reasons=list(reasons), state="open", opened_at=at,
                        contact_due=contact_due, due=due, overdue=False)


def step(case: FollowUpCase, name: str, at: str, by: str, assignee: str | None = None,
         note: str = "") -> FollowUpCase:
    """The case after one step; StepRefused when the step does not follow its state."""
    if case.state not in STEP_FROM[name]:
        raise StepRefused(f"case {case.id} is {case.state}: it cannot be {STEP_STATE[name]} now")
    update = {"state": STEP_STATE[name], "history": [*case.history, CaseEntry(step=name, at=at, by=by, note=note)]}
    if name == "assign":
        update["assignee"] = assignee or by
    if name == "close":
        update["closed_at"] = at
    return case.model_copy(update=update)


def overdue(case: FollowUpCase, today: str) -> bool:
    if case.state == "closed":
        return (case.closed_at or "")[:10] > case.due
    return today > case.due or (today > case.contact_due and ORDER.index(case.state) < ORDER.index("contacted"))


def replay(events: list[dict], deadlines: Deadlines, today: str) -> dict[str, FollowUpCase]:
    """Cases from their events (dicts with kind, data, at as ISO text), in the order written."""
    cases: dict[str, FollowUpCase] = {}
    for e in events:
        d = e.get("data") or {}
        if e["kind"] == "followup_opened":
            c = FollowUpCase.model_validate({**d, "overdue": False, "history": []})
            cases[c.id] = c
        elif e["kind"].startswith("followup_") and d.get("case_id") in cases:
            try:
                cases[d["case_id"]] = step(cases[d["case_id"]], e["kind"][9:], d.get("at", ""), d.get("by", ""),
                                           d.get("assignee"), d.get("note", ""))
            except (StepRefused, KeyError):
                continue
    return {k: c.model_copy(update={"overdue": overdue(c, today)}) for k, c in cases.items()}


def closed_loop(cases: list[FollowUpCase], today: str) -> dict:
    """hall-report's figures of the cases opened in a range."""
    closed = [c for c in cases if c.state == "closed"]
    on_time = [c for c in closed if (c.closed_at or "")[:10] <= c.due]
    late_open = [c for c in cases if c.state != "closed" and overdue(c, today)]
    return {"opened": len(cases), "closed": len(closed), "closed_on_time": len(on_time),
            "open": len(cases) - len(closed), "overdue_open": len(late_open),
            "closed_loop_rate": round(len(closed) / len(cases), 4) if cases else None,
            "on_time_rate": round(len(on_time) / len(cases), 4) if cases else None}
