"""The hall's check-in rules for a booking (hall_controller/core/appointments.py), as a table:
status, hall, day and slot on the hall's clock, with the example hall's policy (60 min early,
30 min late)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from config import HallSuiteConfig, load_config
from hall_controller.core.appointments import AppointmentRefused, check, ticket_priority
from hall_protocol import platform as bm
from tests.support.fixtures import EXAMPLE_HALL

SH = ZoneInfo("Asia/Shanghai")
HALL = load_config(EXAMPLE_HALL, HallSuiteConfig).hall("demo-hall")


def booking(status="booked", day=date(2026, 3, 9), start="10:00", end="10:30", hall_id=None, hall_name=""):
    return bm.Appointment(code="12345678", matter_id="A001", matter_name="户籍证明开具", service_code="A",
                          holder_masked="110105********002X", date=day, slot_start=start, slot_end=end,
                          status=bm.AppointmentStatus(status), hall_id=hall_id, hall_name=hall_name)


@pytest.mark.parametrize("appt,now,code", [
    (booking(), datetime(2026, 3, 9, 10, 10, tzinfo=SH), None),                       # in the slot
    (booking(), datetime(2026, 3, 9, 9, 0, tzinfo=SH), None),                         # 60 min early: opens
    (booking(), datetime(2026, 3, 9, 8, 59, tzinfo=SH), "appointment_early"),
    (booking(), datetime(2026, 3, 9, 11, 0, tzinfo=SH), None),                        # 30 min after: still
    (booking(), datetime(2026, 3, 9, 11, 1, tzinfo=SH), "appointment_late"),
    (booking(), datetime(2026, 3, 9, 2, 5, tzinfo=timezone.utc), None),               # 10:05 in Shanghai
    (booking(), datetime(2026, 3, 8, 10, 10, tzinfo=SH), "appointment_early"),        # tomorrow's booking
    (booking(), datetime(2026, 3, 10, 10, 10, tzinfo=SH), "appointment_late"),        # yesterday's
    (booking("checked_in"), datetime(2026, 3, 9, 10, 10, tzinfo=SH), "appointment_checked_in"),
    (booking("cancelled"), datetime(2026, 3, 9, 10, 10, tzinfo=SH), "appointment_cancelled"),
    (booking("expired"), datetime(2026, 3, 9, 10, 10, tzinfo=SH), "appointment_late"),
    (booking(hall_id="north-hall", hall_name="北区中心"), datetime(2026, 3, 9, 10, 10, tzinfo=SH), "other_hall"),
    (booking(hall_id="demo-hall"), datetime(2026, 3, 9, 10, 10, tzinfo=SH), None),
    # the day's last slot ends at midnight: it closes 30 min into the next day, not at 00:30 of its own
    (booking(start="23:30", end="00:00"), datetime(2026, 3, 9, 23, 40, tzinfo=SH), None),
    (booking(start="23:30", end="00:00"), datetime(2026, 3, 10, 0, 30, tzinfo=SH), None),
    (booking(start="23:30", end="00:00"), datetime(2026, 3, 10, 0, 31, tzinfo=SH), "appointment_late"),
])
def test_check_in_rules(appt, now, code):
    if code is None:
        check(appt, HALL, now)
        return
    with pytest.raises(AppointmentRefused) as err:
        check(appt, HALL, now)
    assert err.value.code == code and len(str(err.value)) < 200
    if code == "other_hall":
        assert "北区中心" in str(err.value)
    if code == "appointment_early" and appt.date == now.date():
        assert "09:00" in str(err.value)                # when check-in opens


@pytest.mark.parametrize("priority,queue", [(0, "normal"), (1, "appointment"), (2, "green"), (5, "green")])
def test_the_platforms_priority_as_the_queues(priority, queue):
    assert ticket_priority(priority) == queue
