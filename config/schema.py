"""The schemas of every configuration file. Unknown keys are errors (extra="forbid"), and types
are strict (strict=True): `port = "1883"` (a string), `port = 1883.0` (a float) or
`speech_enabled = "true"` stop the program instead of being converted; a time is a TOML time
(`day_starts_at = 08:00:00`, no quotes); a whole number is accepted where a float is expected."""
from __future__ import annotations

import re
from collections import Counter
from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hall_protocol.mqtt import Connection, Tls

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class BrokerConfig(Strict):
    host: str = Field("127.0.0.1", description="the MQTT broker (Mosquitto) of the hall")
    port: int = Field(1883, ge=1, le=65535, description="its port")
    username: str | None = Field(None, description="defaults to the client id (= device id)")
    password: str | None = Field(None, description="better given as HALL_MQTT_PASSWORD (from provisioning)")
    keepalive: int = Field(30, ge=5, le=600, description="seconds; the broker declares a silent client gone "
                                                          "after 1.5 x this and publishes its last will")
    tls: bool = Field(False, description="connect with TLS (port 8883 of the hall's broker): required from any "
                                         "other machine, the broker speaks plain text on 127.0.0.1 only")
    ca_file: str | None = Field(None, description="with tls: the hall's CA certificate (hall-provision's ca.crt); "
                                                  "the broker's certificate and host name are verified against it")
    cert_file: str | None = Field(None, description="with tls, optional: this device's client certificate "
                                                    "(hall-provision device --client-cert)")
    key_file: str | None = Field(None, description="its private key (with cert_file)")

    @model_validator(mode="after")
    def _tls_files(self) -> "BrokerConfig":
        if self.tls and not self.ca_file:
            raise ValueError("tls = true needs ca_file (the hall's CA certificate from hall-provision)")
        if not self.tls and (self.ca_file or self.cert_file or self.key_file):
            raise ValueError("ca_file, cert_file and key_file are used with tls = true only")
        if bool(self.cert_file) != bool(self.key_file):
            raise ValueError("cert_file and key_file go together")
        return self

    def connection(self, client_id: str, password: str | None = None) -> Connection:
        """How an endpoint with this client id reaches the broker (hall_protocol.mqtt.Endpoint.over);
        `password` overrides the configured one."""
        tls = Tls.from_paths(self.ca_file, self.cert_file, self.key_file) if self.tls else None
        return Connection(self.host, self.port, self.username or client_id,
                          password if password is not None else self.password, self.keepalive, tls)


class DatabaseConfig(Strict):
    url: str = Field("sqlite:///hall-state/hall.db", description="sqlite:///path or postgresql+psycopg://...")


class BackendConfig(Strict):
    url: str | None = Field(None, description="base URL of the service platform; None = offline hall")
    app_key: str | None = Field(None, description="the platform's application key (or HALL_BACKEND_APP_KEY)")
    app_secret: str | None = Field(None, description="its signing secret; better given as HALL_BACKEND_SECRET")
    timeout_s: float = Field(5.0, gt=0, le=120, description="timeout of every platform call")


class ServiceConfig(Strict):
    code: str = Field(pattern=r"^[A-Z]$", description="one capital letter, also the ticket prefix")
    name: str = Field(min_length=1, description="Chinese name shown to citizens")
    name_en: str = Field(min_length=1, description="English name")
    area: str = Field("", description="where the windows of this service are, e.g. 一楼东区")
    area_en: str = Field("", description="the area in English")
    avg_service_min: float = Field(6.0, gt=0, le=240, description="first estimate before the hall has learned")
    daily_limit: int = Field(999, ge=1, le=9999)


class WindowConfig(Strict):
    number: int = Field(ge=1, le=999)
    name: str = Field("", description="shown on screens instead of the number, e.g. 综合窗口")
    services: dict[str, float] = Field(description="service code -> weight (>0); the window serves these")

    @field_validator("services")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("a window must serve at least one service")
        for code, weight in value.items():
            if not re.fullmatch(r"[A-Z]", code):
                raise ValueError(f"service code {code!r} must be one capital letter")
            if weight <= 0:
                raise ValueError(f"weight of {code} must be > 0")
        return value


