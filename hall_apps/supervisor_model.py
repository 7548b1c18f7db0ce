"""What the supervisor view shows, without Qt: the report tables of a day range (asked of the
controller over MQTT: `hall/<hall>/request/report/<desk>`, so the desk needs no database) and
the live hall (the retained board and every device's retained presence, from MQTT as a
read-only `supervisor` device). Qt only renders this (hall_apps/supervisor.py)."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from pydantic import ValidationError

from config.schema import HallConfig
from drivers.core.clock import Clock
from hall_apps.errors import HallAppError
from hall_protocol import contract
from hall_protocol.contract import Board, DeviceHealth, Health, Presence, RobotBoard
from hall_protocol.days import service_day
from hall_protocol.health import Visit, needs_visit, worst_part
from hall_protocol.mqtt import Endpoint, MqttError, Tls
from hall_protocol.presence import PresenceAnnouncer, uptime_s
from hall_protocol.reporting import ReportAnswer, ReportRequest, ReportTable, csv_text

log = logging.getLogger(__name__)

TABS = ("service", "window", "clerk", "hour")
WINDOW_STATES = {"idle": "空闲 Idle", "calling": "呼叫中 Calling", "serving": "办理中 Serving",
                 "paused": "暂停 Paused", "closed": "关闭 Closed"}
ROBOT_STATES = {"idle": "空闲", "busy": "执行任务", "charging": "充电中", "error": "故障", "offline": "离线",
                "unknown": "未知"}
# Health.backend in words (Chinese, English); not_configured has a line of its own.
PLATFORM_STATES = {"ok": ("正常", "ok"), "delayed": ("上报延迟", "delayed"), "unavailable": ("不可达", "unreachable")}


@dataclass
class DeviceRow:
    id: str
    role: str
    state: str  # online, offline, unknown (never seen)
    heard: str | None  # when the last presence message arrived
    fault: str = ""  # its worst part and what is wrong, e.g. "printer paper_out"; "" when every part is fine
    action: str = "none"  # what that part needs: none, staff, technician
    version: str = ""  # the suite's version it runs (from its presence)
    uptime_s: float | None = None  # since its process started, while online


def uptime_text(seconds: float | None) -> str:
    """"3 d 4 h", "2 h 05 min", "7 min"; "" when unknown."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def supervisor_endpoint(cid: str, hall: str, host: str, port: int, password: str | None,
                        tls: Tls | None = None) -> Endpoint:
    """The desk's MQTT identity: its own retained presence with a last will, like every device."""
    presence = PresenceAnnouncer(cid, "supervisor", [hall])
    ep = Endpoint(cid, host, port, username=cid, password=password, will=presence.will(), tls=tls)
    presence.attach(ep)
    return ep


class ReportRefused(HallAppError):
    """The controller could not make the report (bad range, database down) or did not answer."""


Reports = Callable[[str, str], dict[str, ReportTable]]


class ReportClient:
    """Asks the controller for the tables of a day range, one per tab of the view."""

    def __init__(self, endpoint: Endpoint, hall: str, *, timeout: float = 20.0) -> None:
        self.endpoint, self.hall, self.timeout = endpoint, hall, timeout
        self.topic = contract.REPORT_REQUEST.format(hall=hall, client=endpoint.client_id)

    def __call__(self, day_from: str, day_to: str) -> dict[str, ReportTable]:
        try:
            payload = ReportRequest(day_from=day_from, day_to=day_to, by=list(TABS)).model_dump(exclude_none=True)
        except ValidationError as err:
            raise ReportRefused(contract.describe(err), "bad_request") from err
        try:
            answer = self.endpoint.request(self.topic, payload, timeout=self.timeout)
        except MqttError as err:
            raise ReportRefused(f"叫号服务器没有应答 The controller did not answer ({err})") from err
        if answer.get("status") != "ok":
            raise ReportRefused(answer.get("error") or "refused", answer.get("code"))
        try:
            tables = ReportAnswer.model_validate(answer["data"]).tables
        except (ValidationError, KeyError, TypeError) as err:
            raise ReportRefused("the controller's report is unreadable", "bad_answer") from err
        return {t.by: t for t in tables}


