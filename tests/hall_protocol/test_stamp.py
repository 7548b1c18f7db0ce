"""A board or window state is encoded once, without its sequence and time (what it shows, to
compare), and sent with them put in (`contract.stamp`): what is sent is exactly the model's
own encoding, also when a name in it reads like the field."""
from __future__ import annotations

import json

import pytest

from hall_protocol.contract import Board, WindowState, encode, stamp


def board(name: str, seq: int, at: str) -> Board:
    return Board(hall="h-1", hall_name=name, day="2026-12-07", seq=seq, updated_at=at,
                 windows=[WindowState(window=1, state="idle")], current=[], recent=[], waiting={"A": 3},
                 services={"A": '"seq":0,'}, notice='"updated_at":""')


@pytest.mark.parametrize("name", ["综合大厅", '"seq":0,"updated_at":""', "\\\"seq\":0"])
def test_a_stamped_encoding_is_the_models_own(name):
    at = "2026-12-07T09:30:00+08:00"
    blank = encode(board(name, 0, ""))
    sent = stamp(stamp(blank, "seq", "0", "1796700000123"), "updated_at", '""', json.dumps(at))
    assert sent == encode(board(name, 1796700000123, at))
    assert Board.model_validate_json(sent).hall_name == name


def test_a_field_that_is_not_there_is_an_error():
    with pytest.raises(ValueError, match="version"):
        stamp(encode(board("x", 0, "")), "version", "0", "5")
