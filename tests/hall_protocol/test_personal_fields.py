"""Free text fields of the requests mask ID and phone numbers on arrival; the fields that select
something at the platform, and the rating comment the platform receives as written, do not."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from hall_protocol.contract import BackendRequest, TicketRequest, WindowCommand
from tests.support.personal import personal_numbers

NUMBERS = personal_numbers(5)


@pytest.mark.parametrize("kind", sorted(NUMBERS))
def test_typed_free_text_is_masked_on_arrival(kind):
    n = NUMBERS[kind]
    cmd = WindowCommand(window=1, action="pause", reason=f"回电 {n}", clerk=n)
    ticket = TicketRequest(service="A", request_id="r" * 8, appointment_code=n)
    rate = BackendRequest(op="rate", ticket="A001", score=1, request_id="r" * 8, reason_codes=[n],
                          reprint_reason=n, comment=f"请回电 {n}")
    masked = [cmd.reason, cmd.clerk, ticket.appointment_code, rate.reason_codes[0], rate.reprint_reason]
    assert all(n not in v and "*" in v for v in masked), masked
    assert rate.comment == f"请回电 {n}"  # the platform receives the comment as written


def test_what_selects_something_at_the_platform_is_passed_on_as_sent():
    n = NUMBERS["resident"]
    assert BackendRequest(op="appointment", code=n).code == n
    assert BackendRequest(op="licence_pdf", licence_id=n).licence_id == n
    assert BackendRequest(op="guide", matter_id=n).matter_id == n
    assert BackendRequest(op="progress", id_number=n).id_number == n


def test_hostile_lengths_are_refused():
    with pytest.raises(ValidationError):
        TicketRequest(service="A", request_id="r" * 8, appointment_code="x" * 65)
    with pytest.raises(ValidationError):
        WindowCommand(window=1, action="call", ticket="A" * 9)
    with pytest.raises(ValidationError):
        BackendRequest(op="rate", ticket="A001", score=1, request_id="r" * 8, reason_codes=["x" * 33])