class DeviceConfig(Strict):
    id: str = Field(pattern=ID_PATTERN, description="the device id, also its MQTT client id and user name")
    role: Literal["kiosk", "screen", "caller", "robot", "display", "supervisor"]
    window: int | None = Field(None, description="for callers, window screens and window displays")
    password: str | None = Field(None, description="MQTT password; generated at provisioning when absent")
    url: str | None = Field(None, description="device URL for serial window displays, driven by the controller")
    kind: Literal["text", "modbus"] = Field("text", description="for displays: our text protocol or a Modbus "
                                                                 "7-segment number display")


class PriorityConfig(Strict):
    elderly_age: int = Field(70, ge=50, le=120, description="green channel from this age")
    max_priority_share: float = Field(0.5, ge=0, le=1, description="at most this share of calls go to priority")


class NoShowConfig(Strict):
    requeue: Literal["never", "ask", "always"] = Field(
        "ask", description="never: a no-show ends the ticket; ask: the clerk chooses (WindowCommand.requeue); "
                           "always: a no-show goes back to the end of the queue")
    max_requeues: int = Field(1, ge=0, le=5, description="how often one ticket may go back to the queue")


class RobotConfig(Strict):
    """The hall's guide robot (docs/robot.md). The hall works the same without it."""

    device: str = Field(pattern=ID_PATTERN, description="the id of a device of role robot in this hall")
    guide_on_call: Literal["never", "asked", "asked_or_green"] = Field(
        "asked", description="when a window calls a ticket for the first time, send the robot to guide the citizen: "
                             "never; asked: only tickets taken with guide = true; asked_or_green: those and "
                             "green-channel (elderly) tickets")
    greeting_zh: str = Field("您好，欢迎来到政务服务中心，请问您要办理什么业务？", max_length=300,
                             description="what the robot says when it greets a citizen (help button)")
    greeting_en: str = Field("Hello, welcome to the service centre. How can I help you?", max_length=300,
                             description="the greeting in English")
    home_area: str = Field("entrance", max_length=64, description="where the robot waits between tasks")
    task_timeout_s: float = Field(30.0, ge=1, le=600, description="a task without any progress for this long is "
                                                                    "failed (timeout) and cancelled on the robot")


class HallConfig(Strict):
    id: str = Field(pattern=ID_PATTERN, description="hall id, part of every MQTT topic of the hall")
    name: str = Field(description="the hall's Chinese name")
    name_en: str = ""
    timezone: str = Field("Asia/Shanghai", description="IANA zone of the hall's clocks and service day")
    day_starts_at: time = Field(time(0, 0), description="local time the daily numbering restarts")
    services: list[ServiceConfig] = Field(description="the service categories, one ticket prefix each")
    windows: list[WindowConfig] = Field(description="the counters and the services each one serves")
    devices: list[DeviceConfig] = Field([], description="kiosks, screens, callers, displays, robots, supervisor desks; "
                                                        "each gets its own credentials and broker rules")
    priority: PriorityConfig = Field(PriorityConfig(), description="the green channel")
    notice: str = Field("", description="the scrolling notice line of the calling screen")
    ticket_url: str = Field("https://example.gov.cn/q/{hall}/{ticket}", description="QR link on tickets")
    voice_lang: list[Literal["zh", "en"]] = Field(["zh"], description="languages of the spoken calls, in order")
    speech_enabled: bool = Field(True, description="false: the chime only, no spoken call")
    auto_call: bool = Field(False, description="call waiting tickets automatically to the open window that has "
                                               "been idle longest")
    no_show: NoShowConfig = Field(NoShowConfig(), description="what a no-show does")
    robot: RobotConfig | None = Field(None, description="the guide robot, if the hall has one")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as err:
            raise ValueError(f"{value!r} is not a known IANA time zone; expected a name such as "
                             f"Asia/Shanghai or Asia/Urumqi") from err
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "HallConfig":
        codes = [s.code for s in self.services]
        if len(set(codes)) != len(codes):
            raise ValueError(f"service codes must be unique, got {codes}")
        numbers = [w.number for w in self.windows]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"window numbers must be unique, got {numbers}")
        for w in self.windows:
            unknown = set(w.services) - set(codes)
            if unknown:
                raise ValueError(f"window {w.number} serves unknown services {sorted(unknown)}")
        ids = [d.id for d in self.devices]
        if len(set(ids)) != len(ids):
            raise ValueError(f"device ids must be unique, got {ids}")
        for d in self.devices:
            if d.role in ("caller", "display") and d.window not in numbers:
                raise ValueError(f"{d.role} {d.id} names window {d.window}, which the hall does not have")
        if self.robot and not any(d.id == self.robot.device and d.role == "robot" for d in self.devices):
            raise ValueError(f"robot.device {self.robot.device!r} is not a device of role robot in this hall")
        return self

    def service(self, code: str) -> ServiceConfig:
        for s in self.services:
            if s.code == code:
                return s
        raise KeyError(code)

    def window(self, number: int) -> WindowConfig:
        for w in self.windows:
            if w.number == number:
                return w
        raise KeyError(number)


