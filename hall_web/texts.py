"""What the pages say, Chinese first with English: a ticket's headline and detail by its state
(the same words on the first render and in every live update), and the error messages."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


def _minutes(wait: float | None) -> Say:
    if wait is None:
        return Say("暂无预计等待时间（窗口尚未开放）", "No estimate yet (no window open)")
    if wait < 1:
        return Say("马上就到您", "Almost your turn")
    return Say(f"预计等待约 {round(wait)} 分钟", f"About {round(wait)} min to wait")


def window_label(window: int | None, name: str = "") -> Say:
    extra = f"（{name}）" if name else ""
    return Say(f"{window} 号窗口{extra}", f"window {window}" + (f" ({name})" if name else ""))


def headline(state: str, *, ahead: int | None, wait: float | None, window: int | None, window_name: str = "",
             recalls: int = 0, requeued: bool = False) -> tuple[Say, Say]:
    """(headline, detail) of a ticket page."""
    if state == "arriving":
        return (Say("请到大厅签到", "Please check in at the hall"),
                Say(f"到达后请在自助终端扫描本页二维码，或请工作人员确认号码。现在前面有 {ahead or 0} 人。",
                    f"When you arrive, scan this page's QR at a kiosk or show the number to a clerk. "
                    f"{ahead or 0} people are waiting now."))
    if state == "waiting":
        top = Say(f"前面还有 {ahead} 人", f"{ahead} {'person' if ahead == 1 else 'people'} ahead of you")
        detail = _minutes(wait)
        if requeued:
            detail = Say("您曾过号，已重新排队。" + detail.zh, "You missed your call and are back in the queue. "
                         + detail.en)
        return top, detail
    w = window_label(window, window_name)
    if state == "called":
        again = Say(f"第 {recalls + 1} 次呼叫，请尽快前往", f"Call {recalls + 1}: please hurry") if recalls else \
            Say("正在叫您的号，请带好证件前往", "Your number is being called: bring your documents")
        return Say(f"请到 {w.zh}", f"Please go to {w.en}"), again
    if state == "serving":
        return Say(f"正在 {w.zh} 办理", f"Being served at {w.en}"), Say("祝您办事顺利", "Thank you for waiting")
    if state == "done":
        return Say("办理完成", "Done"), Say("欢迎对本次服务作出评价（好差评）", "Please rate the service")
    if state == "no_show":
        return (Say("您已过号", "You missed your call"),
                Say("请到服务台咨询，或重新取号", "Please ask at the service desk, or take a new ticket"))
    if state == "cancelled":
        return Say("号票已取消", "Ticket cancelled"), Say("如需办理请重新取号", "Take a new ticket if you still need to")
    return Say("号票已过期", "Ticket expired"), Say("号票当天有效，请重新取号", "Tickets are valid on their day only")


def reminder(ahead: int | None) -> Say:
    return Say(f"提醒：前面还有 {ahead} 人，请回到大厅候叫", f"Reminder: {ahead} ahead of you, please return to the "
               "hall")


ERRORS = {
    "not_found": Say("号票不存在或已过期（号票当天有效）", "No such ticket, or it has expired (tickets are valid on "
                     "their day only)"),
    "no_hall": Say("没有这个服务大厅", "No such service hall"),
    "bad_request": Say("填写的内容有误", "Something in the form is not right"),
    "csrf": Say("页面已过期，请刷新后重试", "This page has expired: reload it and try again"),
    "rate_limited": Say("操作太频繁，请稍后再试", "Too many requests: please try again later"),
    "unavailable": Say("服务大厅暂时无法连接，请稍后再试", "The hall cannot be reached right now: please try again "
                       "later"),
    "remote_closed": Say("该业务暂不支持在线取号", "This service cannot be taken on the phone"),
    "quota_reached": Say("今日在线取号名额已满，请到大厅自助终端取号", "Today's phone tickets are gone: please take one "
                         "at the hall's kiosks"),
    "phone_quota_reached": Say("该手机号今日在线取号次数已满", "This phone has taken its tickets for today"),
    "open_ticket": Say("该手机号在本大厅已有一张未办结的号票", "This phone already has an open ticket in this hall"),
    "code_wrong": Say("验证码不正确", "The code is wrong"),
    "code_expired": Say("验证码已过期，请重新获取", "The code has expired: ask for a new one"),
    "too_many_attempts": Say("验证码错误次数过多，请重新获取", "Too many wrong codes: ask for a new one"),
    "too_soon": Say("验证码已发送，请一分钟后再试", "A code was just sent: wait a minute"),
    "not_served": Say("办理完成后才能评价", "You can rate once you have been served"),
    "already_rated": Say("您已评价过本次服务", "You have rated this service already"),
    "limit_reached": Say("该业务今日号票已发完", "This service has issued all of today's tickets"),
    "not_open": Say("该业务现在不在取号时间，请在办理时间内再取号", "This service is not taking tickets now: please "
                    "try again during its hours"),
    "backend_unavailable": Say("短信平台暂时无法连接，请稍后再试", "The SMS platform cannot be reached: try again "
                               "later"),
    "conflict": Say("当前状态下无法操作", "Not possible in the ticket's present state"),
}


def error(code: str) -> Say:
    return ERRORS.get(code, Say("出错了，请稍后再试", "Something went wrong: please try again later"))
