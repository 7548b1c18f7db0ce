"""The headless demo's phone: it follows the QR of a ticket the emulator printed, in Debian's
Chromium at a phone's size (Playwright), while a window calls it, then rates the service; and it
photographs the hall page, the city page and the data screen. Everything it looks at is what a
citizen's phone would load from the web service."""
from __future__ import annotations

import time
import uuid
from pathlib import Path

import cv2
import numpy as np

from config.schema import HallSuiteConfig
from hall_protocol import contract
from hall_protocol.mqtt import Endpoint


def decode_qr(png: Path) -> str | None:
    img = cv2.imdecode(np.frombuffer(png.read_bytes(), np.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(img)
    return text or None


def follow(suite: HallSuiteConfig, broker, out: Path, web_url: str) -> dict:
    from playwright.sync_api import expect, sync_playwright
    hall = suite.halls[0]
    shots = out / "screens"
    callers: dict[int, Endpoint] = {}

    def caller(n: int) -> Endpoint:
        if n not in callers:
            cid = f"caller-w{n}"
            callers[n] = Endpoint(cid, "127.0.0.1", broker.port, username=cid, password=broker.passwords[cid])
            callers[n].start()
        return callers[n]

    def window(n: int, action: str, **kw) -> dict:
        ep = caller(n)
        return ep.request(contract.WINDOW_REQUEST.format(hall=hall.id, client=ep.client_id),
                          {"window": n, "action": action, "request_id": uuid.uuid4().hex, "clerk": f"clerk-{n}", **kw})

    result: dict = {"web_url": web_url}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True, locale="zh-CN")
            page = phone.new_page()
            # the newest printed ticket that still waits: its QR, as the phone's camera reads it
            for receipt in sorted((out / "receipts").glob("receipt-*.png"), reverse=True):
                url = decode_qr(receipt)
                if not url or not url.startswith(web_url):   # a ticket's QR, not a receipt's e-invoice
                    continue
                page.goto(url)
                if page.locator("#ticket[data-state=waiting]").count():
                    result.update(receipt=receipt.name, qr=url.replace(url.rsplit("/", 1)[1], "<token>"))
                    break
            else:
                raise RuntimeError("no printed ticket is still waiting")
            number = page.locator("#number").inner_text()
            result["ticket"] = number
            page.locator("#ticket[data-live=waiting]").wait_for(timeout=10000)
            page.screenshot(path=str(shots / "phone-waiting.png"), full_page=True)
            service = number[0]
            n = next(w.number for w in hall.windows if service in w.services)
            t0 = time.perf_counter()
            answer = window(n, "call", ticket=number)
            expect(page.locator("#headline")).to_contain_text(f"请到 {n} 号窗口", timeout=10000)
            result["call_to_phone_ms"] = round((time.perf_counter() - t0) * 1000, 1)
            result["call"] = answer.get("status")
            page.screenshot(path=str(shots / "phone-called.png"), full_page=True)
            window(n, "finish")
            page.locator("section.rate").wait_for(timeout=10000)
            page.locator("label.score.s5").click()
            page.locator("input[value=efficient]").check()
            page.screenshot(path=str(shots / "phone-rating.png"), full_page=True)
            page.locator("section.rate button[type=submit]").click()
            page.locator("section.thanks").wait_for(timeout=10000)
            result["rated"] = True
            page.goto(f"{web_url}/h/{hall.id}")
            page.screenshot(path=str(shots / "phone-hall.png"), full_page=True)
            page.goto(f"{web_url}/city")
            page.screenshot(path=str(shots / "phone-city.png"), full_page=True)
            big = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
            screen = big.new_page()
            screen.goto(f"{web_url}/screen/{hall.id}")
            screen.locator("body[data-ready='1']").wait_for(timeout=15000)
            screen.wait_for_timeout(1500)  # the charts' animation
            screen.screenshot(path=str(shots / "data-screen.png"))
        finally:
            browser.close()
            for ep in callers.values():
                ep.stop()
    return result
