"""The calling screen: its model against a real Mosquitto (restarted on the same port) and a
real controller (killed without a goodbye: the broker publishes its last will), the board
rules (older boards ignored, new calls flash) and the Qt screen rendered offscreen."""
from __future__ import annotations

import pytest

from hall_apps.screen_model import ScreenModel
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_protocol.contract import Board, CallInfo, WindowState
from tests.hall_apps.ui_support import (HALL, clock, clocked_controller, endpoint, issue,  # noqa: F401 (fixtures)
                                        wait_for)
from tests.support.fixtures import new_request_id


@pytest.fixture
def screen(broker):
    """A screen model on its own started endpoint, logged in as screen-main."""
    ep = endpoint(broker, "screen-main")
    model = ScreenModel(HALL)
    model.attach(ep)
    ep.start()
    yield model
    ep.stop()


def test_screen_recovers_its_whole_state_after_a_broker_restart(clocked_controller, broker, device, clock, screen):
    issue(device, clock, ["A", "B"])
    device("caller-w1").request(f"hall/{HALL}/request/window/caller-w1", {"window": 1, "action": "call_next", "request_id": new_request_id()})
    assert wait_for(lambda: screen.connected and screen.board is not None and screen.board.current)
    seen = screen.board.seq
    broker.stop()  # the broker keeps nothing (persistence false): it comes back empty
    assert wait_for(lambda: screen.status == "no_broker")
    assert screen.board.seq == seen  # the last board stays on screen under the banner
    broker.start()  # same port, same passwords
    assert wait_for(lambda: screen.connected and screen.board.seq > seen)
    b = screen.board
    assert [(c.window, c.ticket) for c in b.current] == [(1, "A001")] and b.waiting["B"] == 1
    assert screen.status == "ok"


def test_screen_shows_the_lost_controller_when_it_dies_without_goodbye(suite_config, broker, screen):
    c = HallController(suite_config, make_engine(suite_config.database.url),
                       password=broker.passwords[suite_config.controller_id])
    c.start()
    assert wait_for(lambda: screen.status == "ok" and screen.board is not None)
    # A crash as the broker sees it: the connection drops without DISCONNECT, so the broker
    # publishes the controller's last will ("offline", retained).
    c.endpoint.client.loop_stop()
    c.endpoint.client.socket().close()
    assert wait_for(lambda: screen.status == "no_controller")
    assert screen.broker_up and not screen.connected
    c2 = HallController(suite_config, make_engine(suite_config.database.url),
                        password=broker.passwords[suite_config.controller_id])
    c2.start()  # a restarted controller says "online" and republishes the board
    try:
        assert wait_for(lambda: screen.status == "ok")
    finally:
        c2.stop()
        c.stop()  # the crashed one's own threads (housekeeping, backend link) end too


def _board(seq: int, recent: list[tuple[str, int, str]], day: str = "2026-11-23") -> Board:
    calls = [CallInfo(window=w, ticket=t, service=t[0], service_name="综合受理", at=at) for t, w, at in recent]
    return Board(hall=HALL, hall_name="示范区政务服务中心", day=day, seq=seq, updated_at=f"{day}T10:00:00+08:00",
                 windows=[WindowState(window=1, state="calling" if calls else "idle",
                                      ticket=calls[0].ticket if calls else None),
                          WindowState(window=2, state="paused", reason="午休")],
                 current=calls[:1], recent=calls, waiting={"A": 3}, services={"A": "综合受理"},
                 notice="请保管好您的号票")


def test_older_boards_are_ignored_and_new_calls_flash():
    now = [100.0]
    m = ScreenModel(HALL, monotonic=lambda: now[0], flash_seconds=6)
    assert m.accept(_board(10, [("A001", 1, "t1")]))
    assert not m.flashing()  # a board seen at start-up is not news
    assert not m.accept(_board(9, [("A009", 1, "t9")])) and m.board.seq == 10
    assert not m.accept(_board(10, []))
    assert not m.accept(_board(99, [], day="2026-11-22"))  # yesterday's board
    assert m.accept(_board(11, [("A002", 1, "t2"), ("A001", 1, "t1")]))
    assert m.flashing()
    now[0] += 6.1
    assert not m.flashing()
    assert m.accept(_board(12, [("A002", 1, "t2"), ("A001", 1, "t1")]))  # same call (e.g. a waiting count changed)
    assert not m.flashing()
    assert m.accept(_board(13, [("A002", 1, "t3")]))  # a recall: the same ticket called again
    assert m.flashing()
    assert m.accept(_board(1, [], day="2026-11-24"))  # a new day starts its own sequence


def test_the_qt_screen_shows_the_call_large_and_the_lost_connection():
    from hall_apps.calling_screen import CallingScreen
    from hall_apps.window_screen import WindowScreen
    from qtkit.common import application
    app = application()
    m = ScreenModel(HALL)
    main, window_screen, paused = CallingScreen(m), WindowScreen(m, 1), WindowScreen(m, 2)
    assert m.status == "connecting" and not main.banner.isHidden() and "正在连接" in main.banner.text()
    m.accept(_board(10, [("A004", 1, "t1"), ("A003", 1, "t0")]))
    m.broker_up = m.controller_up = True
    m._notify()
    app.processEvents()
    main.render()  # boards are drawn at most every 100 ms: now, for the test
    assert main.banner.isHidden()
    assert main.big.text() == "请 A004 号到 1 号窗口" and "window 1" in main.big_en.text()
    assert "font-size:140px" in main.big.styleSheet()  # >= 120 px on 1920x1080: readable from ten metres
    assert main.waiting_chips["A"].zh.text() == "A 综合受理 3人"
    assert window_screen.big.text() == "A004" and "330px" in window_screen.big.styleSheet()
    assert paused.big.text() == "暂停服务" and paused.line1.text() == "午休" and "paused" in paused.line_en.text()
    assert main.notice.text == "请保管好您的号票"
    m.on_broker(False)
    assert wait_for(lambda: not main.banner.isHidden() and "网络中断" in main.banner.text(), app=app)
    m.on_broker(True)
    assert wait_for(lambda: "与叫号服务器失去连接" in main.banner.text(), app=app)  # the broker is back, the controller not (yet)
    for w in (main, window_screen, paused):
        w.close()


def test_a_screen_left_running_keeps_python_alive():
    """PySide6 6.12.0 under Python 3.11 released None once per void Qt call: a calling screen
    (a clock tick, a marquee frame, a board) died after some hours with "deallocating None".
    A day of a screen's work must leave None's reference count where it was."""
    import sys

    from hall_apps.calling_screen import CallingScreen
    from qtkit.common import application
    app = application()
    m = ScreenModel(HALL)
    m.accept(_board(10, [("A004", 1, "t1")]))
    screen = CallingScreen(m)
    screen.show()
    app.processEvents()
    before = sys.getrefcount(None)
    for _ in range(300):  # what the screen does every half second and every marquee frame
        screen._tick()
        screen.notice.step()
        screen.notice.repaint()
    assert sys.getrefcount(None) - before > -100  # 6.12.0: about -2000
    screen.close()
