"""Pure parts of the A4 printer: PDF checks, queue state to status, server parsing."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.a4printer.jobs import InvalidDocument, JobResult, check_pdf, parse_server, queue_status
from drivers.core.errors import Action
from drivers.core.status import DeviceState

STATUS_TABLE = [
    (3, ["none"], True, DeviceState.ONLINE, Action.NONE),
    (4, ["none"], True, DeviceState.BUSY, Action.NONE),
    (5, ["media-empty-error"], True, DeviceState.USER_ERROR, Action.STAFF),
    (3, ["media-empty"], True, DeviceState.USER_ERROR, Action.STAFF),
    (3, ["media-low-warning"], True, DeviceState.ONLINE, Action.NONE),
    (4, ["cover-open-error"], True, DeviceState.USER_ERROR, Action.STAFF),
    (5, ["paused"], True, DeviceState.USER_ERROR, Action.STAFF),
    (3, ["none"], False, DeviceState.USER_ERROR, Action.STAFF),
    (4, ["connecting-to-device"], True, DeviceState.OFFLINE, Action.TECHNICIAN),
    (5, ["offline-report"], True, DeviceState.OFFLINE, Action.TECHNICIAN),
    (3, ["fuser-over-temp-error"], True, DeviceState.HARDWARE_ERROR, Action.TECHNICIAN),
]


@pytest.mark.parametrize("state,reasons,accepting,expected,action", STATUS_TABLE)
def test_queue_status(state, reasons, accepting, expected, action):
    status = queue_status(state, reasons, accepting)
    assert (status.state, status.action) == (expected, action)


def test_status_details_name_state_and_reasons():
    status = queue_status(5, ["media-empty-error", "paused"], True, "Out of paper")
    assert status.details == ("stopped", "media-empty-error", "paused")


@pytest.mark.parametrize("data", [b"%PDF-1.7\n...\n%%EOF\n", b"%PDF-1.4\n%%EOF", b"%PDF-1.4\n%%EOF\r\n" + b" " * 100])
def test_pdf_accepted(data):
    check_pdf(data)


@pytest.mark.parametrize("data", [b"", b"PDF-1.4 %%EOF", b"%PDF-1.4\nno end", b"%PDF-1.4\n%%EOF" + b"x" * 2000])
def test_pdf_refused(data):
    with pytest.raises(InvalidDocument):
        check_pdf(data)


@given(st.binary(max_size=2048))
def test_check_pdf_accepts_or_raises_invalid_document(data):
    try:
        check_pdf(data)
    except InvalidDocument:
        pass


@given(st.integers(0, 10), st.lists(st.text(max_size=30), max_size=5), st.booleans())
def test_queue_status_never_fails(state, reasons, accepting):
    assert queue_status(state, reasons, accepting).state in DeviceState


@pytest.mark.parametrize("value,expected", [(None, (None, None)), ("/run/cups/cups.sock", ("/run/cups/cups.sock", None)),
                                            ("127.0.0.1:631", ("127.0.0.1", 631)), ("printhost", ("printhost", None))])
def test_parse_server(value, expected):
    assert parse_server(value) == expected


def test_job_result():
    result = JobResult(7, 9, size=10)
    assert result.ok and result.final and result.to_dict()["state"] == "completed"
    assert "not finished" in str(JobResult(8, 5, timed_out=True))
