"""Statistics for supervisor desks over MQTT: `hall/<hall>/request/report/<desk>` ->
ReportAnswer (hall_protocol/reporting.py), computed from the event log on a worker thread of
its own, so that a long range never holds the MQTT thread (hence never a call)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hall_controller.core.report_table import load_facts, tabulate
from hall_controller.errors import Forbidden
from hall_controller.hall import Context, Feature
from hall_protocol import contract
from hall_protocol.reporting import ReportAnswer, ReportRequest
from hall_protocol.router import Request


class Reports(Feature):

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="reports")
        self.ctx.router.add(contract.REPORT_REQUEST, self.handle, kind="report", halls=self.ctx.halls,
                            authorize=self.authorize, executor=lambda: self._pool)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def authorize(self, req: Request) -> None:
        hall = self.ctx.queues[req.hall].hall
        if not any(d.id == req.client and d.role == "supervisor" for d in hall.devices):
            raise Forbidden(f"{req.client} is not a supervisor desk of hall {req.hall}")

    def handle(self, req: Request) -> ReportAnswer:
        r: ReportRequest = req.payload
        hall = self.ctx.queues[req.hall].hall
        day_to = r.last_day
        facts = load_facts(self.ctx.engine, hall.id, r.day_from, day_to, [hall.id], hall.timezone,
                           hall.day_starts_at)
        names = {s.code: s.name for s in hall.services}
        return ReportAnswer(tables=[tabulate(facts, by, hall.timezone, r.day_from, day_to, names) for by in r.by])
