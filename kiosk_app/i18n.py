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

# Identification with the ID card and face verification (kiosk_app/flows/identity.py).
STRINGS.update({
    "id_button": {"zh": "刷身份证办理", "en": "Identify with ID card"},
    "id_title": {"zh": "身份核验", "en": "Identity check"},
    "id_place_card": {"zh": "请将身份证放在读卡区", "en": "Please place your ID card on the reader"},
    "id_card_error": {"zh": "证件无法读取，请取回证件后重新放置", "en": "The card could not be read. Lift it and place it again"},
    "id_face_look": {"zh": "请正对摄像头", "en": "Please look at the camera"},
    "id_frames": {"zh": "已采集 {n}/{m}", "en": "Captured {n}/{m}"},
    "id_card_only": {"zh": "已读取身份证", "en": "ID card read"},
    "id_face_passed": {"zh": "身份核验通过", "en": "Identity verified"},
    "id_face_retry": {"zh": "人脸比对未通过，请重试", "en": "Face check not passed, please try again"},
    "id_face_staff": {"zh": "人脸核验未通过，请联系工作人员协助；取号不受影响",
                      "en": "Face check not passed. Staff will help you; you can still take a ticket"},
    "id_camera_down": {"zh": "摄像头暂不可用，请联系工作人员；取号不受影响",
                       "en": "The camera is unavailable. Please ask staff; you can still take a ticket"},
    "id_number": {"zh": "证件号码：{id}", "en": "ID number: {id}"},
    "id_retry": {"zh": "重试", "en": "Try again"},
    "id_cancel": {"zh": "结束", "en": "Finish"},
})


# Priority tickets (kiosk_app/flows/green.py, appointment check-in): on screen and on the ticket.
STRINGS.update({
    "green_notice": {"zh": "绿色通道 · 优先办理", "en": "Green channel: priority service"},
    "appointment_notice": {"zh": "预约签到 · 优先办理", "en": "Appointment: priority service"},
})


def tr(key: str, lang: str = "zh", **kw) -> str:
    text = STRINGS[key].get(lang) or STRINGS[key]["zh"]
    return text.format(**kw) if kw else text
