"""A guide robot emulator: an MQTT client that behaves like the vendor robot of docs/robot.md.

It takes `RobotTask`s on its task topic, walks a simple map of the hall at a set speed,
reports progress, position and battery on its retained state topic, drains its battery as
it walks and goes to its dock to charge when low. Faults are switched on by configuration:
  no_answer    ignores every task (the controller's timeout fails it)
  fail_midway  fails each moving task half way (reason "obstacle")
  battery_low  starts just above the low mark: the first walk fails with "battery_low" and
               the robot goes charging
  disconnect   drops off the broker on the first task, with its last will (presence offline)

`python -m devkit.robot_sim --config hall.toml --id robot-01 [--fault F] [--speed M/S]`
(password in HALL_MQTT_PASSWORD). The walking logic (`RobotSim.step`) is plain and driven by
the time passed in; `RobotSimClient` is the MQTT edge.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import threading
from dataclasses import dataclass

from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.reasoncodes import ReasonCode
from pydantic import ValidationError

from config.schema import HallConfig
from drivers.core.clock import Clock, SystemClock
from hall_protocol import contract
from hall_protocol.contract import Presence, RobotPosition, RobotState, RobotTask, RobotTaskStatus, encode
from hall_protocol.mqtt import Endpoint, Tls
from privacy import install_log_masking

log = logging.getLogger(__name__)

FAULTS = ("no_answer", "fail_midway", "battery_low", "disconnect")
DOCK = "dock"


@dataclass(frozen=True)
class SimConfig:
    speed: float = 1.0  # metres per second
    battery: float = 100.0  # percent at start
    drain_per_m: float = 0.2  # percent per metre walked
    charge_per_s: float = 2.0  # percent per second on the dock
    low: float = 20.0  # below this the robot stops its task and goes charging
    full: float = 95.0  # charging ends here
    dwell_s: float = 1.0  # at the target: time to speak before `done`
    fault: str | None = None

    def __post_init__(self) -> None:
        if self.fault is not None and self.fault not in FAULTS:
            raise ValueError(f"unknown robot fault {self.fault!r}; expected one of {', '.join(FAULTS)}")
        if self.speed <= 0:
            raise ValueError(f"robot speed must be > 0, got {self.speed}")


def hall_map(hall: HallConfig, home: str) -> dict[str, tuple[float, float]]:
    """A simple map: the entrance at the origin, the dock beside it, service areas in a row
    8 m in, the windows in a row 15 m in, 4 m apart."""
    places = {"entrance": (0.0, 0.0), DOCK: (-3.0, 0.0)}
    for i, s in enumerate(hall.services):
        if s.area:
            places.setdefault(s.area, (4.0 * i + 2.0, 8.0))
    for w in hall.windows:
        places[f"window {w.number}"] = (4.0 * w.number, 15.0)
    places.setdefault(home, places["entrance"])
    return places


class RobotSim:
    """The robot's behaviour without MQTT: `accept` a task, `step` time forward, read `state`."""

    def __init__(self, hall: HallConfig, cfg: SimConfig, home: str = "entrance") -> None:
        self.cfg, self.home = cfg, home
        self.places = hall_map(hall, home)
        self.x, self.y = self.places[home]
        self.battery = min(cfg.battery, cfg.low + 1.0) if cfg.fault == "battery_low" else cfg.battery
        self.mode = "idle"  # idle, busy, charging
        self.task: RobotTask | None = None
        self.status: RobotTaskStatus | None = None
        self.target: tuple[float, float] | None = None
        self.walked = self.path = 0.0
        self.dwell = 0.0

    # -- tasks ---------------------------------------------------------------------------
    def accept(self, task: RobotTask) -> RobotTaskStatus | None:
        """Take a task; returns a refusal for a task it cannot do (the current one goes on)."""
        if task.kind == "cancel":
            if self.task is not None and task.cancels in (None, self.task.task_id):
                self._end("failed", "cancelled")
                self._walk_to(self.home)
            return None
        if self.mode == "charging" and task.kind != "go_home":
            return RobotTaskStatus(task_id=task.task_id, progress="failed", reason="charging")
        if self.task is not None:
            return RobotTaskStatus(task_id=task.task_id, progress="failed", reason="busy")
        self.task, self.mode = task, "busy"
        self.status = RobotTaskStatus(task_id=task.task_id, progress="accepted")
        place = (f"window {task.window}" if task.window else task.area) if task.kind in ("guide", "greet") else None
        if task.kind == "go_home":
            place = task.area or self.home
        if place is not None and place not in self.places:
            self._end("failed", f"unknown place {place}")
            return None
        if place is None:  # announce (or greet in place): speak where it stands
            self.target, self.dwell = None, self.cfg.dwell_s
            self.status = RobotTaskStatus(task_id=task.task_id, progress="arrived")
        else:
            self._walk_to(place)
        return None

    def _walk_to(self, place: str) -> None:
        self.target = self.places[place]
        self.walked, self.path = 0.0, math.dist((self.x, self.y), self.target)

    def _end(self, progress: str, reason: str | None = None) -> None:
        assert self.task is not None
        self.status = RobotTaskStatus(task_id=self.task.task_id, progress=progress, reason=reason)
        self.task, self.mode, self.target = None, "idle", None

    # -- time ----------------------------------------------------------------------------
    def step(self, dt: float) -> bool:
        """Advance `dt` seconds; True when something a controller cares about changed."""
        before = (self.mode, self.status, self.area)
        if self.mode == "charging":
            self.battery = min(100.0, self.battery + self.cfg.charge_per_s * dt)
            if self.battery >= self.cfg.full:
                self.mode = "idle"
                self._walk_to(self.home)
        elif self.target is not None:
            self._move(dt)
        elif self.task is not None and self.status and self.status.progress == "arrived":
            self.dwell -= dt
            if self.dwell <= 0:
                self._end("done")
                self._walk_to(self.home)
        return (self.mode, self.status, self.area) != before

    def _move(self, dt: float) -> None:
        assert self.target is not None
        tx, ty = self.target
        left = math.dist((self.x, self.y), (tx, ty))
        d = min(left, self.cfg.speed * dt)
        if left > 0:
            self.x += (tx - self.x) * d / left
            self.y += (ty - self.y) * d / left
        self.walked += d
        self.battery = max(0.0, self.battery - self.cfg.drain_per_m * d)
        if self.task is not None and self.status.progress == "accepted":
            self.status = RobotTaskStatus(task_id=self.task.task_id, progress="moving")
        if self.task is not None and self.battery < self.cfg.low:
            self._end("failed", "battery_low")
        elif self.task is not None and self.cfg.fault == "fail_midway" and self.walked >= self.path / 2:
            self._end("failed", "obstacle")
        elif d >= left:  # there
            self.x, self.y, self.target = tx, ty, None
            if self.task is None and (tx, ty) == self.places[DOCK] and self.battery < self.cfg.full:
                self.mode = "charging"
            elif self.task is not None:
                self.status, self.dwell = RobotTaskStatus(task_id=self.task.task_id, progress="arrived"), self.cfg.dwell_s
            return
        else:
            return
        self._walk_to(DOCK if self.battery < self.cfg.low else self.home)

    @property
    def area(self) -> str:
        return next((name for name, p in self.places.items() if math.dist(p, (self.x, self.y)) < 1.5), "")

    def state(self, at: str) -> RobotState:
        state = "busy" if self.task is not None else self.mode
        return RobotState(state=state, position=RobotPosition(x=round(self.x, 2), y=round(self.y, 2), area=self.area),
                          battery=round(self.battery, 1), task=self.status, at=at)


