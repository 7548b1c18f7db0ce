"""The face stack (OpenCV and its models) is loaded only by a kiosk that identifies
citizens: the guide, rating and ticketing pages must not pull it in (it slows the start)."""
from __future__ import annotations

import subprocess
import sys


def test_kiosk_without_identification_does_not_load_opencv():
    code = ("import sys, kiosk_app.app, kiosk_app.qt.window, kiosk_app.flows.citizen, kiosk_app.qt.citizen_page, "
            "kiosk_app.qt.civic_page, kiosk_app.flows.licence_print, kiosk_app.flows.green; "
            "print(sorted(m for m in ('cv2', 'kiosk_app.flows.identity', 'drivers.face') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"
