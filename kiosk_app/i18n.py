"""Every citizen-facing string, Simplified Chinese first, English as an option."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "title": {"zh": "自助取号", "en": "Take a Queue Ticket"},
    "choose": {"zh": "请选择您要办理的业务", "en": "Please choose a service"},
    "language": {"zh": "English", "en": "中文"},
    "elderly": {"zh": "长者模式", "en": "Large text"},
    "help": {"zh": "呼叫工作人员", "en": "Call staff"},
    "help_sent": {"zh": "已通知工作人员，请稍候", "en": "Staff have been called, please wait"},
    "issuing": {"zh": "正在为您取号，请稍候…", "en": "Getting your ticket, please wait…"},
    "your_number": {"zh": "您的号码", "en": "Your number"},
    "ahead": {"zh": "前面还有 {n} 人", "en": "{n} people ahead of you"},
    "wait": {"zh": "预计等候约 {n} 分钟", "en": "Estimated wait: about {n} min"},
    "wait_unknown": {"zh": "暂无可用窗口，请留意叫号", "en": "No window open now, please watch the screen"},
    "area": {"zh": "办理区域：{area}", "en": "Go to: {area}"},
    "take_ticket": {"zh": "请取走您的号票", "en": "Please take your ticket"},
    "no_paper": {"zh": "打印机暂不可用，请用手机扫描下方二维码保存号码，或到旁边的自助机取号",
                 "en": "The printer is unavailable. Scan the QR code to keep your number, or use the next kiosk"},
    "offline": {"zh": "暂时无法连接取号系统，请到服务台咨询", "en": "The queue system cannot be reached. Please ask at the help desk"},
    "refused": {"zh": "无法取号：{reason}", "en": "No ticket: {reason}"},
    "done": {"zh": "完成", "en": "Done"},
    "waiting_count": {"zh": "等候 {n} 人", "en": "{n} waiting"},
}


def tr(key: str, lang: str = "zh", **kw) -> str:
    text = STRINGS[key].get(lang) or STRINGS[key]["zh"]
    return text.format(**kw) if kw else text
