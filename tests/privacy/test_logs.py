"""Every log record masked (privacy.logs): whatever logger made it, whatever field carried the
number, whichever handler writes it; and what an uncaught exception prints."""
from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from privacy import MaskingFilter, install_log_masking
from privacy.logs import uninstall_log_masking
from tests.support.personal import personal_numbers

ROOT = Path(__file__).resolve().parents[2]
N = personal_numbers(3)
ID, PHONE, OLD_FOREIGN = N["resident"], N["phone"], N["foreigner_2017"]


@pytest.fixture
def root_output():
    """A handler on the root logger (as basicConfig makes), then the masking installed on it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    install_log_masking()
    yield out
    uninstall_log_masking()
    root.removeHandler(handler)
    root.setLevel(old_level)


def _leaks(text: str) -> list[str]:
    return [kind for kind, number in N.items() if number in text]


def test_a_child_loggers_record_is_masked_in_message_and_arguments(root_output):
    child = logging.getLogger("hall_controller.some.deep.child")
    child.info("citizen %s called from %s", ID, PHONE)
    child.warning(f"typed into the code field: {OLD_FOREIGN}")
    child.debug("all kinds: %r", N)
    text = root_output.getvalue()
    assert _leaks(text) == []
    assert f"{ID[:6]}********{ID[-4:]}" in text and f"{PHONE[:3]}****{PHONE[-4:]}" in text


def test_exception_text_and_extra_fields_are_masked(root_output):
    log = logging.getLogger("kiosk_app.flows")
    try:
        raise ValueError(f"bad appointment code {ID}")
    except ValueError:
        log.exception("lookup failed")
    log.error("with extra", extra={"citizen": PHONE}, stack_info=True)
    root_output.write(logging.getLogger().handlers[-1].format(
        logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "m", (), None, extra={"who": ID})))
    text = root_output.getvalue()
    assert "ValueError: bad appointment code" in text and "Traceback" in text
    assert _leaks(text) == []


def test_a_handler_added_later_and_a_logger_of_its_own_are_masked_too(root_output, caplog):
    caplog.set_level(logging.DEBUG)
    own = logging.getLogger("drivers.raw")  # a logger with its own handler, not propagating
    out = io.StringIO()
    own.addHandler(logging.StreamHandler(out))
    own.propagate = False
    try:
        own.warning("card %s", ID)
        logging.getLogger("reference_backend").info("sms to %s", PHONE)
    finally:
        own.propagate = True
        own.handlers.clear()
    assert _leaks(out.getvalue()) == [] and "card " in out.getvalue()
    assert caplog.records and _leaks(caplog.text) == [] and "sms to" in caplog.text
    assert all(_leaks(r.getMessage()) == [] for r in caplog.records)


def test_a_record_made_outside_the_factory_is_masked_by_the_handler_filter(root_output):
    record = logging.makeLogRecord({"name": "elsewhere", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "from another process: %s", "args": (ID,)})
    for h in logging.getLogger().handlers:
        if any(isinstance(f, MaskingFilter) for f in h.filters):
            h.handle(record)
    assert "from another process" in root_output.getvalue() and _leaks(root_output.getvalue()) == []


def test_without_the_masking_the_numbers_would_be_there():
    """The counter-proof: the same records, masking not installed, carry the numbers."""
    out = io.StringIO()
    log = logging.getLogger("unmasked.check")
    log.addHandler(logging.StreamHandler(out))
    log.propagate = False
    try:
        log.warning("citizen %s %s", ID, PHONE)
    finally:
        log.handlers.clear()
        log.propagate = True
    assert ID in out.getvalue() and PHONE in out.getvalue()


UNCAUGHT = """
import logging, sys, threading
from privacy import install_log_masking
logging.basicConfig(level=logging.INFO)
install_log_masking()
logging.getLogger("a.b").info("hello %s", sys.argv[1])
def fail():
    raise RuntimeError("thread saw " + sys.argv[1])
t = threading.Thread(target=fail)
t.start(); t.join()
raise RuntimeError("main saw " + sys.argv[2])
"""

def test_an_uncaught_exception_prints_masked(tmp_path):
    run = subprocess.run([sys.executable, "-c", UNCAUGHT, ID, PHONE], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 1
    assert "hello" in run.stderr and "thread saw" in run.stderr and "main saw" in run.stderr, run.stderr
    assert ID not in run.stderr and PHONE not in run.stderr, run.stderr
