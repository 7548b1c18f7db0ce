"""The citizen's phone in Debian's Chromium: the QR of a printed ticket (decoded from the
ESC/POS emulator's picture of the receipt) opens the ticket's own live page, the people ahead
fall and the call arrives (with vibration) without a reload, the page then offers the rating
once and it reaches the platform; a ticket taken on the phone with an SMS code read from the
platform joins the queue when a kiosk scans the QR on the phone's screen."""
from __future__ import annotations

import io
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from config.schema import KioskConfig
from drivers.escpos.emulator import EscposEmulator
from drivers.escpos.receipt import decode_qr as read_printed_qr
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from kiosk_app.app import Kiosk
from kiosk_app.clients.ticketing import TicketClient, TicketRefused
from tests.hall_web.conftest import HALL, phone_page, shots_dir
from tests.support.fixtures import new_request_id


def decode_qr(png: bytes) -> str:
    # the printer model's own reader (padded, at several scales): OpenCV at one scale missed some codes
    text = read_printed_qr(Image.open(io.BytesIO(png)))
    assert text, "no QR code found in the picture"
    return text


@pytest.fixture(scope="module")
def clerk(stack):
    ep = Endpoint("caller-w3", "127.0.0.1", stack.broker.port, username="caller-w3",
                  password=stack.broker.passwords["caller-w3"])
    ep.start()
    yield ep
    ep.stop()


def window(clerk, action: str, **kw) -> dict:
    r = clerk.request(contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w3"),
                      {"window": 3, "action": action, "request_id": new_request_id(), **kw})
    assert r["status"] == "ok", r
    return r


def test_a_printed_tickets_qr_opens_its_live_page_the_call_arrives_and_the_rating_reaches_the_platform(
        stack, browser, clerk, tmp_path):
    emu = EscposEmulator(tmp_path / "receipts")
    port = emu.start_tcp()
    cfg = KioskConfig(id="kiosk-01", hall=HALL, printer_url=f"tcp://127.0.0.1:{port}",
                      broker=stack.config.broker.model_copy(update={"username": "kiosk-01"}))
    kiosk = Kiosk(cfg, stack.config.hall(HALL), password=stack.broker.passwords["kiosk-01"])
    kiosk.start()
    ctx = None
    try:
        first = kiosk.flow.choose_service("B").ticket.number
        mine = kiosk.flow.choose_service("B").ticket.number
        receipt = emu.wait_for_receipts(2)[1]
        url = decode_qr(receipt.png)               # what a citizen's phone camera reads
        token = stack.controller.queues[HALL].ticket(mine).token
        assert url == f"{stack.url}/t/{HALL}/{token}" and mine not in url

        ctx, page = phone_page(browser, 360)
        page.goto(url)
        assert page.locator("#number").inner_text() == mine
        assert "前面还有 1 人" in page.locator("#headline").inner_text()
        page.locator("#ticket[data-live=waiting]").wait_for()   # its live stream is open
        page.evaluate("window.__same = true")       # a reload would lose this
        if shots_dir():
            page.screenshot(path=str(shots_dir() / "phone-waiting.png"), full_page=True)

        assert window(clerk, "call_next")["data"]["ticket"]["number"] == first
        expect(page.locator("#headline")).to_contain_text("前面还有 0 人")
        window(clerk, "finish")
        assert window(clerk, "call_next")["data"]["ticket"]["number"] == mine
        expect(page.locator("#headline")).to_contain_text("请到 3 号窗口")
        assert page.evaluate("window.__same") is True          # live, no reload
        assert page.evaluate("window.__vibrations.length") == 1  # the phone vibrated once for the call
        if shots_dir():
            page.screenshot(path=str(shots_dir() / "phone-called.png"), full_page=True)

        window(clerk, "finish")
        page.wait_for_selector("section.rate")      # the page turns to the rating by itself
        page.locator("label.score.s5").click()
        page.locator("input[value=efficient]").check()
        if shots_dir():
            page.screenshot(path=str(shots_dir() / "phone-rating.png"), full_page=True)
        page.locator("section.rate button[type=submit]").click()
        page.wait_for_selector("section.thanks")
        assert page.locator("section.rate").count() == 0      # once
        deadline = time.monotonic() + 10
        while not (got := [r for r in stack.platform.received()["ratings"] if r["ticket_no"] == mine]):
            assert time.monotonic() < deadline, "the rating did not reach the platform"
            time.sleep(0.1)
        assert (got[0]["hall_id"], got[0]["window_id"], got[0]["score"]) == (HALL, "3", 5)
    finally:
        if ctx is not None:
            ctx.close()
        kiosk.stop()
        emu.stop()


def test_a_ticket_taken_on_the_phone_joins_the_queue_when_a_kiosk_scans_the_qr_on_its_screen(stack, browser):
    ctx, page = phone_page(browser, 390, 844)
    kiosk = Endpoint("kiosk-01", "127.0.0.1", stack.broker.port, username="kiosk-01",
                     password=stack.broker.passwords["kiosk-01"])
    kiosk.start()
    phone = "13955550001"  # synthetic
    try:
        page.goto(f"{stack.url}/h/{HALL}")
        expect(page.locator("h1")).to_contain_text("示范区政务服务中心")
        if shots_dir():
            page.screenshot(path=str(shots_dir() / "phone-hall.png"), full_page=True)
        page.locator("select[name=service]").select_option("C")
        page.locator("input[name=phone]").fill(phone)
        page.locator("#take button[type=submit]").click()
        expect(page.locator("#take")).to_contain_text("139****0001")   # masked, and only here
        assert phone not in page.content()
        page.locator("input[name=code]").fill(stack.platform.sms_code(phone))   # the citizen reads the SMS
        page.locator("#take button[type=submit]").click()
        page.wait_for_url(f"{stack.url}/t/{HALL}/*")
        expect(page.locator("#headline")).to_contain_text("请到大厅签到")
        assert phone not in page.url and phone not in page.content()
        expect(page.locator("#ticket")).to_contain_text("C")
        number = page.locator("#number").inner_text()
        token = page.url.rsplit("/", 1)[1]
        # the kiosk's camera reads the QR on the phone's screen
        if shots_dir():
            page.screenshot(path=str(shots_dir() / "phone-checkin.png"), full_page=True)
        url = decode_qr(page.locator("img.qr").screenshot())
        assert url == page.url and number not in url
        page.locator("#ticket[data-live=arriving]").wait_for()
        with pytest.raises(TicketRefused):               # another hall's code, or anything else, is refused
            TicketClient(kiosk, HALL).check_in(url.replace(f"/t/{HALL}/", "/t/town-01/"))
        checked = TicketClient(kiosk, HALL).check_in(url)   # the kiosk's client, with what its camera read
        assert checked.state == "waiting" and checked.number == number
        expect(page.locator("#headline")).to_contain_text("前面还有 0 人")   # the page follows by itself
        assert page.locator("img.qr").count() == 0
        # remind me: SMS to the confirmed phone, shown masked to its owner only
        page.locator("section.remind select[name=ahead]").select_option("2")
        page.locator("section.remind button[type=submit]").first.click()
        expect(page.locator("section.remind")).to_contain_text("139****0001")
        assert stack.controller.phones.book.get(HALL, stack.controller.queues[HALL].day, number).reminders == (2,)
        assert token == stack.controller.queues[HALL].ticket(number).token
    finally:
        ctx.close()
        kiosk.stop()
