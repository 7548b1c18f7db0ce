"""Synthetic data: valid GB 11643 ID numbers, appointments for today, printable licences."""
from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_backend import synth


@pytest.mark.parametrize("first17, check", [
    # worked examples of the GB 11643-1999 ISO 7064 MOD 11-2 check digit
    ("11010519491231002", "X"),
    ("44052418800101001", "4"),
    ("33010619380319507", "X"),
])
def test_check_digit_table(first17: str, check: str) -> None:
    assert synth.check_digit(first17) == check


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 2**32))
def test_generated_id_numbers_are_valid(birth: date, seed: int) -> None:
    idn = synth.make_id_number(random.Random(seed), birth)
    assert synth.valid_id_number(idn)
    assert idn[6:14] == birth.strftime("%Y%m%d")


@given(st.text(min_size=0, max_size=20))
def test_valid_id_number_never_raises(s: str) -> None:
    assert synth.valid_id_number(s) in (True, False)


def test_world_is_deterministic_and_for_today() -> None:
    today = date(2026, 3, 2)
    a, b = synth.build_world(7, today), synth.build_world(7, today)
    assert [c.id_number for c in a.citizens] == [c.id_number for c in b.citizens]
    assert all(appt.date == today for _, appt in a.appointments.values())
    assert {g.service_code for g in a.matters.values()} == {"A", "B", "C", "D"}
    assert any(c.birth.year < 1950 for c in a.citizens), "elderly citizens for the green channel"
    assert len({a.status for apps in a.applications.values() for a in apps}) >= 5
    assert all(synth.valid_id_number(c.id_number) for c in a.citizens if c.card_type != "foreigner_2017")
    # one holder of each card a kiosk reads, after the residents
    assert [c.card_type for c in a.citizens[-3:]] == ["permit_hmt", "foreigner_2017", "foreigner_2023"]
    old_foreigner = a.citizens[-2].id_number
    assert len(old_foreigner) == 15 and old_foreigner[:3].isalpha() and old_foreigner[3:].isdigit()
    for c in a.citizens[-3:]:   # each has what the kiosk's services show
        assert a.applications[c.id_number] and any(idn == c.id_number for idn, _ in a.appointments.values())
        assert any(idn == c.id_number and lic.printable for idn, _, lic in a.licences.values())
