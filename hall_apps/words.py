"""What staff read, in Chinese and English, for the codes of the contract: the controller's
refusals (no developer text on a clerk's screen), the kiosk pages and problems of help calls,
the priorities of tickets. One table per vocabulary; (Chinese, English) each."""
from __future__ import annotations

import re

from hall_protocol.words import PAGES, PROBLEMS  # noqa: F401 (the kiosk's words, shared with the controller)

# A refusal's code -> the words a clerk reads.
ERROR_WORDS = {
    "conflict": ("无法执行", "Not possible now"),
    "not_found": ("找不到", "Not found"),
    "bad_request": ("请求有误", "Bad request"),
    "forbidden": ("无权操作此窗口", "Not allowed for this window"),
    "limit_reached": ("已达上限", "Limit reached"),
    "unavailable": ("叫号服务器暂时不可用，请稍后重试", "The queue controller is unavailable, try again"),
    "busy": ("叫号服务器繁忙，请稍后重试", "The queue controller is busy, try again"),
    "sign_in_required": ("请先签到（工号和密码）", "Please sign in first (staff number and PIN)"),
    "wrong_pin": ("工号或密码错误", "Wrong staff number or PIN"),
    "locked": ("密码错误次数过多，请稍后再试", "Too many wrong PINs, try again later"),
    None: ("操作失败", "Failed"),
}
NO_ANSWER = ("叫号服务器没有应答，请检查网络", "The queue controller did not answer; check the network")
# The controller's own detail (English, for logs) -> a sentence for the clerk; {1} = the first group.
DETAILS = [
    (r"is paused; resume first", ("窗口暂停中，请先恢复服务", "The window is paused: resume first")),
    (r"is not paused", ("窗口未暂停", "The window is not paused")),
    (r"still (?:serving|has ticket)", ("当前号码尚未办结，请先办结或转移", "Finish or transfer the current ticket first")),
    (r"has no current ticket", ("当前没有号码", "There is no current ticket")),
    (r"ticket (\w+) is (\w+), not waiting", ("号码 {1} 不在等候中", "Ticket {1} is not waiting")),
    (r"ticket (\w+) is \w+; only waiting", ("号码 {1} 不在等候中，不能取消", "Ticket {1} is not waiting: it cannot be cancelled")),
    (r"does not serve service", ("本窗口不办理该业务", "This window does not serve that service")),
    (r"no ticket (\w+)", ("今天没有号码 {1}", "There is no ticket {1} today")),
    (r"(\d+) tries left", ("还可尝试 {1} 次", "{1} tries left")),
    (r"locked for (\d+) s", ("请 {1} 秒后再试", "Try again in {1} s")),
]
PRIORITY = {"appointment": ("预约", "appointment"), "green": ("绿色通道", "priority"),
            "returning": ("转入", "transferred"), "front": ("优先", "front"), "normal": ("普通", "normal")}


def pick(table: dict, key, lang: str) -> str:
    words = table.get(key) or (str(key), str(key))
    return words[0 if lang == "zh" else 1]


def detail(text: str, lang: str) -> str:
    """The controller's detail as a sentence for a clerk, or "" when it has none for it."""
    for pattern, words in DETAILS:
        m = re.search(pattern, text or "")
        if m:
            return words[0 if lang == "zh" else 1].replace("{1}", m.group(1) if m.groups() else "")
    return ""


def refusal(code: str | None, text: str, lang: str = "zh") -> str:
    """A refusal in words: what went wrong, then the detail a clerk can act on."""
    head = pick(ERROR_WORDS, code if code in ERROR_WORDS else None, lang)
    more = detail(text, lang)
    return f"{head}：{more}" if more and lang == "zh" else f"{head}: {more}" if more else head


def help_line(call, lang: str, now_ts: float | None = None) -> str:
    """'kiosk-01 · 取号 · 打印机缺纸 · 3 分钟前' for a help call."""
    from datetime import datetime
    parts = [call.kiosk, pick(PAGES, call.page, lang), pick(PROBLEMS, call.problem if call.problem in PROBLEMS else None,
                                                          lang) if call.problem in PROBLEMS or not call.problem
             else call.problem]
    if call.elderly:
        parts.append("长者" if lang == "zh" else "elderly")
    if now_ts is not None:
        minutes = max(0, int((now_ts - datetime.fromisoformat(call.at).timestamp()) // 60))
        parts.append(f"{minutes} 分钟前" if lang == "zh" else f"{minutes} min ago")
    return " · ".join(parts)
