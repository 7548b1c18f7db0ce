"""What a ticket's page says in each state, Chinese first with English (the first render and
every live update use the same words)."""
import pytest

from hall_protocol.phone import TicketProgress
from hall_web import texts
from hall_web.live import live_state


@pytest.mark.parametrize("state,kw,top,detail", [
    ("arriving", {"ahead": 4}, "请到大厅签到", "现在前面有 4 人"),
    ("waiting", {"ahead": 1, "wait": 7.6}, "前面还有 1 人", "预计等待约 8 分钟"),
    ("waiting", {"ahead": 0, "wait": 0.4}, "前面还有 0 人", "马上就到您"),
    ("waiting", {"ahead": 3, "wait": None}, "前面还有 3 人", "暂无预计等待时间"),
    ("waiting", {"ahead": 2, "wait": 5.0, "requeued": True}, "前面还有 2 人", "您曾过号，已重新排队"),
    ("called", {"window": 3}, "请到 3 号窗口", "正在叫您的号"),
    ("called", {"window": 3, "window_name": "综合窗口", "recalls": 1}, "请到 3 号窗口（综合窗口）", "第 2 次呼叫"),
    ("serving", {"window": 3}, "正在 3 号窗口 办理", ""),
    ("done", {}, "办理完成", "好差评"),
    ("no_show", {}, "您已过号", "请到服务台咨询，或重新取号"),        # a missed call says what to do
    ("cancelled", {}, "号票已取消", "重新取号"),
    ("expired", {}, "号票已过期", "当天有效"),
])
def test_each_state_says_what_it_means_and_what_to_do(state, kw, top, detail):
    kw = {"ahead": None, "wait": None, "window": None, **kw}
    head, more = texts.headline(state, **kw)
    assert top in head.zh and detail in more.zh and head.en and more.en


def test_a_live_update_carries_the_reminder_once_a_threshold_was_reached():
    t = TicketProgress(number="A012", state="waiting", ahead=3, wait_min=9.0, reminded=[3])
    s = live_state("A012", t)
    assert s["headline"]["zh"] == "前面还有 3 人" and "请回到大厅候叫" in s["reminder"]["zh"]
    assert "reminder" not in live_state("A012", t.model_copy(update={"reminded": []}))
    assert live_state("A012", None) == {"number": "A012", "state": "gone"}
