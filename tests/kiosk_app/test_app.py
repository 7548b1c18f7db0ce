"""The assembled kiosk (kiosk_app/app.py) reads the hall's retained board as the `Board`
model with the one freshness rule (`Board.is_newer_than`), and its window shows the waiting
counts. A private Mosquitto; the boards come from the controller's identity, as the broker
lets only the controller publish them. Nothing of ours is mocked."""
from __future__ import annotations

import pytest

from config.schema import KioskConfig
from hall_protocol import contract
from hall_protocol.contract import Board
from kiosk_app.app import Kiosk
from kiosk_app.qt.window import KioskWindow
from qtkit.common import application

from .test_e2e import keep, wait_until  # noqa: F401 (keep is a fixture)

HALL = "demo-hall"


def board(seq: int, day: str = "2026-03-09", **waiting: int) -> Board:
    return Board(hall=HALL, hall_name="示例政务服务中心", day=day, seq=seq, updated_at=f"{day}T09:00:00+08:00",
                 windows=[], current=[], recent=[], waiting=waiting, services={"A": "综合受理"})


@pytest.fixture
def kiosk(suite_config, broker):
    cfg = KioskConfig(id="kiosk-01", hall=HALL,
                      broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}))
    k = Kiosk(cfg, suite_config.hall(HALL), password=broker.passwords["kiosk-01"])
    boards: list[Board] = []
    k.board_listeners.append(boards.append)
    k.start()
    yield k, boards
    k.stop()


def test_the_board_arrives_as_the_model_and_older_ones_are_ignored(kiosk, device, suite_config):
    app = application()
    k, boards = kiosk
    controller = device(suite_config.controller_id)
    topic = contract.BOARD.format(hall=HALL)
    publish = lambda b: controller.publish(topic, contract.encode(b), retain=True)  # noqa: E731
    publish(board(100, A=3))
    assert wait_until(app, lambda: len(boards) == 1)
    assert isinstance(boards[0], Board) and boards[0].waiting == {"A": 3} and k.board is boards[0]
    publish(board(99, A=9))                       # older, the same day
    publish(board(100, A=9))                      # the same again
    controller.publish(topic, b"{not a board", retain=True)
    publish(board(101, A=4))
    assert wait_until(app, lambda: len(boards) == 2)
    publish(board(1, day="2026-03-10", A=0))      # a new day starts its own count
    assert wait_until(app, lambda: len(boards) == 3)
    assert [(b.day, b.seq) for b in boards] == [("2026-03-09", 100), ("2026-03-09", 101), ("2026-03-10", 1)]
    assert k.board.day == "2026-03-10" and k.board.waiting == {"A": 0}


def test_the_window_shows_the_waiting_counts_of_the_newest_board(keep, kiosk, device, suite_config):  # noqa: F811
    app = application()
    k, _ = kiosk
    window = KioskWindow(k.flow, suite_config.hall(HALL))
    keep(window)
    k.board_listeners.append(window.on_board)
    controller = device(suite_config.controller_id)
    topic = contract.BOARD.format(hall=HALL)
    controller.publish(topic, contract.encode(board(200, A=7, B=2)), retain=True)
    assert wait_until(app, lambda: "等候 7 人" in window.service_buttons["A"].text())
    assert "等候 2 人" in window.service_buttons["B"].text() and "等候 0 人" in window.service_buttons["C"].text()
    assert window.waiting == {"A": 7, "B": 2}
