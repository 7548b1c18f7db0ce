"""The A4 printer against a private cupsd with raw queues to loopback listeners."""
from __future__ import annotations

import pytest

from drivers.a4printer.jobs import InvalidDocument
from drivers.a4printer.printer import A4Printer
from drivers.core.errors import Action, DeviceUnavailable, UserError
from drivers.core.status import DeviceState


@pytest.fixture
def printer(queue_url):
    dev = A4Printer(queue_url, timeout=30, poll=0.05)
    dev.start()
    yield dev
    dev.close()


def test_pdf_arrives_byte_exact_and_job_completes(printer, listener, licence_pdf):
    result = printer.print_pdf(licence_pdf, "营业执照")
    assert result.ok and result.state_name == "completed" and not result.timed_out
    assert listener.received.wait(10)
    assert listener.jobs == [licence_pdf]
    assert printer.counters.get("prints") == 1
    assert printer.refresh_status().state is DeviceState.ONLINE


@pytest.mark.parametrize("data", [b"hello", b"%PDF-1.4\n1 0 obj\n", b"", b"\x89PNG\r\n\x1a\n%%EOF"])
def test_non_pdf_refused_before_sending(printer, listener, data):
    with pytest.raises(InvalidDocument):
        printer.print_pdf(data, "bad")
    assert printer.queue_attributes()["queued-job-count"] == 0
    assert listener.jobs == []


def test_disabled_queue_is_reported(cupsd, printer, licence_pdf):
    cupsd.lp("cupsdisable", printer.queue)
    status = printer.refresh_status()
    assert status.state is DeviceState.USER_ERROR and status.action is Action.STAFF
    assert "stopped" in status.details and "paused" in status.details
    with pytest.raises(UserError):
        printer.print_pdf(licence_pdf, "x")
    assert printer.queue_state()["state"] == "stopped"
    cupsd.lp("cupsenable", printer.queue)
    assert printer.refresh_status().state is DeviceState.ONLINE


def test_rejecting_queue_is_reported(cupsd, printer):
    cupsd.lp("cupsreject", printer.queue)
    status = printer.refresh_status()
    assert status.state is DeviceState.USER_ERROR and "not-accepting-jobs" in status.details


def test_refusing_printer_gives_a_clear_result_within_the_timeout(cupsd, licence_pdf):
    from tests.drivers.a4printer.conftest import free_port

    url = cupsd.add_queue("Refusing", free_port())  # nothing listens there
    printer = A4Printer(url, timeout=3, poll=0.1)
    printer.start()
    result = printer.print_pdf(licence_pdf, "x")
    assert not result.ok and result.timed_out
    assert result.state_name in ("canceled", "aborted") and result.message
    assert printer.counters.get("faults") >= 1
    printer.close()


def test_unknown_queue_and_unreachable_server(cupsd, tmp_path):
    with pytest.raises(DeviceUnavailable):
        A4Printer(f"cups://NoSuchQueue?server={cupsd.sock}").open()
    dead = A4Printer(f"cups://X?server={tmp_path}/none.sock")
    assert dead.refresh_status().state is DeviceState.NO_DEVICE
