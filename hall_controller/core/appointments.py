"""Whether a booking can be checked in here and now (预约签到), and the priority its ticket gets.

The platform knows the booking; the hall decides when its kiosks accept it
(`HallConfig.appointments`: from `early_min` before the slot to `late_min` after it, on the
hall's calendar and clock). Each refusal has its own code, and its message says what the
citizen can do: come back at a time, go to the hall it is booked at, take a normal ticket.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from config.schema import HallConfig
from hall_controller.errors import Conflict
from hall_protocol import platform as bm


class AppointmentRefused(Conflict):
    """A booking that cannot be checked in; `code` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def slot_window(appt: bm.Appointment, hall: HallConfig) -> tuple[datetime, datetime]:
    """When check-in opens and closes for this booking, in the hall's zone."""
    zone = ZoneInfo(hall.timezone)
    start = datetime.combine(appt.date, time.fromisoformat(appt.slot_start), zone)
    end = datetime.combine(appt.date, time.fromisoformat(appt.slot_end), zone)
    if end <= start:                    # a slot that ends at (or runs past) midnight: 23:30-00:00
        end += timedelta(days=1)
    policy = hall.appointments
    return start - timedelta(minutes=policy.early_min), end + timedelta(minutes=policy.late_min)


def check(appt: bm.Appointment, hall: HallConfig, now: datetime) -> None:
    """Raise AppointmentRefused unless the booking can be checked in at this hall now."""
    if appt.status is bm.AppointmentStatus.checked_in:
        raise AppointmentRefused("appointment_checked_in", "this booking has been checked in already")
    if appt.status is bm.AppointmentStatus.cancelled:
        raise AppointmentRefused("appointment_cancelled", "this booking was cancelled")
    if appt.hall_id and appt.hall_id != hall.id:
        raise AppointmentRefused("other_hall", f"this booking is for {appt.hall_name or appt.hall_id}, "
                                               f"not {hall.name}")
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    opens, closes = slot_window(appt, hall)
    slot = f"{appt.date.isoformat()} {appt.slot_start}-{appt.slot_end}"
    if appt.status is bm.AppointmentStatus.expired or now > closes:
        raise AppointmentRefused("appointment_late", f"the booking for {slot} has lapsed (check-in closed at "
                                                     f"{closes:%Y-%m-%d %H:%M}); a normal ticket is possible")
    if now < opens:
        raise AppointmentRefused("appointment_early", f"the booking is for {slot}; check-in opens at "
                                                      f"{opens:%Y-%m-%d %H:%M}")


def ticket_priority(platform_priority: int) -> str:
    """The platform's check-in priority as the queue's: 0 normal, 1 appointment, 2+ green channel."""
    if platform_priority <= 0:
        return "normal"
    return "appointment" if platform_priority == 1 else "green"
