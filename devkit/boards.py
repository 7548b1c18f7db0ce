"""Synthetic boards of halls with any number of windows (no person's data: tickets and services)."""
from __future__ import annotations

from hall_protocol.contract import Board, CallInfo, WindowState

SERVICES = {"A": ("综合受理", "General Services"), "B": ("社保医保", "Social & Medical Insurance"),
            "C": ("不动产", "Real Estate"), "D": ("企业开办", "Business Registration")}


def board(n: int, seq: int = 5, *, changed: int | None = None, wide: bool = True) -> Board:
    """`n` windows, most calling a ticket, some paused (午休) or closed; `changed`: that window
    calls another ticket (the next board of a hall); `wide`: tickets with the widest letters."""
    windows, current = [], []
    for w in range(1, n + 1):
        code = ("W" if wide and w % 5 == 0 else "ABCD"[w % 4])
        if w % 7 == 3:
            windows.append(WindowState(window=w, state="paused", reason="午休"))
        elif w % 11 == 5:
            windows.append(WindowState(window=w, state="closed"))
        else:
            t = f"{code}{(500 if w == changed else 100) + w:03d}"
            windows.append(WindowState(window=w, state="calling", ticket=t))
            current.append(CallInfo(window=w, ticket=t, service=code, service_name=SERVICES.get(code, ("综合窗口",))[0],
                                    at="2026-11-23T10:00:00+08:00"))
    services = {**SERVICES, "W": ("综合窗口", "Comprehensive Window")} if wide else SERVICES
    recent = sorted(current, key=lambda c: c.window == changed, reverse=True)[:8]
    return Board(hall="demo-hall", hall_name="示范区政务服务中心", day="2026-11-23", seq=seq,
                 updated_at="2026-11-23T10:05:00+08:00", windows=windows, current=current, recent=recent,
                 waiting={c: 3 * i + 2 + (1 if changed else 0) for i, c in enumerate(services)},
                 services={c: v[0] for c, v in services.items()}, services_en={c: v[1] for c, v in services.items()},
                 notice="请保管好您的号票，过号请到服务台。24小时自助服务区位于一楼北侧。",
                 missed=["A003", "B017", "C021", "A044", "W055", "D068"])
