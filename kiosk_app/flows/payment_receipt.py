"""The payment receipt (缴费凭证) as ESC/POS blocks: what was paid, the total, how and when, and
the e-invoice's QR code. Amounts are integers in fen, shown as yuan with integer arithmetic.
The payer appears masked only (as the platform gave it)."""
from __future__ import annotations

from datetime import datetime

from drivers.escpos.commands import Block, Cut, Feed, Line, Qr
from hall_protocol import platform as bm
from kiosk_app.i18n import tr

# The receipt's words (rcpt_*) and the channels' names (rcpt_channel_<channel>) are in
# kiosk_app/translations/kiosk_*.ts.
CHANNELS = ("wechat", "alipay", "unionpay")


def yuan(fen: int) -> str:
    """8000 -> "¥80.00" (integer arithmetic: no float ever touches an amount)."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"amounts are integers in fen, got {fen!r}")
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100}.{fen % 100:02d}"


def channel_name(channel: str | None, lang: str) -> str:
    return tr(f"rcpt_channel_{channel}", lang) if channel in CHANNELS else (channel or "-")


def receipt_blocks(order: bm.PaymentOrder, hall_name: str, lang: str = "zh") -> list[Block]:
    lang = "en" if lang == "en" else "zh"

    def t(key: str, **kw) -> str:
        return tr(f"rcpt_{key}", lang, **kw)
    paid_at = order.paid_at.strftime("%Y-%m-%d %H:%M:%S") if isinstance(order.paid_at, datetime) else "-"
    blocks: list[Block] = [
        Line(hall_name, align="center", bold=True),
        Line(t("title"), align="center", bold=True, size=2),
        Feed(1),
        Line(t("order", v=order.order_id)),
        Line(t("payer", v=order.payer_masked)),
        Feed(1),
    ]
    for item in order.items:
        blocks += [Line(item.title), Line(yuan(item.amount_fen), align="right")]
    blocks += [
        Line(t("total", v=yuan(order.amount_fen)), align="right", bold=True),
        Feed(1),
        Line(t("channel", v=channel_name(order.channel, lang))),
        Line(t("paid_at", v=paid_at)),
    ]
    if order.invoice is not None:
        inv = order.invoice
        blocks += [Line(t("invoice", code=inv.invoice_code, no=inv.invoice_no)),
                   Line(t("check", v=inv.check_code)), Qr(inv.verify_url), Line(t("scan"), align="center")]
    else:
        blocks.append(Line(t("pending")))
    blocks += [Line(t("note"), align="center"), Cut()]
    return blocks
