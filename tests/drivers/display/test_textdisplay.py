"""TextDisplay against its emulator on a real pty: in-process (sim://) and as a process."""
from __future__ import annotations

import time

import pytest

from drivers.core import Action, Counters, DeviceState, DeviceTimeout, HardwareError, ProtocolError
from drivers.display.textdisplay import TextDisplay


@pytest.fixture
def display(tmp_path):
    with TextDisplay("sim://textdisplay?addr=3", counters=Counters("t", directory=tmp_path)) as d:
        yield d


def test_commands_change_what_it_shows(display):
    emu = display.emulator
    display.show_call(3, "A001")
    assert emu.last_call == ("3", "A001") and emu.lines == ["A001", "请到3号窗口"]
    display.show_text("暂停服务", line=2)
    display.brightness(40)
    display.blink(5)
    state = display.query()
    assert state.lines == ("A001", "请到3号窗口", "暂停服务") and state.brightness == 40 and state.blink_s == 5
    display.clear()
    assert emu.lines == [] and emu.last_call is None
    assert display.refresh_status().state is DeviceState.ONLINE
    assert display.counters.get("commands") == 5


def test_lost_answers_are_retried(display):
    display.emulator.faults.set("no_ack", 2)
    display.show_call(1, "B002")
    display.emulator.faults.set("bad_crc", 1)
    display.show_text("x")
    display.emulator.faults.set("nak", 1)
    display.clear()
    assert display.counters.get("retries") == 4
    assert display.emulator.lines == []


def test_silent_display_goes_offline_then_recovers(display):
    display.emulator.faults.set("no_ack")
    with pytest.raises(DeviceTimeout) as info:
        display.show_call(1, "A001")
    assert info.value.action is Action.TECHNICIAN
    assert display.emulator.frames_seen == 4  # first try and 3 retries
    assert display.status.state is DeviceState.OFFLINE
    display.emulator.faults.clear()
    display.show_call(1, "A001")
    assert display.status.state is DeviceState.ONLINE


def test_refusals(display):
    display.emulator.faults.set("led_fault")
    status = display.refresh_status()
    assert status.state is DeviceState.HARDWARE_ERROR and "led_fault" in status.details
    assert status.action is Action.TECHNICIAN
    with pytest.raises(ProtocolError):
        display.brightness(101)  # refused before anything is sent


def test_unknown_command_is_refused_not_retried(display):
    with pytest.raises(ProtocolError):
        display._command(0x42)  # the display answers UNKNOWN_CMD
    assert display.counters.get("retries") == 0


def test_broadcast_is_sent_once_without_waiting(tmp_path):
    with TextDisplay("sim://textdisplay", addr=0xFF, counters=Counters("b", directory=tmp_path)) as d:
        d.show_text("全部窗口暂停")  # returns as soon as it is written: no display answers a broadcast
        deadline = time.monotonic() + 5
        while d.emulator.lines != ["全部窗口暂停"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert d.emulator.lines == ["全部窗口暂停"]
        assert d.refresh_status().details == ("broadcast",)


def test_emulator_process_on_pty(emulator_process, tmp_path):
    path = emulator_process("text", "--addr", "5", "--fault", "no_ack:1")
    with TextDisplay(f"serial://{path}", addr=5, counters=Counters("p", directory=tmp_path)) as d:
        d.show_call("12", "C033")
        assert d.query().lines == ("C033", "请到12号窗口")
        assert d.counters.get("retries") == 1


def test_missing_line_is_unavailable(tmp_path):
    d = TextDisplay("serial:///dev/does-not-exist", counters=Counters("m", directory=tmp_path))
    with pytest.raises(Exception) as info:
        d.start()
    assert d.status.state is DeviceState.NO_DEVICE and "does-not-exist" in str(info.value)
    assert not isinstance(info.value, (HardwareError,))