class RobotSimClient:
    """The emulator on MQTT: the robot's own credentials, its last will, its two topics."""

    TICK_S = 0.1
    REPORT_S = 0.5  # while moving or charging

    def __init__(self, robot_id: str, hall: HallConfig, endpoint: Endpoint, cfg: SimConfig,
                 clock: Clock | None = None) -> None:
        self.id, self.hall, self.endpoint, self.clock = robot_id, hall, endpoint, clock or SystemClock()
        self.sim = RobotSim(hall, cfg, hall.robot.home_area if hall.robot else "entrance")
        self.cfg = cfg
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.tasks_seen = 0
        endpoint.on_connection_change = lambda up: up and self._online()

    @classmethod
    def connect(cls, robot_id: str, hall: HallConfig, host: str, port: int, password: str,
                cfg: SimConfig, keepalive: int = 30, tls: Tls | None = None) -> "RobotSimClient":
        offline = encode(Presence(state="offline", role="robot", halls=[hall.id]))
        ep = Endpoint(robot_id, host, port, username=robot_id, password=password,
                      will=(contract.PRESENCE.format(client=robot_id), offline), keepalive=keepalive, tls=tls)
        return cls(robot_id, hall, ep, cfg)

    def start(self, timeout: float = 10.0) -> None:
        self.endpoint.subscribe(contract.ROBOT_TASK.format(hall=self.hall.id, robot=self.id), self._on_task)
        self.endpoint.start(timeout)
        self._thread = threading.Thread(target=self._run, name=f"robot-sim-{self.id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        self.endpoint.publish(contract.PRESENCE.format(client=self.id),
                              encode(Presence(state="offline", role="robot", halls=[self.hall.id])), retain=True)
        self.endpoint.stop()

    def _online(self) -> None:
        self.endpoint.publish(contract.PRESENCE.format(client=self.id), encode(Presence(
            state="online", role="robot", halls=[self.hall.id], at=self.clock.now().isoformat())), retain=True)
        self._report()

    def _report(self, override: RobotTaskStatus | None = None) -> None:
        with self._lock:
            st = self.sim.state(self.clock.now().isoformat())
        if override is not None:
            st = st.model_copy(update={"task": override})
        self.endpoint.publish(contract.ROBOT_STATE.format(hall=self.hall.id, robot=self.id), encode(st),
                              qos=1, retain=True)

    def _on_task(self, msg) -> None:
        try:
            task = RobotTask.model_validate_json(msg.payload)
        except ValidationError as err:
            log.warning("robot %s: task rejected: %s", self.id, err.errors()[0]["msg"])
            return
        self.tasks_seen += 1
        log.info("robot %s: task %s %s", self.id, task.kind, task.task_id)
        if self.cfg.fault == "no_answer":
            return
        if self.cfg.fault == "disconnect":
            self._stop.set()  # the last will says offline; the robot is gone
            self.endpoint.client.disconnect(reasoncode=ReasonCode(PacketTypes.DISCONNECT, "Disconnect with will message"))
            return
        with self._lock:
            refusal = self.sim.accept(task)
        self._report(refusal)

    def _run(self) -> None:
        last, since_report = self.clock.monotonic(), 0.0
        while not self._stop.wait(self.TICK_S):
            now = self.clock.monotonic()
            with self._lock:
                changed = self.sim.step(now - last)
                moving = self.sim.target is not None or self.sim.mode == "charging"
            last, since_report = now, since_report + self.TICK_S
            if changed or (moving and since_report >= self.REPORT_S):
                self._report()
                since_report = 0.0


