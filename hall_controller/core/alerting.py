"""What the supervisor is warned of, read from a hall's memory (pure; hall_controller/features/alerts.py
keeps the alerts and publishes them). Each condition has a stable id, so an alert is raised once
per episode; its value is in whole minutes, so a growing wait does not republish every second."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from hall_controller.core.queue import HallQueue, Ticket
from hall_protocol.alerts import Alert
from hall_protocol.words import PAGES, PROBLEMS, word
from privacy import mask_text


@dataclass(frozen=True)
class Condition:
    id: str
    kind: str
    severity: str
    title_zh: str
    title_en: str
    suggestion_zh: str = ""
    suggestion_en: str = ""
    detail_zh: str = ""
    detail_en: str = ""
    service: str | None = None
    window: int | None = None
    device: str | None = None
    ticket: str | None = None
    value: float | None = None
    threshold: float | None = None
    emergency_window: int | None = None

    def alert(self, raised_at: str, old: Alert | None = None) -> Alert:
        fields = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return Alert(**fields, state=old.state if old else "open", active=True, raised_at=raised_at,
                     updated_at=raised_at, acknowledged_at=old.acknowledged_at if old else None,
                     acknowledged_by=old.acknowledged_by if old else None)

    def differs(self, a: Alert) -> bool:
        return (not a.active or a.value != self.value or a.severity != self.severity
                or a.emergency_window != self.emergency_window or a.title_zh != self.title_zh)

    def with_emergency(self, window: int) -> "Condition":
        return replace(self, emergency_window=window,
                       suggestion_zh=f"已自动开启 {window} 号应急窗口，请安排人员到岗",
                       suggestion_en=f"Emergency window {window} was opened: send a clerk there")

    @staticmethod
    def config_rejected(controller: str, source: str, problems: str) -> "Condition":
        """The hall file read again is not valid: the controller keeps what it runs. `problems`:
        config/load.py's lines (each names the file and the key)."""
        name = source.rsplit("/", 1)[-1]
        lines = problems.strip().splitlines() or [source]
        found = re.search(r"key '([^']+)'", lines[0])
        where = f" ({found.group(1)})" if found else ""
        detail = mask_text(lines[0]) + (f" (and {len(lines) - 1} more)" if len(lines) > 1 else "")
        return Condition(
            id=f"config:{controller}", kind="config_rejected", severity="warning",
            title_zh=f"配置文件未重新加载：{name}{where}"[:80], title_en=f"Hall file not reloaded: {name}{where}"[:120],
            detail_zh=("配置有误，仍按原配置运行。" + detail)[:200],
            detail_en=("The controller keeps running its previous configuration. " + detail)[:300],
            suggestion_zh="请修正配置文件后重新加载", suggestion_en="Fix the file, then reload again "
            "(systemctl reload hall-controller)", device=controller)

    @staticmethod
    def bad_rating(q: HallQueue, t: Ticket, score: int, reasons: list[str]) -> "Condition":
        return Condition._rating(t.day, t.number, t.service, t.window, t.clerk, score, reasons,
                                 q.hall.alerts.bad_rating_max)

    @staticmethod
    def from_case(case, threshold: int) -> "Condition":
        return Condition._rating(case.day, case.ticket, case.service, case.window, case.clerk, case.score,
                                 case.reasons, threshold)

    @staticmethod
    def _rating(day: str, ticket: str, service: str, window: int | None, clerk: str | None, score: int,
                reasons: list[str], threshold: int) -> "Condition":
        where_zh = f"{window} 号窗口" + (f" 工号 {clerk}" if clerk else "")
        where_en = f"window {window}" + (f", staff {clerk}" if clerk else "")
        return Condition(
            id=f"rating:{day}:{ticket}", kind="bad_rating", severity="critical" if score == 1 else "warning",
            title_zh=f"差评：{ticket} {score} 星（{where_zh}）", title_en=f"Bad rating: {ticket} {score}/5 ({where_en})",
            detail_zh="原因：" + ("、".join(reasons) if reasons else "未填写"),
            detail_en="reasons: " + (", ".join(reasons) if reasons else "none given"),
            suggestion_zh="已生成回访整改工单，请指派人员回访", suggestion_en="A follow-up case was opened: assign it",
            service=service, window=window, ticket=ticket, value=float(score), threshold=float(threshold))


