"""The kiosk's side of payment (缴费): requests to the hall controller over MQTT (the kiosk holds
no platform credential), typed answers, the backend client's typed errors. Amounts are integers
in fen. The citizen is any object with `.id_number`; it goes only into request payloads."""
from __future__ import annotations

from hall_protocol import platform as bm
from hall_protocol.payments import PaymentAnswer, ReceiptAnswer
from kiosk_app.clients.backend import Citizen, KioskBackend


class PaymentClient:
    def __init__(self, backend: KioskBackend) -> None:
        self.backend = backend

    def payables(self, citizen: Citizen) -> list[bm.Payable]:
        return self.backend.ask("payables", id_number=citizen.id_number).items

    def create(self, citizen: Citizen, payable_ids: list[str], amount_fen: int, *, request_id: str) -> PaymentAnswer:
        """One order per request id: a retry (its answer was lost) gets the same order."""
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
            raise TypeError(f"amounts are integers in fen, got {amount_fen!r}")
        return self.backend.ask("pay_create", id_number=citizen.id_number, payable_ids=list(payable_ids),
                                 amount_fen=amount_fen, request_id=request_id)

    def status(self, order_id: str) -> PaymentAnswer:
        return self.backend.ask("pay_status", order_id=order_id)

    def cancel(self, order_id: str, *, request_id: str) -> PaymentAnswer:
        """Cancelled, or the paid order when the wallet was faster."""
        return self.backend.ask("pay_cancel", order_id=order_id, request_id=request_id)

    def receipt(self, order_id: str, *, request_id: str) -> ReceiptAnswer:
        """May this kiosk print the order's receipt? Refused (`receipt_printed`) for a second one."""
        return self.backend.ask("pay_receipt", order_id=order_id, request_id=request_id)
