"""The schemas of every configuration file. Unknown keys are errors (extra="forbid"), and types
are strict (strict=True): `port = "1883"` (a string), `port = 1883.0` (a float) or
`speech_enabled = "true"` stop the program instead of being converted; a time is a TOML time
(`day_starts_at = 08:00:00`, no quotes); a whole number is accepted where a float is expected."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from datetime import date, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from drivers.speech.output import parse_output_url
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


class OpeningPeriod(Strict):
    opens: time = Field(description="local time the service starts issuing tickets, e.g. 08:30:00")
    closes: time = Field(description="local time it stops, e.g. 12:00:00")
    weekdays: list[int] = Field([1, 2, 3, 4, 5], description="ISO weekdays (1 = Monday ... 7 = Sunday)")

    @model_validator(mode="after")
    def _order(self) -> "OpeningPeriod":
        if self.closes <= self.opens:
            raise ValueError(f"closes ({self.closes}) must be after opens ({self.opens})")
        if not self.weekdays or any(d < 1 or d > 7 for d in self.weekdays):
            raise ValueError(f"weekdays must be ISO weekdays 1..7, got {self.weekdays}")
        return self


class ServiceConfig(Strict):
    code: str = Field(pattern=r"^[A-Z]$", description="one capital letter, also the ticket prefix")
    name: str = Field(min_length=1, description="Chinese name shown to citizens")
    name_en: str = Field(min_length=1, description="English name")
    area: str = Field("", description="where the windows of this service are, e.g. 一楼东区")
    area_en: str = Field("", description="the area in English")
    avg_service_min: float = Field(6.0, gt=0, le=240, description="first estimate before the hall has learned")
    daily_limit: int = Field(999, ge=1, le=9999)
    hours: list[OpeningPeriod] = Field([], description="when tickets are issued ([[halls.services.hours]]); "
                                                        "none = at any time (a 24-hour self-service zone)")
    wait_target_min: float = Field(30.0, gt=0, le=480, description="the longest wait the hall aims for; "
                                                                  "screens and alerts compare against it")


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
    role: Literal["kiosk", "screen", "caller", "robot", "display", "supervisor", "web", "ratingpad"]
    window: int | None = Field(None, description="for callers, window screens, window displays and rating pads")
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


class KioskPolicy(Strict):
    """What every kiosk of a hall shares (the kiosks learn it from the controller)."""

    elderly_mode_age: int = Field(65, ge=50, le=120, description="an ID card showing this age or more offers "
                                                                 "the elderly mode (长辈版)")
    notices: list[str] = Field([], description="short notices shown on the kiosks' attract screen")
    idle_timeout_s: float | None = Field(None, ge=5, le=600, description="a kiosk page left alone this long goes "
                                                                        "home; unset = each kiosk file's")
    elderly_idle_timeout_s: float | None = Field(None, ge=5, le=900, description="the same in elderly mode")


class AppointmentPolicy(Strict):
    """When a booking can be checked in at the hall's kiosks (预约签到)."""

    early_min: int = Field(60, ge=0, le=720, description="check-in opens this many minutes before the booked "
                                                         "slot starts")
    late_min: int = Field(30, ge=0, le=720, description="and closes this many minutes after it ends; later, the "
                                                        "citizen is offered a normal ticket")


class RatingPolicy(Strict):
    """Which tickets a citizen may still rate (好差评)."""

    window_h: float = Field(24.0, ge=0, le=168, description="a served ticket can be rated for this many hours "
                                                            "after it was served, so yesterday's too; 0 = today's "
                                                            "tickets only")
class RemoteConfig(Strict):
    """Tickets taken from a phone (在线取号) through the public web service (hall_web): the phone
    number is confirmed by an SMS code sent through the platform; one open remote ticket per
    phone and hall."""

    quota: dict[str, int] = Field(description="service code -> remote tickets a day; only these services are "
                                              "offered on the phone, e.g. { A = 30, B = 10 }")
    per_phone_daily: int = Field(2, ge=1, le=20, description="remote tickets one phone may take a day in this hall")
    check_in: Literal["none", "required"] = Field(
        "none", description="required: a remote ticket joins the calling order only once its holder checks in at "
                            "the hall (a kiosk scans the phone's QR, or a clerk confirms the number)")

    @field_validator("quota")
    @classmethod
    def _quota(cls, value: dict[str, int]) -> dict[str, int]:
        for code, n in value.items():
            if not re.fullmatch(r"[A-Z]", code):
                raise ValueError(f"service code {code!r} must be one capital letter")
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 9999:
                raise ValueError(f"quota of {code} must be a whole number 0..9999, got {n!r}")
        return value