def conditions(q: HallQueue, *, devices: list = (), helps: list = (), cases: list = ()) -> list[Condition]:
    """Every condition the hall's thresholds flag now (under the hall's lock for its memory)."""
    cfg, out = q.hall.alerts, []
    with q.journal.lock:
        now = q.now()
        oldest: dict[str, float] = {}
        for (service, _, _), line in q.lines.items():
            if line:
                oldest[service] = min(oldest.get(service, now), line[0].queued_at)
        current = {w.number: q.current(w.number) for w in q.hall.windows}
    if cfg.wait_over_target:
        for svc in q.hall.services:
            if svc.code not in oldest:
                continue
            waited = int((now - oldest[svc.code]) // 60)
            if waited > svc.wait_target_min:
                out.append(Condition(
                    id=f"wait:{svc.code}", kind="wait_over_target",
                    severity="critical" if waited > 2 * svc.wait_target_min else "warning",
                    title_zh=f"{svc.name} 最长等候 {waited} 分钟（目标 {svc.wait_target_min:g} 分钟）",
                    title_en=f"{svc.name_en}: longest wait {waited} min (target {svc.wait_target_min:g})",
                    suggestion_zh="建议增开窗口或调配人员", suggestion_en="Open another window or move staff",
                    service=svc.code, value=float(waited), threshold=svc.wait_target_min))
    for n, t in current.items():
        if t is None:
            continue
        if t.state == "called" and t.called_at is not None and (now - t.called_at) / 60 > cfg.calling_max_min:
            m = int((now - t.called_at) // 60)
            out.append(Condition(
                id=f"calling:{n}", kind="window_calling_long", severity="warning",
                title_zh=f"{n} 号窗口 呼叫 {t.number} 已 {m} 分钟未开始办理",
                title_en=f"Window {n} has been calling {t.number} for {m} min",
                suggestion_zh="请确认市民是否到场，或标记未到", suggestion_en="Check whether the citizen came, or mark a no-show",
                window=n, ticket=t.number, value=float(m), threshold=cfg.calling_max_min))
        began = t.started_at or t.called_at
        if t.state == "serving" and began is not None and (now - began) / 60 > cfg.serving_max_min:
            m = int((now - began) // 60)
            out.append(Condition(
                id=f"serving:{n}", kind="window_calling_long", severity="info",
                title_zh=f"{n} 号窗口 办理 {t.number} 已 {m} 分钟", title_en=f"Window {n} has served {t.number} for {m} min",
                suggestion_zh="请了解是否需要协助", suggestion_en="Ask whether the clerk needs help",
                window=n, ticket=t.number, value=float(m), threshold=cfg.serving_max_min))
    if cfg.device_faults:
        for device, part in devices:
            if part is None or (part.action == "none" and part.state in ("online", "busy")):
                continue
            what = ",".join(part.details) or part.state
            tech = part.action == "technician"
            out.append(Condition(
                id=f"device:{device}:{part.part}", kind="device_fault", severity="critical" if tech else "warning",
                title_zh=f"设备 {device} {part.part} 故障：{what}", title_en=f"Device {device}: {part.part} {what}",
                suggestion_zh="需要技术人员上门" if tech else "工作人员可处理（如加纸）",
                suggestion_en="A technician must come" if tech else "Staff can fix it (e.g. load paper)",
                device=device))
    if cfg.help_calls:
        for call in helps:
            if call.state != "open":
                continue
            problem = PROBLEMS.get(call.problem) if call.problem in PROBLEMS or call.problem is None else None
            out.append(Condition(
                id=f"help:{call.id}", kind="help_request", severity="warning",
                title_zh=f"{call.kiosk} 求助：{word(PAGES, call.page)} · "
                         f"{problem[0] if problem else call.problem}" + ("（长者）" if call.elderly else ""),
                title_en=f"{call.kiosk} asks for help: {word(PAGES, call.page, 'en')} · "
                         f"{problem[1] if problem else call.problem}" + (" (elderly)" if call.elderly else ""),
                suggestion_zh="请工作人员前往", suggestion_en="Send a member of staff", device=call.kiosk))
    for case in cases:
        if case.state == "open":  # a bad rating nobody has taken up yet (also after a restart)
            out.append(Condition.from_case(case, cfg.bad_rating_max))
        if case.overdue and case.state != "closed":
            out.append(Condition(
                id=f"followup:{case.id}", kind="followup_overdue", severity="warning",
                title_zh=f"回访工单 {case.id} 已超期（应于 {case.due} 前办结）",
                title_en=f"Follow-up case {case.id} is overdue (due {case.due})",
                suggestion_zh="请尽快回访整改", suggestion_en="Contact the citizen and close it",
                window=case.window, ticket=case.ticket))
    return out
