"""The hall's alert board as the data screen shows it.

The controller raises the supervisor's alerts (hall_protocol/alerts.py) and keeps them retained
on `hall/<hall>/state/alerts`, which role web may read. An unreadable board is logged and
ignored (the screen keeps the last one); the screen lists the open ones, most severe first.
"""
from __future__ import annotations

import logging

from pydantic import ValidationError

from hall_protocol import contract
from hall_protocol.alerts import AlertBoard

log = logging.getLogger(__name__)
TOPIC = contract.ALERTS.pattern.replace("{root}", contract.ROOT)
SEVERITY = {"critical": 0, "warning": 1, "info": 2}


def read_board(payload: bytes) -> AlertBoard | None:
    """The board, or None (logged) when the payload is not one."""
    try:
        return AlertBoard.model_validate_json(payload)
    except ValidationError as err:
        log.warning("ignored an unreadable alert board: %s", contract.describe(err, limit=3))
        return None


def shown(board: AlertBoard | None, limit: int = 6) -> list[dict]:
    """What the screen lists: open alerts, most severe first."""
    if board is None:
        return []
    alerts = [a for a in board.alerts if a.state == "open"]
    alerts.sort(key=lambda a: (SEVERITY.get(a.severity, 3), not a.active))
    return [{"id": a.id, "kind": a.kind, "severity": a.severity, "active": a.active, "title_zh": a.title_zh,
             "title_en": a.title_en, "suggestion_zh": a.suggestion_zh, "suggestion_en": a.suggestion_en}
            for a in alerts[:limit]]