class LimitsConfig(Strict):
    """What one device may ask of the controller (a flooding or broken device gets its share)."""

    requests_per_s: float = Field(20.0, gt=0, le=100000, description="requests per second a device may send on "
                                  "each request topic; what it sends beyond is dropped (and counted)")
    burst: float = Field(40.0, ge=1, le=100000, description="requests a device may send at once before the rate "
                         "applies")
    queued_per_device: int = Field(64, ge=1, le=100000, description="requests of one device waiting to be "
                                   "handled; beyond, it is answered `busy`")


class HallSuiteConfig(Strict):
    """The hall controller's file: the broker, the database, the backend and its halls."""

    controller_id: str = Field("hall-controller", pattern=ID_PATTERN, description="the controller's MQTT identity")
    controller_peers: list[str] = Field(
        [], description="more controller processes sharing these halls through one PostgreSQL database, each with "
                        "its own MQTT identity (e.g. hall-controller-2); the halls are spread over all of them "
                        "and taken over when one dies")
    broker: BrokerConfig = Field(BrokerConfig(), description="see [broker]")
    database: DatabaseConfig = Field(DatabaseConfig(), description="see [database]")
    backend: BackendConfig = Field(BackendConfig(), description="see [backend]")
    limits: LimitsConfig = Field(LimitsConfig(), description="see [limits]")
    halls: list[HallConfig] = Field(description="one or many halls (a town centre and its village stations)")

    @model_validator(mode="after")
    def _unique_halls(self) -> "HallSuiteConfig":
        ids = [h.id for h in self.halls]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError(f"hall ids must be present and unique, got {ids}")
        controllers = self.controller_ids
        for cid in controllers:
            if not re.fullmatch(ID_PATTERN, cid):
                raise ValueError(f"controller id {cid!r} must match {ID_PATTERN}")
        every = [d.id for h in self.halls for d in h.devices]
        devices = set(every)
        if len(devices) != len(every):  # one broker identity each: a device id names one device
            twice = sorted(i for i, n in Counter(every).items() if n > 1)
            raise ValueError(f"device ids must be unique across the halls, got {', '.join(twice)} more than once")
        if len(set(controllers)) != len(controllers) or devices & set(controllers):
            raise ValueError(f"controller ids must be unique and differ from every device id, got {controllers}")
        return self

    @property
    def controller_ids(self) -> list[str]:
        """Every controller process's identity: `controller_id` first, then the peers."""
        return [self.controller_id, *self.controller_peers]

    def hall(self, hall_id: str) -> HallConfig:
        for h in self.halls:
            if h.id == hall_id:
                return h
        raise KeyError(hall_id)


class KioskConfig(Strict):
    """A self-service terminal's file."""

    id: str = Field(pattern=ID_PATTERN)
    hall: str = Field(pattern=ID_PATTERN)
    broker: BrokerConfig = BrokerConfig()
    printer_url: str | None = Field(None, description="receipt printer, e.g. tcp://127.0.0.1:9100")
    idcard_url: str | None = None
    a4_printer_url: str | None = Field(None, description="licence printer for identified citizens, "
                                                         "e.g. cups://Licence_A4")
    language: Literal["zh", "en"] = "zh"
    idle_timeout_s: float = Field(60, ge=5, le=600)
    elderly_idle_timeout_s: float = Field(120, ge=5, le=900)
    # Face verification (docs/face.md): on when camera_url is set; [face] holds FaceConfig keys.
    camera_url: str | None = Field(None, description="device://0, file:///clip.avi?loop=1, sim://camera?pattern=face")
    face: dict = Field(default_factory=dict, description="drivers.face.FaceConfig keys, checked at start-up")
    accept_emulator_reference: bool | None = Field(
        None, description="accept the ID card emulator's reference photo; default: only for a sim:// reader")

    @field_validator("face")
    @classmethod
    def _face_keys(cls, value: dict) -> dict:
        if value:
            from drivers.face.config import FaceConfig, FaceConfigError
            try:
                FaceConfig.from_mapping(value, source="[face]")
            except FaceConfigError as err:
                raise ValueError(str(err)) from err
        return value
