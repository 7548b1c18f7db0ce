"""Payment ops on the real broker, the real controller and the reference platform: what a kiosk
sends that is wrong gets a clear, bounded answer naming what and where, and changes nothing."""
from __future__ import annotations

import uuid

import pytest

from config import HallSuiteConfig, load_config
from config.schema import DeviceConfig
from hall_protocol import contract
from tests.support.fixtures import EXAMPLE_HALL
from kiosk_app.clients.backend import KioskBackend, NotFound, Refused
from kiosk_app.clients.payments import PaymentClient

HALL = "demo-hall"


@pytest.fixture
def database_url(tmp_path):  # platform-link tests: the controller on SQLite only
    return f"sqlite:///{tmp_path}/hall.db"


@pytest.fixture
def hall_config():
    """The example hall with a second kiosk (its own broker identity)."""
    config = load_config(EXAMPLE_HALL, HallSuiteConfig)
    hall = config.halls[0]
    hall = hall.model_copy(update={"devices": [*hall.devices, DeviceConfig(id="kiosk-02", role="kiosk")]})
    return config.model_copy(update={"halls": [hall]})


def ask(ep, **payload) -> dict:
    return ep.request(contract.BACKEND_REQUEST.format(hall=HALL, client=ep.client_id), payload, timeout=10)


class Who:
    def __init__(self, id_number: str) -> None:
        self.id_number = id_number


def test_bad_payment_requests_are_refused_and_change_nothing(hall, device, server):
    ep = device("kiosk-01")
    citizens = [c for c in server.citizens() if c["payables"]]
    me, other = citizens[0], citizens[1]
    client = PaymentClient(KioskBackend(ep, HALL, timeout=10))
    mine = [p for p in client.payables(Who(me["id_number"])) if p.status.value == "unpaid"]
    base = {"op": "pay_create", "id_number": me["id_number"], "payable_ids": [mine[0].payable_id],
            "request_id": uuid.uuid4().hex}
    # amounts are integers in fen: a float (yuan typed as 80.0), a string, a negative number
    for amount in (mine[0].amount_fen / 100, float(mine[0].amount_fen), str(mine[0].amount_fen), -1, 0):
        answer = ask(ep, **base, amount_fen=amount)
        assert answer["status"] == "error" and answer["code"] == "bad_request", answer
        assert "amount_fen" in answer["error"] and len(answer["error"]) < 400
    # the total must be the sum the platform knows
    with pytest.raises(Refused) as err:
        client.create(Who(me["id_number"]), [mine[0].payable_id], mine[0].amount_fen + 1, request_id=uuid.uuid4().hex)
    assert err.value.code == "amount_mismatch"
    # someone else's payable
    theirs = client.payables(Who(other["id_number"]))[0]
    with pytest.raises(NotFound):
        client.create(Who(me["id_number"]), [theirs.payable_id], theirs.amount_fen, request_id=uuid.uuid4().hex)
    # an order this hall never opened, and a receipt for an order nobody paid
    with pytest.raises(NotFound):
        client.status(uuid.uuid4().hex)
    order = client.create(Who(me["id_number"]), [mine[0].payable_id], mine[0].amount_fen,
                          request_id=uuid.uuid4().hex).order
    with pytest.raises(Refused) as err:
        client.receipt(order.order_id, request_id=uuid.uuid4().hex)
    assert err.value.code == "conflict" and "pending" in str(err.value)
    # an op without what it needs
    answer = ask(ep, op="pay_cancel", order_id=order.order_id)
    assert answer["code"] == "bad_request" and "request_id" in answer["error"]
    assert client.status(order.order_id).order.status.value == "pending"
    assert [c for c in server.charges() if c["order_id"] == order.order_id] == []
    client.cancel(order.order_id, request_id=uuid.uuid4().hex)


def test_another_kiosk_can_neither_follow_cancel_nor_take_the_receipt_of_an_order(hall, device, server):
    mine = PaymentClient(KioskBackend(device("kiosk-01"), HALL, timeout=10))
    other = PaymentClient(KioskBackend(device("kiosk-02"), HALL, timeout=10))
    who = Who(next(c for c in server.citizens()[5:] if len(c["payables"]) >= 2)["id_number"])
    item, item2 = [p for p in mine.payables(who) if p.status.value == "unpaid"][:2]
    order = mine.create(who, [item.payable_id], item.amount_fen, request_id=uuid.uuid4().hex).order
    server.wallet_pay(order.order_id)
    for ask_other in (lambda: other.status(order.order_id),
                      lambda: other.cancel(order.order_id, request_id=uuid.uuid4().hex),
                      lambda: other.receipt(order.order_id, request_id=uuid.uuid4().hex)):
        with pytest.raises(NotFound):
            ask_other()
    assert mine.status(order.order_id).order.status.value == "paid"
    assert not mine.receipt(order.order_id, request_id=uuid.uuid4().hex).retry     # still the kiosk's to print
    # the citizen comes back to an open order at the other kiosk: it is that kiosk's now
    opened = mine.create(who, [item2.payable_id], item2.amount_fen, request_id=uuid.uuid4().hex).order
    again = other.create(who, [item2.payable_id], item2.amount_fen, request_id=uuid.uuid4().hex).order
    assert again.order_id == opened.order_id
    assert other.cancel(opened.order_id, request_id=uuid.uuid4().hex).order.status.value == "cancelled"
    with pytest.raises(NotFound):
        mine.status(opened.order_id)