class SupervisorModel:
    def __init__(self, hall: HallConfig, reports: Reports | None, clock: Clock,
                 controller_id: str = "hall-controller") -> None:
        """`reports(day_from, day_to)`: the tables of a range (a ReportClient on the desk's
        endpoint); None for a model that only follows the live hall."""
        self.hall, self.reports, self.clock, self.controller_id = hall, reports, clock, controller_id
        self.tables: dict[str, ReportTable] = {}
        self.error: str | None = None
        self.board: Board | None = None
        self.health: Health | None = None  # the controller's link to the platform, with its outbox
        self.presence: dict[str, Presence] = {}
        self.robots: RobotBoard | None = None  # the guide robot as the controller sees it
        self.seen_at: dict[str, str] = {}  # when the supervisor last heard a presence (hh:mm:ss)
        self.device_health: dict[str, DeviceHealth] = {}  # every device's parts, across the halls it may read
        self.broker_up = False
        self.listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    # -- statistics ----------------------------------------------------------------------
    def today(self) -> str:
        return service_day(self.clock.now(), self.hall.timezone, self.hall.day_starts_at)

    def refresh(self, day_from: str | None = None, day_to: str | None = None) -> None:
        """Ask for every table of the range (default: today); a failure becomes `error` and the
        last good tables stay. Blocks until the controller answers: call it off the UI thread."""
        if self.reports is None:
            return
        day_from = day_from or self.today()
        day_to = day_to or day_from
        try:
            tables = self.reports(day_from, day_to)
        except ReportRefused as err:
            self.error = str(err)
            log.warning("report failed: %s", err)
        else:
            self.error = None
            self.tables = tables
        self._notify()

    def csv(self, by: str) -> str:
        return csv_text(self.tables[by])

    def chart(self, by: str, column: str, scale: float = 1.0) -> list[tuple[str, float]]:
        """(label, value) bars of one column of a table; None counts as 0."""
        table = self.tables.get(by)
        if table is None:
            return []
        return [(r.label, (r.values[column] or 0) / scale) for r in table.rows]

    # -- live hall -----------------------------------------------------------------------
    def attach(self, endpoint: Endpoint) -> None:
        endpoint.subscribe(contract.BOARD.format(hall=self.hall.id), self.on_board)
        endpoint.subscribe(contract.PRESENCE.format(client="+"), self.on_presence)
        endpoint.subscribe(contract.HEALTH.format(hall=self.hall.id), self.on_health)
        endpoint.subscribe(contract.DEVICE_HEALTH.format(hall="+", client="+"), self.on_device_health)
        endpoint.subscribe(contract.ROBOT_BOARD.format(hall=self.hall.id), self.on_robots)
        previous = endpoint.on_connection_change

        def changed(up: bool) -> None:
            if previous:
                previous(up)
            self.broker_up = up
            self._notify()
        endpoint.on_connection_change = changed

    _read = staticmethod(contract.read)

    def on_board(self, msg) -> None:
        board = self._read(msg, Board)
        if board is None:
            return
        with self._lock:
            if not board.is_newer_than(self.board):
                return
            self.board = board
        self._notify()

    def _keep(self, msg, model, attr: str) -> None:
        """A retained state message (health, robot board): keep the newest readable one."""
        value = self._read(msg, model)
        if value is not None:
            setattr(self, attr, value)
            self._notify()

    def on_health(self, msg) -> None:
        self._keep(msg, Health, "health")

    def on_robots(self, msg) -> None:
        self._keep(msg, RobotBoard, "robots")

    def robot_line(self) -> tuple[str, bool]:
        """One line per guide robot: state, battery, the last task; ("", True) without a robot."""
        if self.hall.robot is None:
            return "", True
        if self.robots is None or not self.robots.robots:
            return "导引机器人：未知 Guide robot: unknown", False
        lines, fine = [], True
        for r in self.robots.robots:
            battery = f"，电量 {r.battery:.0f}%" if r.battery is not None else ""
            task = f"，任务 {r.task.progress}" + (f"（{r.task.reason}）" if r.task.reason else "") if r.task else ""
            lines.append(f"导引机器人 {r.id}：{ROBOT_STATES.get(r.state, r.state)}{battery}{task}  Guide robot {r.state}")
            fine = fine and r.online and r.state != "error" and not (r.task and r.task.progress == "failed")
        return "\n".join(lines), fine

    def platform(self) -> tuple[str, bool]:
        """One line on the link to the government platform and what waits for it; True = fine."""
        h = self.health
        if h is None:
            return "政务平台：未知 Platform: unknown", False
        if h.backend == "not_configured":
            return "政务平台：未配置（离线大厅） Platform: none configured", True
        box = h.outbox
        waiting = f"待上报 {box.count} 条" + (f"，最早 {box.oldest_age_s / 60:.0f} 分钟前" if box.count else "")
        dead = f"，失败 {box.dead} 条" if box.dead else ""
        state, state_en = PLATFORM_STATES.get(h.backend, PLATFORM_STATES["unavailable"])
        english = f"Platform {state_en}, backlog {box.count}"
        fine = h.backend == "ok" and not box.dead and box.oldest_age_s < 600
        return f"政务平台：{state}，{waiting}{dead}  {english}", fine

    def on_presence(self, msg) -> None:
        client = msg.topic.split("/", 1)[1]
        presence = None  # an empty payload: the retained presence was cleared
        if msg.payload and (presence := self._read(msg, Presence)) is None:
            return
        with self._lock:
            if presence is None:
                self.presence.pop(client, None)  # retained presence cleared
            else:
                self.presence[client] = presence
                self.seen_at[client] = self.clock.now().strftime("%H:%M:%S")
        self._notify()

    def on_device_health(self, msg) -> None:
        health = self._read(msg, DeviceHealth) if msg.payload else None  # empty: a broker check
        if health is None:
            return
        with self._lock:
            self.device_health[health.device] = health
        self._notify()

    def needs_visit(self) -> list[Visit]:
        """Parts that need a technician, across every hall whose device health reaches us."""
        with self._lock:
            return needs_visit(dict(self.device_health))

    def _fault(self, cid: str) -> tuple[str, str]:
        health = self.device_health.get(cid)
        worst = worst_part(health) if health else None
        if worst is None or (worst.action == "none" and worst.state in ("online", "busy")):
            return "", "none"
        return f"{worst.part} {','.join(worst.details) or worst.state}", worst.action

    def devices(self) -> list[DeviceRow]:
        """The controller, every configured device and any other device seen, in that order."""
        with self._lock:
            seen, at = dict(self.presence), dict(self.seen_at)
        rows = []
        expected = [(self.controller_id, "controller")] + [(d.id, d.role) for d in self.hall.devices]
        now = self.clock.now()

        def extra(p: Presence | None) -> tuple[str, float | None]:
            return (p.version, uptime_s(p, now)) if p else ("", None)

        for cid, role in expected:
            p = seen.pop(cid, None)
            rows.append(DeviceRow(cid, role, p.state if p else "unknown", at.get(cid), *self._fault(cid), *extra(p)))
        for cid, p in sorted(seen.items()):
            if not p.halls or self.hall.id in p.halls:
                rows.append(DeviceRow(cid, p.role or "?", p.state, at.get(cid), *self._fault(cid), *extra(p)))
        return rows

    def windows(self) -> list[tuple[str, str, str, str]]:
        """(window, state, ticket, since hh:mm) from the board."""
        b = self.board
        if b is None:
            return []
        return [(f"{w.window} 号", WINDOW_STATES.get(w.state, w.state) + (f"（{w.reason}）" if w.reason else ""),
                 w.ticket or "—", (w.since or "")[11:16]) for w in b.windows]

    def waiting(self) -> list[tuple[str, int]]:
        b = self.board
        return [] if b is None else [(f"{c} {b.services.get(c, '')}", n) for c, n in b.waiting.items()]

    @property
    def controller_up(self) -> bool:
        p = self.presence.get(self.controller_id)
        return self.broker_up and p is not None and p.state == "online"

    def _notify(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except RuntimeError:  # the widget behind it is gone
                self.listeners.remove(listener)
