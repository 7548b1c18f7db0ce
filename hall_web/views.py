"""What the hall page, the city page and the data screens show, made from a hall's retained
state (statistics first; the board when no statistics came yet). Counts and minutes only:
nothing here names a citizen."""
from __future__ import annotations

from config.schema import WebConfig
from hall_web import alerts
from hall_web.link import HallState

LEVELS = {"centre": ("中心", "Centre"), "town": ("乡镇", "Town"), "village": ("村居", "Village")}
DEVICE_ORDER = ["online", "busy", "user_error", "offline", "no_device", "power_off", "hardware_error"]


def hall_view(s: HallState, hall: str) -> dict:
    """A hall's services with waiting count, estimate and what the phone may take."""
    board, stats, progress = s.board, s.stats, s.progress
    left = progress.remote_left if progress else {}
    services = []
    if stats is not None:
        for sv in stats.services:
            services.append({"code": sv.code, "name": sv.name, "name_en": sv.name_en, "waiting": sv.waiting,
                             "estimate_min": sv.estimate_min, "open": sv.open, "target_min": sv.target_min,
                             "remote_left": left.get(sv.code)})
    elif board is not None:
        for code, name in board.services.items():
            services.append({"code": code, "name": name, "name_en": "", "waiting": board.waiting.get(code, 0),
                             "estimate_min": None, "open": True, "target_min": None, "remote_left": left.get(code)})
    name = stats.hall_name if stats else (board.hall_name if board else hall)
    return {"id": hall, "name": name, "name_en": stats.hall_name_en if stats else "", "services": services,
            "known": board is not None or stats is not None, "remote": bool(left),
            "check_in_required": bool(progress and progress.check_in_required),
            "at": (stats.at if stats else board.updated_at if board else None)}


def city_rows(config: WebConfig, states: dict[str, HallState]) -> list[dict]:
    """Every hall of the city page, in the file's order, with its waiting total and estimates."""
    rows = []
    for h in config.halls:
        v = hall_view(states[h.id], h.id)
        estimates = [sv["estimate_min"] for sv in v["services"] if sv["estimate_min"] is not None and sv["open"]]
        stats = states[h.id].stats
        totals = {k: sum(getattr(sv, k) for sv in stats.services) if stats else None
                  for k in ("issued", "served", "remote")}
        rows.append({**v, **totals, "level": h.level, "level_name": LEVELS[h.level], "parent": h.parent,
                     "waiting": sum(sv["waiting"] for sv in v["services"]),
                     "shortest_min": min(estimates) if estimates else None})
    return rows


def screen_data(s: HallState, hall: str) -> dict:
    """The data screen's figures of one hall (数据展示屏)."""
    v = hall_view(s, hall)
    stats, board = s.stats, s.board
    out = {"city": False, "hall": hall, "name": v["name"], "name_en": v["name_en"], "at": v["at"],
           "known": v["known"], "services": [], "windows": [], "issued_by_hour": [0] * 24, "ratings": None,
           "totals": {}, "recent": [], "devices": [], "alerts": alerts.shown(s.alerts)}
    if stats is not None:
        out["services"] = [sv.model_dump() for sv in stats.services]
        out["windows"] = [w.model_dump() for w in stats.windows]
        out["issued_by_hour"] = list(stats.issued_by_hour)
        out["ratings"] = stats.ratings.model_dump()
        out["totals"] = {k: sum(getattr(sv, k) for sv in stats.services)
                         for k in ("issued", "served", "waiting", "remote", "appointments", "no_shows")}
        out["day"] = stats.day
    elif board is not None:
        out["windows"] = [{"window": w.window, "name": "", "state": w.state, "ticket": w.ticket, "served": None}
                          for w in board.windows]
        out["services"] = [{"code": c, "name": n, "waiting": board.waiting.get(c, 0)} for c, n in board.services.items()]
        out["totals"] = {"waiting": sum(board.waiting.values())}
        out["day"] = board.day
    if board is not None:
        out["recent"] = [{"ticket": c.ticket, "window": c.window, "at": c.at} for c in board.recent[:8]]
    for d in sorted(s.devices.values(), key=lambda d: d.device):
        worst = max((p.state for p in d.parts), key=DEVICE_ORDER.index, default="online")
        action = "technician" if any(p.action == "technician" for p in d.parts) else (
            "staff" if any(p.action == "staff" for p in d.parts) else "none")
        out["devices"].append({"device": d.device, "role": d.role, "state": worst, "action": action,
                               "details": sorted({x for p in d.parts for x in p.details})[:4]})
    return out
