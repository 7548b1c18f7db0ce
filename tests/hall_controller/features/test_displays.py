"""Window LED displays driven from the hall's calls: a text display and a Modbus 7-segment
display, each an emulator on a real pty (sim:// URLs), fed by the real controller over the
real broker."""
from __future__ import annotations

import json
import threading
import time

import pytest

from config.schema import DeviceConfig
from devkit.broker import MosquittoBroker
from drivers.display.segments import segment_patterns
from hall_controller.core import calling
from hall_controller.features.displays import Wanted, wanted_for
from hall_controller.service import HallController
from hall_controller.store.db import make_engine
from hall_controller.tools.provision import identities
from hall_protocol import contract
from hall_protocol.contract import WindowCommand, WindowState
from hall_protocol.mqtt import Endpoint

HALL = "demo-hall"


@pytest.mark.parametrize("text, digits, patterns", [
    ("A001", 4, [0x77, 0x3F, 0x3F, 0x06]),
    ("B12", 4, [0x00, 0x7C, 0x06, 0x5B]),
    ("K012", 4, [0x00, 0x3F, 0x06, 0x5B]),   # K has no 7-segment form: the number stays
    ("A1234", 4, [0x06, 0x5B, 0x4F, 0x66]),  # too long: the last digits
    ("----", 4, [0x40] * 4),
])
def test_segment_patterns(text, digits, patterns):
    assert segment_patterns(text, digits) == patterns


@pytest.mark.parametrize("state, wanted", [
    (WindowState(window=3, state="calling", ticket="B001"), Wanted("call", 3, ticket="B001")),
    (WindowState(window=3, state="serving", ticket="B001"), Wanted("call", 3, ticket="B001")),
    (WindowState(window=3, state="paused", reason="午休"), Wanted("text", 3, text="暂停服务")),
    (WindowState(window=3, state="closed"), Wanted("text", 3, text="窗口已关闭")),
    (WindowState(window=3, state="idle"), Wanted("idle", 3)),
])
def test_what_a_window_display_shows(state, wanted):
    assert wanted_for(state) == wanted


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def hall_with_displays(tmp_path, hall_config, database_url):
    hall = hall_config.halls[0]
    hall = hall.model_copy(update={"devices": [
        *(d for d in hall.devices if d.role != "display"),
        DeviceConfig(id="display-w3", role="display", window=3, kind="text", url="sim://textdisplay?addr=3"),
        DeviceConfig(id="display-w1", role="display", window=1, kind="modbus",
                     url="sim://modbus7seg?slave=1&digits=4"),
    ]})
    cfg = hall_config.model_copy(update={"halls": [hall]})
    broker = MosquittoBroker(tmp_path / "broker", identities(cfg)).start()
    cfg = cfg.model_copy(update={"broker": cfg.broker.model_copy(update={"port": broker.port}),
                                 "database": cfg.database.model_copy(update={"url": database_url})})
    c = HallController(cfg, make_engine(database_url), password=broker.passwords[cfg.controller_id])
    c.start()
    yield c, c.displays, broker
    c.stop()
    broker.stop()


def test_calls_pauses_and_a_failing_line_reach_the_window_displays(hall_with_displays):
    c, displays, broker = hall_with_displays
    text = displays.workers[(HALL, 3)][0]
    number = displays.workers[(HALL, 1)][0]
    q = c.queues[HALL]

    def act(window, action, **kw):
        calling.apply(q, WindowCommand(window=window, action=action, **kw))
        c.publish_board(HALL)

    def call(window):
        out = calling.apply(q, WindowCommand(window=window, action="call_next"))
        c.publish_call(q, out.ticket, window)
        c.publish_board(HALL)

    # idle windows show their number
    assert wait_for(lambda: text.display.emulator is not None and text.display.emulator.lines[:1] == ["3号窗口"])
    assert wait_for(lambda: number.display.emulator.shown == "1")
    q.issue("B", "r1", source="kiosk-01")
    q.issue("A", "r2", source="kiosk-01")
    call(3)
    assert wait_for(lambda: text.display.emulator.last_call == ("3", "B001")), text.display.emulator.last_call
    assert wait_for(lambda: text.display.emulator.blink_s == 5)
    call(1)
    assert wait_for(lambda: number.display.emulator.shown == "A001"), number.display.emulator.shown
    act(1, "finish")
    act(1, "pause", reason="午休")
    assert wait_for(lambda: number.display.emulator.shown == "----")

    # The display's line fails: its presence goes offline; the controller goes on; when the
    # line answers again the display shows the newest call, not the one it missed.
    presence = {}
    watcher = Endpoint("supervisor-desk", "127.0.0.1", broker.port, username="supervisor-desk",
                       password=broker.passwords["supervisor-desk"])  # the desk reads every presence
    got = threading.Event()
    watcher.subscribe(contract.PRESENCE.format(client="display-w3"),
                      lambda m: (presence.update(json.loads(m.payload)), got.set()))
    watcher.start()
    try:
        text.display.emulator.faults.set("no_ack")  # for ever, until cleared
        q.issue("B", "r3", source="kiosk-01")
        q.issue("B", "r4", source="kiosk-01")
        call(3)
        assert wait_for(lambda: presence.get("state") == "offline"), presence
        call(3)  # B003 while the display is down
        text.display.emulator.faults.clear("no_ack")
        assert wait_for(lambda: text.display.emulator.last_call == ("3", "B003"), timeout=20)
        assert wait_for(lambda: presence.get("state") == "online")
    finally:
        watcher.stop()
