"""How a calling screen lays out its windows, from 1 to 64 of them, on 1920x1080 (pure, no Qt).

Every text the hall reads from afar (window labels, ticket numbers, the newest call, waiting
counts, missed tickets, the notice) is at least 56 px; English lines under Chinese ones at
least 40 px. Few windows get large cards (window, ticket, service) and a column of recent
calls; more windows get one-line cards ("12 | A012"), the grid taking the room of the recent
calls (each card shows its window's current ticket, so nothing is lost). Halls with more
windows than one screen holds show an area or floor per screen (`--zone`, `--windows`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

MIN_PX = 56        # anything read from ten metres
MIN_EN_PX = 40     # an English line under a Chinese one
MAX_WINDOWS = 64   # on one 1920x1080 screen; more: one screen per area (--zone / --windows)


@dataclass(frozen=True)
class Layout:
    cols: int
    rows: int
    card: str            # "large": window / ticket / service; "line": "12 | A012" on one line
    ticket_px: int
    hero_px: int         # the newest call, Chinese
    hero_en_px: int
    hero_inline: bool    # the English call beside the Chinese one (saves a line)
    recent: int          # rows of the column of recent calls beside the cards (0: none)
    label_px: int = MIN_PX
    service_px: int = MIN_PX


def layout_for(n: int) -> Layout:
    """The layout of a main screen showing `n` windows."""
    n = max(1, n)
    if n <= 4:
        return Layout(n, 1, "large", 130, 140, 56, False, 3)
    if n <= 8:
        return Layout(4, 2, "large", 100, 120, 56, False, 3)
    if n <= 16:
        return Layout(4, math.ceil(n / 4), "line", 80, 120, 56, False, 4)
    if n <= 24:
        return Layout(6, math.ceil(n / 6), "line", 64, 96, 48, False, 0)
    if n <= 40:
        return Layout(8, math.ceil(n / 8), "line", 60, 90, 48, True, 0)
    return Layout(8, math.ceil(min(n, MAX_WINDOWS) / 8), "line", MIN_PX, 72, 44, True, 0)


def parse_windows(text: str) -> list[int]:
    """"1-8,12" -> [1, ..., 8, 12]; ValueError naming the part that is wrong."""
    out: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi or lo)
        except ValueError as err:
            raise ValueError(f"--windows: {part!r} is not a window number or a range like 1-8") from err
        if a < 1 or b < a or b - a > 999:
            raise ValueError(f"--windows: {part!r} is not a range of window numbers")
        out += [w for w in range(a, b + 1) if w not in out]
    if not out:
        raise ValueError("--windows: no window given")
    return out
