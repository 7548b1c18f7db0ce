"""Payment (缴费) at a kiosk, as the kiosk and the controller speak it over MQTT.

The kiosk asks on the backend request topic (`BackendRequest` ops `payables`, `pay_create`,
`pay_status`, `pay_cancel`, `pay_receipt`); the controller, the only holder of the platform's
credentials, opens the platform's unified payment order, keeps every order in its own database
(hall_controller/backend/payments.py: the hall's record survives a crash of the kiosk or of the
controller) and follows it to its end. Amounts are integers in fen end to end.

    payables     -> PayablesAnswer   what the identified citizen owes
    pay_create   -> PaymentAnswer    a pending order: its QR code (`pay_url`) for the citizen's wallet
    pay_status   -> PaymentAnswer    pending, paid (with the e-invoice, once issued), cancelled, expired
    pay_cancel   -> PaymentAnswer    cancelled; or paid when the wallet was faster (then print the receipt)
    pay_receipt  -> ReceiptAnswer    the one receipt of a paid order; a second is refused `receipt_printed`
"""
from __future__ import annotations

from pydantic import Field

from hall_protocol import platform as bm
from hall_protocol.payload import Payload

PAYMENT_OPS = ("payables", "pay_create", "pay_status", "pay_cancel", "pay_receipt")
# The platform's refusals a kiosk gets as they are, and the controller's own.
PAYMENT_ERROR_CODES = ("already_paid", "order_pending", "amount_mismatch", "receipt_printed")


class PayablesAnswer(Payload):
    items: list[bm.Payable]


class PaymentAnswer(Payload):
    order: bm.PaymentOrder
    receipt_printed: bool = Field(False, description="a kiosk has printed this order's receipt")


class ReceiptAnswer(Payload):
    """The kiosk may print the receipt of this paid order (once: a retry with the same request id is
    answered again, any other request is refused `receipt_printed`)."""

    order: bm.PaymentOrder
    retry: bool = Field(False, description="the same request asked before (its answer was lost)")
