"""The identified citizen of the headless demo, on the kiosk's own devices: a booking checked in by
its QR code shown to the camera (source emulator), then one of the reference platform's synthetic
citizens places their ID card (emulator, ORL person 12 on the chip photo) and looks into the camera
(the same person: face verification), sees the progress of their applications, prints a licence
on the A4 printer (a private CUPS queue), pays what they owe by the platform's QR code (the
simulated wallet pays) and takes the receipt; then the session is wiped. All data is synthetic."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import qrcode
import requests

from drivers.idcard.codes import gender_name
from drivers.idcard.sim import face_cards, sim_emulator
from drivers.idcard.synthetic import EmulatedCard, encode_text_block
from kiosk_app.flows.payment_receipt import yuan
from qtkit.common import process_until as _pump

PERSON = 12          # the ORL person on the card and in front of the camera


class Platform:
    """The reference platform's admin side (the demo's synthetic world and its simulated wallet)."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    def _call(self, method: str, path: str, body=None):
        r = requests.request(method, f"{self.url}/_admin/{path}", json=body, timeout=10,
                             headers={"X-Admin-Token": self.token})
        r.raise_for_status()
        return r.json()

    def citizens(self) -> list[dict]:
        return self._call("GET", "citizens")

    def book(self, **booking) -> dict:
        return self._call("POST", "appointments", booking)

    def wallet_pay(self, order_id: str) -> dict:
        return self._call("POST", f"payments/{order_id}/pay", {"times": 1, "channel": "wechat"})


def card_of(citizen: dict) -> EmulatedCard:
    """The citizen's resident ID card for the emulator, with ORL person 12's chip photo."""
    base = face_cards(f"orl:{PERSON}", seed=0)["resident"]
    male = int(citizen["id_number"][16]) % 2 == 1
    card = replace(base.card, name=citizen["name"], id_number=citizen["id_number"],
                   birth_date=date.fromisoformat(citizen["birth"]), gender_code="1" if male else "2",
                   gender=gender_name("1" if male else "2"))
    return EmulatedCard(card, encode_text_block(card), base.photo, reference_image=base.reference_image)


def _shot(app, window, shots: Path, name: str) -> None:
    _pump(app, lambda: False, 0.3)
    window.grab().save(str(shots / name))


def play_citizen(app, kiosk, window, platform: Platform, shots: Path, a4_jobs: list[bytes]) -> dict:
    """`a4_jobs`: what the A4 printer received (kept in memory: a licence holds a name)."""
    hall = kiosk.hall
    out: dict = {}
    citizens = platform.citizens()
    who = next(c for c in citizens[3:] if c["payables"] and len(c["licences"]) > 1)   # one is printable
    # 1. a booking for now, checked in by showing its QR code to the kiosk's camera (no ID card)
    now = datetime.now(ZoneInfo(hall.timezone))
    start = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    if (start + timedelta(minutes=30)).date() != start.date():
        start -= timedelta(minutes=30)
    booking = platform.book(id_number=who["id_number"], matter_id="B001", date=start.date().isoformat(),
                            slot_start=f"{start:%H:%M}", slot_end=f"{start + timedelta(minutes=30):%H:%M}",
                            hall_id=hall.id, hall_name=hall.name)
    kiosk.booking.open(kiosk.flow.screen.lang)
    kiosk.booking.scan()
    kiosk.camera.source.hold_up(np.array(qrcode.make(f"https://example.gov.cn/yy/{booking['code']}",
                                                     box_size=6).convert("RGB")))
    _pump(app, lambda: kiosk.booking.screen.page in ("found", "refused", "message"), 20)
    kiosk.camera.source.hold_up(None)
    _shot(app, window, shots, "kiosk-booking.png")
    kiosk.booking.check_in()
    ticket = kiosk.flow.screen.ticket
    out["booking_check_in"] = {"page": kiosk.flow.screen.page, "ticket": ticket and ticket.number,
                               "priority": ticket and ticket.priority, "printed": kiosk.flow.screen.printed}
    _shot(app, window, shots, "kiosk-booking-ticket.png")
    kiosk.flow.done()
    # 2. the ID card on the reader, the face in front of the camera
    reader = sim_emulator("demo-idcard")
    t0 = time.perf_counter()
    kiosk.identity.flow.begin()
    reader.place(card_of(who))
    _pump(app, lambda: kiosk.citizen.screen.page == "menu" or kiosk.identity.flow.view.state == "failed", 90)
    out["identified"] = {"state": kiosk.identity.flow.view.state, "face_verified": kiosk.identity.flow.view.face_verified,
                         "masked_id": kiosk.identity.flow.view.masked_id,
                         "seconds": round(time.perf_counter() - t0, 1)}
    if kiosk.citizen.screen.page != "menu":
        return out
    _shot(app, window, shots, "kiosk-citizen.png")
    # 3. progress of their applications
    s = kiosk.citizen.show_progress()
    out["progress"] = [a.status_text for a in s.applications]
    _shot(app, window, shots, "kiosk-progress.png")
    # 4. a licence printed on the A4 printer
    lic = next((x for x in kiosk.citizen.show_licences().licences if x.printable), None)
    if lic is not None:
        s = kiosk.citizen.print_licence(lic.licence_id, confirmed=True)
        _pump(app, lambda: bool(a4_jobs), 20)
        out["licence"] = {"title": lic.title, "page": s.page, "a4_jobs": len(a4_jobs),
                          "a4_bytes": [len(j) for j in a4_jobs], "pdf": all(j.startswith(b"%PDF-") for j in a4_jobs)}
        _shot(app, window, shots, "kiosk-licence.png")
    # 5. payment: what is owed, the platform's QR code, the wallet pays, the receipt
    kiosk.citizen.pay()
    payment = kiosk.payment
    _pump(app, lambda: payment.screen.page == "owed", 20)
    _shot(app, window, shots, "kiosk-payment-owed.png")
    payment.pay()
    _pump(app, lambda: payment.screen.page == "paying", 20)
    _shot(app, window, shots, "kiosk-payment-qr.png")
    order = payment.screen.order
    if order is not None:
        platform.wallet_pay(order.order_id)
        _pump(app, lambda: payment.screen.page == "paid", 30)
        _shot(app, window, shots, "kiosk-payment-paid.png")
        out["payment"] = {"page": payment.screen.page, "amount": yuan(order.amount_fen),
                          "items": [i.title for i in order.items], "receipt_printed": payment.screen.printed,
                          "invoice": bool(payment.screen.order and payment.screen.order.invoice)}
    payment.close()
    kiosk.citizen.finish()
    reader.lift()
    out["wiped"] = kiosk.identity.flow.identity is None and kiosk.citizen.screen.page == "closed"
    return out
