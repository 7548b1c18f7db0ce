"""What a supervisor desk follows on the hall floor, without Qt: the alerts (retained
`state/alerts`), the follow-up cases of bad ratings (`state/cases`) and today's figures
(`state/stats`, so the desk needs no database for them), and what it does about them:
acknowledge an alert, move a case on. The requests block until the controller answers: the
view calls them off its UI thread."""
from __future__ import annotations

import logging
import threading
import uuid
from typing import Callable

from hall_apps.errors import HallAppError
from hall_apps.words import refusal
from hall_protocol import contract
from hall_protocol.alerts import Alert, AlertBoard
from hall_protocol.followup import CaseBoard, FollowUpCase
from hall_protocol.mqtt import Endpoint, MqttError
from hall_protocol.stats import HallStats

log = logging.getLogger(__name__)
CASE_STATES = {"open": ("待指派", "open"), "assigned": ("已指派", "assigned"), "contacted": ("已回访", "contacted"),
               "rectified": ("已整改", "rectified"), "closed": ("已办结", "closed")}
NEXT_STEP = {"open": "assign", "assigned": "contact", "contacted": "rectify", "rectified": "close"}
STEP_WORDS = {"assign": ("指派", "Assign"), "contact": ("已回访", "Contacted"), "rectify": ("已整改", "Rectified"),
              "close": ("办结", "Close")}


class DeskRefused(HallAppError):
    """The controller refused the desk's request, or did not answer (text in the clerk's words)."""


class FloorModel:
    def __init__(self, hall: str, staff_id: str = "") -> None:
        self.hall, self.staff_id = hall, staff_id  # the supervisor on duty (their staff number)
        self.alerts: AlertBoard | None = None
        self.cases: CaseBoard | None = None
        self.stats: HallStats | None = None
        self.error: str | None = None
        self.listeners: list[Callable[[], None]] = []
        self._endpoint: Endpoint | None = None
        self._lock = threading.Lock()

    def attach(self, endpoint: Endpoint) -> None:
        self._endpoint = endpoint
        endpoint.subscribe(contract.ALERTS.format(hall=self.hall), self.on_alerts)
        endpoint.subscribe(contract.CASES.format(hall=self.hall), self.on_cases)
        endpoint.subscribe(contract.STATS.format(hall=self.hall), self.on_stats)

    def _take(self, msg, model, attr: str) -> None:
        value = contract.read(msg, model) if msg.payload else None
        if value is None:
            return
        with self._lock:
            old = getattr(self, attr)
            if old is not None and not value.is_newer_than(old):
                return
            setattr(self, attr, value)
        self._notify()

    def on_alerts(self, msg) -> None:
        self._take(msg, AlertBoard, "alerts")

    def on_cases(self, msg) -> None:
        value = contract.read(msg, CaseBoard) if msg.payload else None
        if value is not None and (self.cases is None or value.seq > self.cases.seq):
            self.cases = value
            self._notify()

    def on_stats(self, msg) -> None:
        self._take(msg, HallStats, "stats")

    # -- what the desk shows ------------------------------------------------------------------
    def open_alerts(self) -> list[Alert]:
        return [a for a in (self.alerts.alerts if self.alerts else []) if a.state == "open"]

    def shown_alerts(self) -> list[Alert]:
        return list(self.alerts.alerts) if self.alerts else []

    def shown_cases(self) -> list[FollowUpCase]:
        return list(self.cases.cases) if self.cases else []

    def today_line(self) -> tuple[str, bool]:
        """One line of today's figures (from the retained statistics); True = nothing over target."""
        s = self.stats
        if s is None:
            return "今日统计：等待数据 Today: waiting for the figures", True
        issued = sum(x.issued for x in s.services)
        waiting = sum(x.waiting for x in s.services)
        served = sum(x.served for x in s.services)
        over = [x for x in s.services if x.longest_wait_min is not None and x.longest_wait_min > x.target_min]
        rate = f"{100 * s.ratings.rate:.0f}%" if s.ratings.rate is not None else "—"
        text = (f"今日 取号 {issued}　等候 {waiting}　办结 {served}　满意率 {rate}（{s.ratings.count} 条评价）"
                f"　Today: issued {issued}, waiting {waiting}, served {served}, satisfied {rate}")
        if over:
            text += "\n超时 Over target: " + "　".join(f"{x.code} {x.name} {x.longest_wait_min:.0f}/{x.target_min:.0f} 分钟"
                                                     for x in over)
        return text, not over

    # -- what the desk does ---------------------------------------------------------------------
    def _ask(self, topic, body: dict, timeout: float = 15.0) -> dict:
        if self._endpoint is None:
            raise DeskRefused("not connected")
        try:
            answer = self._endpoint.request(topic.format(hall=self.hall, client=self._endpoint.client_id),
                                            {"request_id": uuid.uuid4().hex, **body}, timeout=timeout)
        except MqttError as err:
            raise DeskRefused(f"叫号服务器没有应答 The controller did not answer ({err})") from err
        if answer.get("status") != "ok":
            raise DeskRefused(refusal(answer.get("code"), answer.get("error") or ""), answer.get("code"))
        return answer["data"]

    def acknowledge(self, alert_id: str) -> bool:
        return self._do(lambda: self._ask(contract.ALERT_ACK, {"alert_id": alert_id,
                                                               **({"by": self.staff_id} if self.staff_id else {})}))

    def move(self, case_id: str, step: str, note: str = "", assignee: str | None = None) -> bool:
        body = {"case_id": case_id, "step": step, "by": self.staff_id or "0000", "note": note}
        if assignee:
            body["assignee"] = assignee
        return self._do(lambda: self._ask(contract.CASE_REQUEST, body))

    def _do(self, fn) -> bool:
        try:
            fn()
        except DeskRefused as err:
            self.error = str(err)
            self._notify()
            return False
        self.error = None
        self._notify()
        return True

    def _notify(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except RuntimeError:
                self.listeners.remove(listener)
