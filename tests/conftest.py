"""Shared fixtures: real components only (a private Mosquitto, SQLite files, ptys).

Under CI=true a skipped test is turned into a failure: every test that needs a system
component must start it (or install it) itself.
"""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under CI=true (a skip is a failure here): {reason}"


pytest_plugins = ["tests.support.fixtures"]
