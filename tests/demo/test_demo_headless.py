"""`make demo HEADLESS=1` end to end: every artefact a person would look at is there and real."""
import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def test_headless_demo_writes_screens_receipts_speech_and_summary(tmp_path):
    out = tmp_path / "demo-output"
    env = {**os.environ, "HALL_DEMO_OUT": str(out), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    run = subprocess.run([sys.executable, "-m", "demo.run", "--headless"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["tickets_issued"][:3] == ["A001", "B001", "A002"]
    assert summary["tickets_called"][:2] == ["A001", "A002"]
    assert summary["paper_out_fallback"]["fallback_qr"] is True
    # the first citizen rates at window 1's pad (low: a follow-up case and an alert for the supervisor),
    # the second, served at window 2, at the kiosk; the guide lists the matters
    assert summary["pad_rating"] == {"ticket": "A001", "invited": True, "delivered": True}
    assert summary["followup_cases"][0].endswith("-A001") and any(a.startswith("rating:") for a in summary["alerts"])
    assert summary["rating"]["page"] == "rated" and summary["rating"]["ticket"] == "A002"
    assert summary["rating"]["guide_matters"] > 0
    # the help button brought the guide robot's emulator, which greeted and reported done
    assert summary["robot"]["help"] == "ok" and summary["robot"]["last"]["task"]["progress"] == "done"
    # an identified citizen on the kiosk's own devices (ID card and camera emulators, A4 printer):
    # a booking checked in by its QR, face verified, progress, a licence, a payment with its receipt
    citizen = summary["citizen"]
    assert citizen["booking_check_in"]["priority"] == "appointment" and citizen["booking_check_in"]["printed"]
    assert citizen["identified"]["state"] == "identified" and citizen["identified"]["face_verified"]
    assert citizen["progress"] and citizen["licence"]["page"] == "printed" and citizen["licence"]["pdf"]
    assert citizen["payment"]["page"] == "paid" and citizen["payment"]["receipt_printed"] and citizen["wiped"]
    receipts = "\n".join(p.read_text("utf-8") for p in (out / "receipts").glob("receipt-*.txt"))
    assert "缴费凭证" in receipts and "einvoice.example.gov.cn" in receipts
    # a phone followed a printed ticket's QR in Chromium: live page, the call, the rating
    phone = summary["phone"]
    assert phone["qr"] == phone["web_url"] + "/t/demo-hall/<token>" and phone["call"] == "ok" and phone["rated"]
    for name in ("kiosk-home.png", "kiosk-ticket.png", "calling-screen.png", "window-caller.png", "kiosk-guide.png",
                 "kiosk-rating.png", "kiosk-booking.png", "kiosk-citizen.png", "kiosk-progress.png", "kiosk-licence.png",
                 "kiosk-payment-qr.png", "kiosk-payment-paid.png", "phone-waiting.png", "phone-called.png",
                 "phone-rating.png", "phone-hall.png", "phone-city.png", "data-screen.png",
                 "window-screen.png", "rating-pad.png", "supervisor.png"):
        assert (out / "screens" / name).stat().st_size > 10_000
    first = (out / "receipts" / "receipt-0001.txt").read_text("utf-8")
    assert "A001" in first and "综合受理" in first and "前面还有 0 人" in first
    wavs = sorted((out / "announcements").glob("*-zh.wav"))
    # Every call and the one recall is spoken. Which ticket window 1 calls fifth (A003 or the
    # older B001, which it weighs 0.5) depends on how long the hall took: count, don't guess.
    # (and the call of the ticket the phone follows, after the scenario)
    assert len(wavs) == len(summary["tickets_called"]) + 1 + 1
    assert len(summary["tickets_called"]) in (4, 5)
    with wave.open(str(wavs[0])) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16) / 32768.0
        assert w.getnframes() / w.getframerate() > 1.5
    assert float(np.sqrt(np.mean(samples ** 2))) > 0.03  # speech, not silence
    left = subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True)
    assert left.stdout.strip() == "", "the demo left processes running"
