"""NumberDisplay (pymodbus) against the Modbus RTU emulator on a real pty."""
from __future__ import annotations

import pytest

from drivers.core import Action, Counters, DeviceState, DeviceTimeout, DeviceUnavailable, HardwareError
from drivers.display.modbus7seg import NumberDisplay


@pytest.fixture
def display(tmp_path):
    with NumberDisplay("sim://modbus7seg?slave=1", counters=Counters("n", directory=tmp_path)) as d:
        yield d


def test_number_decimal_point_and_blank(display):
    emu = display.emulator
    display.show_number(12)
    assert emu.registers[0] == 12 and emu.shown == "12" and display.read_number() == 12
    display.show_number(1234, decimals=2)
    assert emu.shown == "12.34"
    display.blank()
    assert emu.shown == "" and emu.registers[0x80:0x84] == [0, 0, 0, 0]
    display.show_segments([0x3F, 0x06, 0x5B, 0x4F | 0x80])
    assert emu.shown == "0123."
    status = display.refresh_status()
    assert status.state is DeviceState.ONLINE and status.extra["number"] == 1234


def test_out_of_range(display):
    with pytest.raises(ValueError):
        display.show_number(10000)
    with pytest.raises(ValueError):
        display.show_segments([0, 0])


def test_lost_and_broken_answers_are_retried(display):
    display.emulator.faults.set("silence", 1)
    display.show_number(7)
    display.emulator.faults.set("bad_crc", 1)
    display.show_number(8)
    assert display.emulator.shown == "8"


def test_silent_display_goes_offline(display):
    display.emulator.faults.set("silence")
    with pytest.raises(DeviceTimeout) as info:
        display.show_number(9)
    assert info.value.action is Action.TECHNICIAN
    assert display.status.state is DeviceState.OFFLINE
    display.emulator.faults.clear()
    assert display.refresh_status().state is DeviceState.ONLINE


def test_device_failure_exception(display):
    display.emulator.faults.set("exception", 1)
    with pytest.raises(HardwareError):
        display.show_number(1)
    assert display.status.state is DeviceState.HARDWARE_ERROR


def test_emulator_process_other_slave(emulator_process, tmp_path):
    path = emulator_process("modbus", "--addr", "9")
    with NumberDisplay(f"serial://{path}?baud=9600&slave=9", counters=Counters("p", directory=tmp_path)) as d:
        d.show_number(42)
        assert d.read_number() == 42
    wrong = NumberDisplay(f"serial://{path}", slave=8, timeout=0.1, retries=0,
                          counters=Counters("w", directory=tmp_path))
    wrong.start()
    assert wrong.refresh_status().state is DeviceState.OFFLINE
    wrong.close()


def test_missing_port(tmp_path):
    with pytest.raises(DeviceUnavailable):
        NumberDisplay("serial:///dev/does-not-exist", counters=Counters("x", directory=tmp_path)).start()
