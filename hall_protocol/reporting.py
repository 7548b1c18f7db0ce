"""Reports of a hall as they travel over MQTT, and how a person reads them.

The controller computes a report from its event log (hall_controller/core/report.py) and
answers `hall/<hall>/request/report/<client>` with a `ReportAnswer`; the supervisor view and
`hall-report` show the same tables with the same columns and formats (`TEXT_COLUMNS`,
`fmt`, `csv_text`), so a supervisor desk needs no database of its own.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from hall_protocol.payload import Payload

DIMENSIONS = ("service", "window", "clerk", "hour", "day")
Dimension = Literal["service", "window", "clerk", "hour", "day"]
# Every figure of a report row, in the order of the CSV columns.
COLUMNS = ["issued", "called", "served", "no_show", "requeued", "cancelled", "expired", "transferred", "recalls",
           "wait_mean_s", "wait_median_s", "wait_p90_s", "wait_max_s", "serve_mean_s", "serve_median_s",
           "serve_p90_s", "pauses", "paused_s", "busy_s", "idle_s", "ratings", "rating_mean"]
HEADERS = {"service": "业务 Service", "window": "窗口 Window", "clerk": "人员 Clerk", "hour": "时段 Hour",
           "day": "日期 Day"}
# The readable table: (column, header, kind, English header); kind says how a value is shown.
TEXT_COLUMNS = [("issued", "取号", "n", "Issued"), ("served", "办结", "n", "Served"),
                ("no_show", "过号", "n", "No-show"), ("requeued", "过号重排", "n", "Re-queued"),
                ("cancelled", "取消", "n", "Cancelled"),
                ("transferred", "转移", "n", "Transferred"), ("recalls", "重呼", "n", "Recalls"),
                ("wait_mean_s", "等候均", "m", "Wait mean"), ("wait_median_s", "等候中", "m", "Wait median"),
                ("wait_p90_s", "等候P90", "m", "Wait P90"), ("wait_max_s", "等候最长", "m", "Wait max"),
                ("serve_mean_s", "办理均", "m", "Serve mean"), ("serve_median_s", "办理中", "m", "Serve median"),
                ("serve_p90_s", "办理P90", "m", "Serve P90"), ("pauses", "暂停", "n", "Pauses"),
                ("paused_s", "暂停时长", "h", "Paused"), ("idle_s", "空闲时长", "h", "Idle"),
                ("rating_mean", "评分", "r", "Rating")]
DAY = r"^\d{4}-\d{2}-\d{2}$"
MAX_DAYS = 366


class ReportRequest(Payload):
    """A supervisor desk asks for the statistics of a range of service days."""

    day_from: str = Field(pattern=DAY, description="first service day, YYYY-MM-DD")
    day_to: str | None = Field(None, pattern=DAY, description="last service day; unset = day_from")
    by: list[Dimension] = Field(["service", "window", "clerk", "hour"], min_length=1, max_length=5,
                                description="one table per dimension")

    @model_validator(mode="after")
    def _range(self) -> "ReportRequest":
        if len(set(self.by)) != len(self.by):
            raise ValueError("by: each dimension at most once")
        try:
            first, last = date.fromisoformat(self.day_from), date.fromisoformat(self.day_to or self.day_from)
        except ValueError as err:
            raise ValueError(f"not a calendar day: {err}") from err
        if (last - first).days >= MAX_DAYS:
            raise ValueError(f"a report spans at most {MAX_DAYS} days")
        return self

    @property
    def last_day(self) -> str:
        return self.day_to or self.day_from


class ReportRow(Payload):
    label: str = Field(description="e.g. `A 综合受理`, `1 号窗口`, `08:00-09:00`")
    values: dict[str, float | int | None] = Field(description="the figures of COLUMNS; None = not applicable")


class PauseRow(Payload):
    reason: str
    count: int
    seconds: float


class ReportTable(Payload):
    by: Dimension
    day_from: str
    day_to: str
    rows: list[ReportRow]
    total: dict[str, float | int | None]
    pauses: list[PauseRow] = Field(description="pause reasons, longest first")


class ReportAnswer(Payload):
    tables: list[ReportTable]


# ---- how a person reads them -----------------------------------------------------------------
def fmt(value, kind: str) -> str:
    """A figure as shown: m = minutes:seconds, h = hours:minutes, r = a rating, n = a count."""
    if value is None:
        return "—"
    if kind == "m":
        s = int(round(value))
        return f"{s // 60}:{s % 60:02d}"
    if kind == "h":
        m = int(round(value / 60))
        return f"{m // 60}:{m % 60:02d}"
    if kind == "r":
        return f"{value:.2f}"
    return str(value)


def write_csv(t: ReportTable, out) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow([t.by] + COLUMNS)
    for lab, v in [(r.label, r.values) for r in t.rows] + [("total", t.total)]:
        w.writerow([lab] + ["" if v.get(c) is None else (round(v[c], 1) if isinstance(v[c], float) else v[c])
                            for c in COLUMNS])


def csv_text(t: ReportTable) -> str:
    buf = io.StringIO()
    write_csv(t, buf)
    return buf.getvalue()
