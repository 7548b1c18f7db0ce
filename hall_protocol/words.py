"""Words (Chinese, English) for codes that devices send and staff read: the kiosk pages and the
problems of help calls. The controller phrases its alerts with them, the staff apps their lists."""
from __future__ import annotations

PAGES = {"home": ("首页", "home"), "ticket": ("取号", "ticket"), "identify": ("身份核验", "identification"),
         "payment": ("缴费", "payment"), "guide": ("办事指南", "service guide"), "licence": ("打证", "licence printing"),
         "progress": ("办件进度", "progress"), "appointment": ("预约签到", "appointment"), "rating": ("评价", "rating")}
PROBLEMS = {"printer_paper_out": ("打印机缺纸", "printer out of paper"), "printer_error": ("打印机故障", "printer fault"),
            "backend_unavailable": ("政务平台不可用", "platform unavailable"),
            "face_mismatch": ("人脸核验未通过", "face check failed"), "idcard_error": ("读卡失败", "ID card read failed"),
            "payment_failed": ("缴费失败", "payment failed"),
            "camera_error": ("摄像头故障", "camera fault"),
            "controller_unavailable": ("取号系统无法连接", "queue system unreachable"),
            "ticket_refused": ("取号被拒绝", "ticket refused"),
            "ticket_limit_reached": ("今日号源已满", "today's tickets all issued"),
            "ticket_unavailable": ("取号暂不可用", "ticketing unavailable"),
            None: ("市民请求帮助", "a citizen asks for help")}


def word(table: dict, key, lang: str = "zh") -> str:
    words = table.get(key) or (str(key), str(key))
    return words[0 if lang == "zh" else 1]