# ---- the hall floor: loudspeakers, staff at the windows, alerts, follow-up of bad ratings ----------
class AudioZone(Strict):
    """A zone of the hall with loudspeakers of its own (a floor, an area): a call is heard in the
    zone of its window only, and a zone's announcement never waits for another zone's."""

    id: str = Field(pattern=ID_PATTERN, description="the zone's id, e.g. 2f")
    name: str = Field("", description="its Chinese name, e.g. 二楼 (a calling screen set to the zone shows it)")
    name_en: str = Field("", description="its English name, e.g. 2nd floor")
    windows: list[int] = Field(min_length=1, description="the windows whose calls are heard (and shown) here")
    sink: str = Field(description="its loudspeaker: pulse://<sink> (PulseAudio or PipeWire), alsa://<device>")
    volume: int | None = Field(None, ge=0, le=100, description="percent; unset = the hall's volume")

    @field_validator("sink")
    @classmethod
    def _sink(cls, value: str) -> str:
        parse_output_url(value)
        return value


class AudioConfig(Strict):
    """The hall's loudspeakers. The controller plays each call (chime, then the spoken call in
    `voice_lang`) on the sink of its window's zone, or on `sink` for windows in no zone."""

    sink: str = Field("auto", description="the loudspeaker of windows in no zone: auto (PulseAudio when a server "
                                          "answers, else ALSA), pulse://[sink], alsa://<device>, none")
    volume: int = Field(80, ge=0, le=100, description="percent of full scale")
    zones: list[AudioZone] = Field([], description="[[halls.audio.zones]]: a sink per zone")

    @field_validator("sink")
    @classmethod
    def _sink(cls, value: str) -> str:
        parse_output_url(value)
        return value