def main(argv: list[str] | None = None) -> int:
    from config import ConfigError, HallSuiteConfig, load_config
    ap = argparse.ArgumentParser(prog="robot-sim", description="Run the guide robot emulator.")
    ap.add_argument("--config", required=True, help="hall controller TOML file (broker, hall map)")
    ap.add_argument("--id", required=True, help="the robot's device id")
    ap.add_argument("--broker-port", type=int)
    ap.add_argument("--speed", type=float, default=SimConfig.speed, help="metres per second")
    ap.add_argument("--battery", type=float, default=SimConfig.battery)
    ap.add_argument("--fault", choices=FAULTS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every record masked (privacy.logs)
    try:
        suite = load_config(args.config, HallSuiteConfig)
        hall = next(h for h in suite.halls if any(d.id == args.id and d.role == "robot" for d in h.devices))
    except (ConfigError, StopIteration) as err:
        print(f"robot-sim: no robot {args.id} in {args.config}: {err}", file=sys.stderr)
        return 78
    robot = RobotSimClient.connect(args.id, hall, suite.broker.host, args.broker_port or suite.broker.port,
                                   os.environ.get("HALL_MQTT_PASSWORD", ""),
                                   SimConfig(speed=args.speed, battery=args.battery, fault=args.fault),
                                   tls=suite.broker.connection(args.id).tls)
    robot.start()
    print("robot-sim: ready", flush=True)
    stop = threading.Event()
    import signal
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    robot.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
