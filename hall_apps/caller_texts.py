"""The window caller's words (Chinese, English) and its keys (a numeric keypad has them all)."""
from __future__ import annotations

PAUSE_REASONS = ["午休 Lunch", "临时离开 Away", "业务咨询 Consulting", "系统故障 System fault", "培训会议 Meeting"]

T = {  # key: (Chinese, English)
    "title": ("{w} 号窗口 呼叫器", "Window {w} caller"),
    "lang": ("English", "中文"),
    "online": ("● 已连接叫号服务器", "● Connected to the queue controller"),
    "no_broker": ("未连接网络（消息服务器），操作暂不可用，正在重连…", "No connection to the broker; operations unavailable, reconnecting…"),
    "no_controller": ("叫号服务器离线，操作暂不可用", "The queue controller is offline; operations unavailable"),
    "none": ("当前：无", "Current: none"),
    "current": ("当前：{n}", "Current: {n}"),
    "called": ("已叫号 {c}", "Called {c} ago"),
    "serving": ("办理中 {s}（叫号后 {c}）", "Serving for {s} (called {c} ago)"),
    "recalls": ("已重呼 {n} 次", "Recalled {n}×"),
    "paused": ("暂停中：{r}", "Paused: {r}"),
    "call_next": ("下一位", "Next"), "recall": ("重呼", "Recall"), "start": ("开始办理", "Start"),
    "finish": ("办结", "Finish"), "no_show": ("未到", "No-show"), "transfer": ("转移…", "Transfer…"),
    "pause": ("暂停", "Pause"), "resume": ("恢复服务", "Resume"), "call": ("呼叫此号", "Call this"),
    "cancel": ("取消此号", "Cancel ticket"), "open": ("开窗", "Open window"), "close": ("关窗", "Close window"),
    "closed": ("窗口已关闭", "Window closed"),
    "requeue": ("未到后重新排队", "Re-queue a no-show"),
    "reason": ("暂停原因（可选择或输入）", "Pause reason (choose or type)"),
    "need_reason": ("请选择或输入暂停原因", "Choose or type a pause reason"),
    "waiting": ("等候（按本窗口叫号顺序）{n} 人", "Waiting, in this window's calling order: {n}"),
    "number": ("号码，如 A012", "Number, e.g. A012"),
    "to_service": ("转到业务", "To service"), "to_window": ("转到窗口", "To window"),
    "any_window": ("任意窗口", "Any window"), "front": ("排到最前", "To the front"),
    "minutes": ("{m} 分钟", "{m} min"),
    "sign_in_title": ("{w} 号窗口 签到", "Window {w}: sign in"),
    "staff_id": ("工号", "Staff number"), "pin": ("密码", "PIN"), "sign_in": ("签到", "Sign in"),
    "sign_out": ("签退", "Sign out"),
    "need_staff": ("请输入工号和密码", "Enter your staff number and PIN"),
    "help": ("⚠ 求助", "⚠ Help"), "coming": ("我去处理", "I'm coming"),
    "confirm_no_show": ("确认 {n} 号未到？", "Mark {n} as a no-show?"),
    "confirm_cancel": ("确认取消 {n} 号？", "Cancel ticket {n}?"),
    "yes": ("确认", "Yes"), "no": ("返回", "No"),
}
# action -> keys (the first is shown on the button); numeric keypad keys work with Num Lock on or off
KEYS = {"call_next": ["Enter", "Return", "F1"], "recall": ["+", "F2"], "start": ["/", "F3"],
        "finish": ["*", "F4"], "no_show": ["-", "F5"], "transfer": ["F6"], "pause": ["F7"], "resume": ["F8"]}


def mmss(seconds: int | None) -> str:
    return "" if seconds is None else f"{seconds // 60:02d}:{seconds % 60:02d}"