class StaffMember(Strict):
    """A clerk who signs in at a window caller ([[halls.staff]]). The PIN is kept as a salted
    scrypt hash (`hall-provision staff-pin`), never as typed."""

    id: str = Field(pattern=r"^[A-Za-z0-9-]{1,20}$", description="the staff number (工号), shown on screens and pads")
    name: str = Field(min_length=1, max_length=20, description="the name shown at the window (亮证服务)")
    name_en: str = Field("", max_length=40, description="the name in Latin letters, for the English line")
    title: str = Field("", max_length=30, description="e.g. 综合受理员")
    title_en: str = Field("", max_length=60)
    pin_hash: str = Field(pattern=r"^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$",
                          description="scrypt$n$r$p$salt$hash (base64), from `hall-provision staff-pin`")
    photo: str | None = Field(None, description="JPEG or PNG of the clerk (at most 200 KB), relative to the hall "
                                                 "file; shown on the window screen and the rating pad (a missing "
                                                 "one is logged at start-up)")
    supervisor: bool = Field(False, description="may follow up bad ratings and acknowledge alerts")

    @field_validator("photo")
    @classmethod
    def _photo(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        path = Path(value)
        base = (info.context or {}).get("base_dir")
        if not path.is_absolute() and base is not None:
            path = Path(base) / path
        return str(path)  # a missing or unreadable photo is logged when the controller starts, not fatal


class AlertConfig(Strict):
    """When the supervisor desks are warned ([halls.alerts]). Each alert is raised within 2 s,
    shown until acknowledged and logged."""

    wait_over_target: bool = Field(True, description="a service's longest wait passes its wait_target_min")
    calling_max_min: float = Field(5.0, gt=0, le=240, description="a window has called a ticket (not started) "
                                                                 "for longer than this")
    serving_max_min: float = Field(60.0, gt=0, le=480, description="a window serves one ticket longer than this")
    bad_rating_max: int = Field(2, ge=1, le=4, description="a rating of this score or lower is bad: an alert and a "
                                                          "follow-up case")
    device_faults: bool = Field(True, description="a device part needs staff or a technician")
    help_calls: bool = Field(True, description="a kiosk's help call")
    emergency_window: int | None = Field(None, description="a window the controller opens by itself when a service it "
                                                           "serves is over its target (unset: only suggest)")
    keep_acknowledged_min: float = Field(10.0, ge=0, le=1440, description="how long an acknowledged alert whose "
                                                                          "condition has gone stays on the board")


class FollowUpConfig(Strict):
    """Follow-up of bad ratings (差评回访整改, [halls.followup]): each bad rating opens a case
    that is assigned, the citizen contacted, the cause rectified and the case closed within
    `deadline_working_days`."""

    deadline_working_days: int = Field(15, ge=1, le=60, description="working days from the rating to the case's "
                                                                   "closing")
    contact_working_days: int = Field(3, ge=1, le=30, description="working days to contact the citizen")
    holidays: list[date] = Field([], description="public holidays (not working days), e.g. [2026-10-01]")
    workdays: list[date] = Field([], description="weekend days worked instead (调休), e.g. [2026-10-11]")


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
    ticket_url: str = Field("https://example.gov.cn/t/{hall}/{token}",
                            description="the QR link on tickets (printed or on screen): the public web service's page "
                                        "of the ticket: {hall} and its unguessable {token}, never the number")
    voice_lang: list[Literal["zh", "en"]] = Field(["zh"], description="languages of the spoken calls, in order")
    speech_enabled: bool = Field(True, description="false: the chime only, no spoken call")
    auto_call: bool = Field(False, description="call waiting tickets automatically to the open window that has "
                                               "been idle longest")
    no_show: NoShowConfig = Field(NoShowConfig(), description="what a no-show does")
    robot: RobotConfig | None = Field(None, description="the guide robot, if the hall has one")
    kiosk: KioskPolicy = Field(KioskPolicy(), description="what the hall's kiosks share")
    appointments: AppointmentPolicy = Field(AppointmentPolicy(), description="when bookings can be checked in")
    rating: RatingPolicy = Field(RatingPolicy(), description="which tickets can still be rated")
    remote: RemoteConfig | None = Field(None, description="tickets from a phone ([halls.remote]); none = not offered")
    audio: AudioConfig = Field(AudioConfig(), description="the loudspeakers: volume, zones")
    staff: list[StaffMember] = Field([], description="clerks who sign in at the window callers")
    sign_in_required: bool = Field(False, description="true: a window takes commands only while a clerk of `staff` "
                                                      "is signed in at it")
    alerts: AlertConfig = Field(AlertConfig(), description="when the supervisor is warned")
    followup: FollowUpConfig = Field(FollowUpConfig(), description="follow-up cases of bad ratings")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as err:
            raise ValueError(f"{value!r} is not a known IANA time zone; expected a name such as "
                             f"Asia/Shanghai or Asia/Urumqi") from err
        return value

    @field_validator("ticket_url")
    @classmethod
    def _ticket_url(cls, value: str) -> str:
        names = set(re.findall(r"{(\w*)}", value))
        if names != {"token", "hall"} or not value.startswith(("https://", "http://")):
            raise ValueError(f"{value!r} must be an http(s) URL with {{hall}} and {{token}} (the ticket's "
                             "unguessable page token; never the ticket number), e.g. "
                             "https://hall.example.gov.cn/t/{hall}/{token}")
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
            if d.role in ("caller", "display", "ratingpad") and d.window not in numbers:
                raise ValueError(f"{d.role} {d.id} names window {d.window}, which the hall does not have")
        if self.remote and set(self.remote.quota) - set(codes):
            raise ValueError(f"remote.quota names unknown services {sorted(set(self.remote.quota) - set(codes))}")
        if self.robot and not any(d.id == self.robot.device and d.role == "robot" for d in self.devices):
            raise ValueError(f"robot.device {self.robot.device!r} is not a device of role robot in this hall")
        self._floor(set(numbers))
        return self

    def _floor(self, numbers: set[int]) -> None:
        zoned: dict[int, str] = {}
        for z in self.audio.zones:
            for n in z.windows:
                if n not in numbers:
                    raise ValueError(f"audio zone {z.id} names window {n}, which the hall does not have")
                if n in zoned:
                    raise ValueError(f"window {n} is in audio zones {zoned[n]} and {z.id}; a window is heard in one")
                zoned[n] = z.id
        if len({z.id for z in self.audio.zones}) != len(self.audio.zones):
            raise ValueError("audio zone ids must be unique")
        staff = [m.id for m in self.staff]
        if len(set(staff)) != len(staff):
            raise ValueError(f"staff numbers must be unique, got {staff}")
        if self.sign_in_required and not staff:
            raise ValueError("sign_in_required = true needs [[halls.staff]]")
        if self.alerts.emergency_window is not None and self.alerts.emergency_window not in numbers:
            raise ValueError(f"alerts.emergency_window {self.alerts.emergency_window} is not a window of the hall")

    def zone_of(self, window: int) -> "AudioZone | None":
        return next((z for z in self.audio.zones if window in z.windows), None)

    def staff_member(self, staff_id: str | None) -> "StaffMember | None":
        return next((m for m in self.staff if m.id == staff_id), None)

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


class TechnicianConfig(Strict):
    """A technician's own MQTT identity (role technician) for `hall-ops`: reads presence and device health
    of its halls, sends ops requests to their devices and reads the answers; never issues tickets,
    commands windows or speaks as a device."""

    id: str = Field(pattern=ID_PATTERN, description="the technician's id, also the MQTT client id and user name")
    halls: list[str] = Field([], description="the halls this technician may reach; empty = every hall of the file")
    password: str | None = Field(None, description="MQTT password; generated at provisioning when absent")


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
    technicians: list[TechnicianConfig] = Field([], description="technicians' identities for remote operations "
                                                                 "(hall-ops), see [[technicians]]")

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
        techs = [t.id for t in self.technicians]
        if len(set(techs)) != len(techs) or set(techs) & (devices | set(controllers)):
            raise ValueError(f"technician ids must be unique and differ from every device and controller id, "
                             f"got {techs}")
        for t in self.technicians:
            unknown = [h for h in t.halls if h not in ids]
            if unknown:
                raise ValueError(f"technician {t.id} names halls {unknown} the file does not have ({ids})")
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


class DeviceWatchConfig(Strict):
    """How often the kiosk asks each device for its status (`[watch]`), so that its retained health
    shows a fault (paper near end, a reader gone) before a citizen meets it. A check never
    interrupts a print or a read in progress: it waits for its next turn."""

    printer_s: float = Field(30, ge=0.2, le=3600, description="receipt printer: paper (near end, out), cover, "
                                                                "online (ESC/POS real-time status)")
    idcard_s: float = Field(60, ge=0.2, le=3600, description="ID card reader: the SAM's status")
    smartcard_s: float = Field(60, ge=0.2, le=3600, description="social security card reader (PC/SC)")
    camera_s: float = Field(120, ge=0.2, le=3600, description="camera: one frame")
    a4printer_s: float = Field(60, ge=0.2, le=3600, description="A4 printer: its CUPS queue (state, reasons)")


class KioskVoiceConfig(Strict):
    """[voice]: the kiosk reads its pages aloud (elderly mode, and the 朗读 / Read aloud button on
    every page) on the terminal's own loudspeaker."""

    speaker: str = Field("auto", description="auto (PulseAudio when a server answers, else ALSA), pulse://[sink], "
                                             "alsa://<device>, none")
    volume: int = Field(80, ge=0, le=100, description="percent of full scale")
    engine: Literal["pyttsx3", "espeak", "none"] = Field("pyttsx3", description="pyttsx3 (espeak-ng underneath, "
                                                                               "espeak-ng as fallback), espeak, none")
    voice_zh: str = Field("cmn-latn-pinyin", max_length=60, description="espeak-ng voice for Mandarin")
    voice_en: str = Field("en", max_length=60, description="espeak-ng voice for English")

    @field_validator("speaker")
    @classmethod
    def _speaker(cls, value: str) -> str:
        parse_output_url(value)
        return value


class KioskConfig(Strict):
    """A self-service terminal's file."""

    id: str = Field(pattern=ID_PATTERN)
    hall: str = Field(pattern=ID_PATTERN)
    broker: BrokerConfig = BrokerConfig()
    password_file: str | None = Field(None, description="the file holding its MQTT password (hall-provision's "
                                                        "<id>.password, 0600); else HALL_MQTT_PASSWORD or "
                                                        "[broker] password. Everything of the hall (services, "
                                                        "names, hours, notices) comes from the controller")
    printer_url: str | None = Field(None, description="receipt printer, e.g. tcp://127.0.0.1:9100")
    idcard_url: str | None = None
    a4_printer_url: str | None = Field(None, description="licence printer for identified citizens, "
                                                         "e.g. cups://Licence_A4")
    language: Literal["zh", "en"] = "zh"
    idle_timeout_s: float = Field(60, ge=5, le=600)
    elderly_idle_timeout_s: float = Field(120, ge=5, le=900)
    attract_after_s: float = Field(90, ge=10, le=3600, description="the home page left untouched this long shows "
                                                                   "the attract screen (hall, time, notices)")
    no_paper_timeout_s: float = Field(120, ge=20, le=900, description="the number shown as a QR when it cannot be "
                                                                      "printed stays until Done or this long")
    # Face verification (docs/face.md): on when camera_url is set; [face] holds FaceConfig keys.
    camera_url: str | None = Field(None, description="device://0, file:///clip.avi?loop=1, sim://camera?pattern=face")
    face: dict = Field(default_factory=dict, description="drivers.face.FaceConfig keys, checked at start-up")
    accept_emulator_reference: bool | None = Field(
        None, description="accept the ID card emulator's reference photo; default: only for a sim:// reader")
    smartcard_url: str | None = Field(None, description="social security card reader (PC/SC), e.g. "
                                                        "pcsc://ACS ACR39U 00 00: identify with the social security "
                                                        "card as well as (or instead of) the ID card")
    watch: DeviceWatchConfig = Field(DeviceWatchConfig(), description="how often each device is checked ([watch])")
    voice: KioskVoiceConfig = Field(KioskVoiceConfig(), description="[voice]: pages read aloud")
    # The locked-down terminal (kiosk_app/qt/lockdown.py): on for the real terminal, off on a desktop
    # (`kiosk --no-kiosk-mode`, the demo)
    kiosk_mode: bool = Field(True, description="frameless full screen, close shortcuts ignored, no context menus")
    hide_cursor: bool = Field(False, description="hide the mouse cursor (a touch screen)")
    technician_pin_hash: str | None = Field(
        None,
        description="the technician page's PIN (a long press in the top-left corner), as "
                    "`python -m kiosk_app.technician hash-pin` prints it; none: no technician page")

    @field_validator("technician_pin_hash")
    @classmethod
    def _pin_hash(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"pbkdf2_sha256\$[0-9]{4,7}\$[0-9a-f]{32}\$[0-9a-f]{64}", value):
            raise ValueError("expected the hash that `python -m kiosk_app.technician hash-pin` prints "
                             "(pbkdf2_sha256$...), never the PIN itself")
        return value

    @field_validator("smartcard_url")
    @classmethod
    def _pcsc(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith("pcsc://") or len(value) <= len("pcsc://")):
            raise ValueError(f"{value!r} is not a PC/SC reader; expected pcsc://READER NAME, "
                             "e.g. pcsc://Virtual PCD 00 00 (see `kioskctl smartcard readers`)")
        return value

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


class WebHall(Strict):
    """A hall the public web service shows (its names, services and figures come from the
    hall's retained board and statistics)."""

    id: str = Field(pattern=ID_PATTERN, description="the hall's id, as in the hall file")
    level: Literal["centre", "town", "village"] = Field("centre", description="the city page groups halls by level")
    parent: str | None = Field(None, pattern=ID_PATTERN, description="the centre or town it belongs to")


class WebConfig(Strict):
    """The public web service's file (`hall-web --config`): phone pages, hall and city pages,
    data screens. It talks to the halls over MQTT with its own device identity (role web in the
    hall file); it never touches the database and holds no platform credentials."""

    id: str = Field(pattern=ID_PATTERN, description="its device id (role web in the hall file), MQTT client id")
    broker: BrokerConfig = Field(BrokerConfig(), description="see [broker]; the password better given as "
                                                             "HALL_MQTT_PASSWORD")
    listen_host: str = Field("127.0.0.1", description="address to listen on (behind the city's reverse proxy)")
    listen_port: int = Field(8080, ge=0, le=65535, description="port to listen on; 0 = any free port")
    public_url: str = Field("http://127.0.0.1:8080", pattern=r"^https?://[^/?#]+(/[^?#]*)?$",
                            description="the address citizens reach it at (links on pages); the halls' "
                                        "ticket_url should start with it")
    city_name: str = Field("政务服务", description="the city page's title, e.g. 示范市政务服务")
    city_name_en: str = Field("Government Services", description="its English title")
    halls: list[WebHall] = Field(min_length=1, description="the halls shown, in this order ([[halls]])")
    page_loads_per_min: int = Field(600, ge=1, le=100000, description="pages, live streams and API calls one "
                                    "address may open a minute; more are answered 429 (mobile carriers put many "
                                    "phones behind one address: be generous)")
    forms_per_hour: int = Field(120, ge=1, le=100000, description="forms (code, take, remind, rate) one address may "
                                                                 "send an hour (SMS codes are limited per number too)")
    codes_per_phone_per_hour: int = Field(3, ge=1, le=20, description="SMS codes one phone number may be sent an "
                                                                     "hour")
    max_live_pages: int = Field(20000, ge=1, le=1000000, description="live connections at once; more are refused "
                                                                    "(the page then refreshes by itself)")
    trust_forwarded_for: bool = Field(False, description="take the client address from X-Forwarded-For (only "
                                                         "behind a reverse proxy that sets it)")
    secret: str | None = Field(None, min_length=32, description="signs form tokens (CSRF); better given as "
                                                                "HALL_WEB_SECRET; none = a new one per start")

    @model_validator(mode="after")
    def _halls(self) -> "WebConfig":
        ids = [h.id for h in self.halls]
        if len(set(ids)) != len(ids):
            raise ValueError(f"hall ids must be unique, got {ids}")
        for h in self.halls:
            if h.parent is not None and h.parent not in ids:
                raise ValueError(f"hall {h.id}: parent {h.parent!r} is not one of the halls")
        return self
