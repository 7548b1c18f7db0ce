"""The robot emulator's walking logic without MQTT: time is passed in (`step(dt)`)."""
import pytest

from config.schema import HallConfig, RobotConfig
from devkit.robot_sim import RobotSim, SimConfig
from hall_protocol.contract import RobotTask

AT = "2026-01-05T08:30:00+08:00"


def task(kind="guide", tid="task-0001", **kw):
    return RobotTask(task_id=tid, kind=kind, issued_at=AT, **kw)


def run(sim, seconds, dt=0.1):
    for _ in range(int(seconds / dt)):
        sim.step(dt)


def progress(sim):
    return (sim.status.progress, sim.status.reason)


@pytest.fixture
def hall(hall_config) -> HallConfig:
    return hall_config.halls[0]


def test_guide_walks_to_the_window_reports_and_comes_home(hall):
    sim = RobotSim(hall, SimConfig(speed=2.0, dwell_s=1.0))
    assert sim.accept(task(window=1, ticket="A001")) is None and progress(sim) == ("accepted", None)
    sim.step(0.5)
    assert progress(sim) == ("moving", None) and sim.state(AT).state == "busy"
    run(sim, 7.5)  # 15.5 m at 2 m/s: there after 7.8 s
    assert progress(sim) == ("arrived", None) and sim.area == "window 1"
    run(sim, 1.2)
    assert progress(sim) == ("done", None) and sim.state(AT).state == "idle"
    run(sim, 10)
    assert sim.area == "entrance" and sim.battery == pytest.approx(100 - 0.2 * 2 * 15.52, abs=0.1)


def test_busy_robot_refuses_a_second_task_and_cancel_stops_the_first(hall):
    sim = RobotSim(hall, SimConfig())
    sim.accept(task(window=2))
    refusal = sim.accept(task(tid="task-0002", window=3))
    assert (refusal.task_id, refusal.progress, refusal.reason) == ("task-0002", "failed", "busy")
    assert sim.accept(task("cancel", tid="task-0003", cancels="someone-else")) is None
    assert progress(sim) == ("accepted", None)  # a cancel of another task is ignored
    sim.accept(task("cancel", tid="task-0004", cancels="task-0001"))
    assert progress(sim) == ("failed", "cancelled") and sim.state(AT).state == "idle"


@pytest.mark.parametrize("fault, reason", [("fail_midway", "obstacle"), ("battery_low", "battery_low")])
def test_faults_fail_the_walk(hall, fault, reason):
    sim = RobotSim(hall, SimConfig(speed=1.0, fault=fault, charge_per_s=10))
    sim.accept(task(window=4))
    run(sim, 20)
    assert progress(sim) == ("failed", reason)
    if fault == "battery_low":  # to the dock, charge, then home and ready again
        assert sim.state(AT).state == "charging" or sim.battery >= 95
        run(sim, 30)
        assert sim.state(AT).state == "idle" and sim.area == "entrance"
        assert sim.accept(task(tid="task-0009", window=1)) is None


def test_unknown_place_and_bad_configuration_are_named(hall):
    sim = RobotSim(hall, SimConfig())
    sim.accept(task(area="roof"))
    assert progress(sim) == ("failed", "unknown place roof")
    with pytest.raises(ValueError, match="unknown robot fault 'explode'"):
        SimConfig(fault="explode")
    with pytest.raises(ValueError, match="guide task needs window or area"):
        task()


def test_hall_robot_must_name_a_robot_device(hall):
    with pytest.raises(ValueError, match="robot.device 'kiosk-01' is not a device of role robot"):
        HallConfig.model_validate({**hall.model_dump(), "robot": RobotConfig(device="kiosk-01").model_dump()})
