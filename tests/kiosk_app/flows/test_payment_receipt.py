"""Amounts in fen shown as yuan with integer arithmetic, and the receipt's blocks (the printed
receipt itself is read back from the ESC/POS emulator in test_payment.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from drivers.escpos.commands import Qr
from hall_protocol import platform as bm
from kiosk_app.flows.payment_receipt import receipt_blocks, yuan

SH = timezone(timedelta(hours=8))


@pytest.mark.parametrize("fen,text", [(0, "¥0.00"), (1, "¥0.01"), (10, "¥0.10"), (8000, "¥80.00"),
                                      (50050, "¥500.50"), (100_000_000, "¥1000000.00"), (-250, "-¥2.50")])
def test_yuan(fen, text):
    assert yuan(fen) == text


@pytest.mark.parametrize("bad", [80.0, "8000", True, None])
def test_an_amount_is_an_integer_in_fen(bad):
    with pytest.raises(TypeError):
        yuan(bad)


@pytest.mark.parametrize("payload", ['{"payable_id":"p","title":"t","amount_fen":80.5}',
                                     '{"payable_id":"p","title":"t","amount_fen":"8000"}',
                                     '{"payable_id":"p","title":"t","amount_fen":true}',
                                     '{"payable_id":"p","title":"t","amount_fen":0}'])
def test_the_platform_models_refuse_what_is_not_fen(payload):
    with pytest.raises(ValueError):
        bm.PaymentLine.model_validate_json(payload)


def test_receipt_lists_items_total_and_the_e_invoice_qr():
    paid = datetime(2026, 3, 9, 10, 5, tzinfo=SH)
    order = bm.PaymentOrder(
        order_id="o1", status="paid", amount_fen=8050,
        items=[bm.PaymentLine(payable_id="p1", title="不动产权证书补证工本费", amount_fen=8000),
               bm.PaymentLine(payable_id="p2", title="复印费", amount_fen=50)],
        pay_url="https://pay.example.gov.cn/unified/x", payer_masked="110105********002X", created_at=paid,
        expires_at=paid, paid_at=paid, channel="alipay",
        invoice=bm.EInvoice(invoice_code="33010001", invoice_no="00000042", check_code="123456", amount_fen=8050,
                            issued_at=paid, verify_url="https://einvoice.example.gov.cn/v?no=00000042"))
    blocks = receipt_blocks(order, "示范区政务服务中心")
    text = "\n".join(getattr(b, "text", "") for b in blocks)
    assert "¥80.00" in text and "¥0.50" in text and "合计：¥80.50" in text and "支付宝" in text
    assert [b.data for b in blocks if isinstance(b, Qr)] == ["https://einvoice.example.gov.cn/v?no=00000042"]
    english = "\n".join(getattr(b, "text", "") for b in receipt_blocks(order, "Demo", "en"))
    assert "Total: ¥80.50" in english and "Alipay" in english
    pending = receipt_blocks(order.model_copy(update={"invoice": None}), "示范区政务服务中心")
    assert not any(isinstance(b, Qr) for b in pending)
    assert "电子票据开具中" in "\n".join(getattr(b, "text", "") for b in pending)
