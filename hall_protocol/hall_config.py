"""What a hall's kiosks need to know of their hall, retained per hall (`hall/<hall>/state/config`).

The controller publishes it from its hall file (config/kiosk_view.py) at start, after every
reconnect and after a reload that changed it; a kiosk starts from its own file (identity, broker,
device URLs, its credential) and learns everything else here. Nothing secret: no platform key or
secret, no staff PINs, no device's password or address, no other device's data.
"""
from __future__ import annotations

from pydantic import Field

from hall_protocol.payload import Payload


class ServiceHours(Payload):
    opens: str = Field(pattern=r"^\d{2}:\d{2}(:\d{2})?$", description="local time tickets start, HH:MM:SS")
    closes: str = Field(pattern=r"^\d{2}:\d{2}(:\d{2})?$", description="local time they stop")
    weekdays: list[int] = Field(description="ISO weekdays (1 = Monday ... 7 = Sunday)")


class KioskService(Payload):
    code: str = Field(pattern=r"^[A-Z]$", description="the service's letter, also the ticket prefix")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=200)
    area: str = Field("", max_length=100, description="where its windows are (the waiting area)")
    area_en: str = Field("", max_length=200)
    hours: list[ServiceHours] = Field([], description="when tickets are issued; none = at any time")
    daily_limit: int = Field(999, ge=1, le=9999, description="tickets a day")
    avg_service_min: float = Field(6.0, gt=0, le=240)
    wait_target_min: float = Field(30.0, gt=0, le=480)


class WaitingArea(Payload):
    name: str
    name_en: str = ""
    services: list[str] = Field(description="the codes of the services whose windows are there")


class HallKioskConfig(Payload):
    """The kiosk-facing part of a hall's file (nothing secret)."""

    hall: str = Field(description="the hall's id")
    name: str
    name_en: str = ""
    timezone: str = Field(description="IANA zone of the hall's clocks")
    day_starts_at: str = Field("00:00:00", pattern=r"^\d{2}:\d{2}(:\d{2})?$")
    services: list[KioskService] = Field(max_length=26)
    areas: list[WaitingArea] = Field([], description="the waiting areas, from the services' areas")
    notice: str = Field("", max_length=1000, description="the hall's scrolling notice")
    notices: list[str] = Field([], max_length=20, description="short notices for the kiosks' attract screen")
    idle_timeout_s: float | None = Field(None, ge=5, le=600, description="a kiosk page left alone this long goes "
                                                                        "home; none = the kiosk file's")
    elderly_idle_timeout_s: float | None = Field(None, ge=5, le=900, description="the same in elderly mode")
    elderly_mode_age: int = Field(65, ge=50, le=120, description="the elderly mode (长辈版) is offered from this age")
    elderly_age: int = Field(70, ge=50, le=120, description="the green channel from this age (priority)")
    ticket_url: str = Field(description="the phone page of a ticket: {hall} and {token}")
    phone_page: str | None = Field(None, max_length=500, description="the hall's phone queue page (hall_web's "
                                   "/h/<hall>) when it offers tickets from a phone; none otherwise (the attract "
                                   "screen's QR)")
    appointment_early_min: int = Field(60, ge=0, le=720)
    appointment_late_min: int = Field(30, ge=0, le=720)
    rating_window_h: float = Field(24.0, ge=0, le=168)
    robot: bool = Field(False, description="the hall has a guide robot (the kiosk's 引导 / Guide me)")
