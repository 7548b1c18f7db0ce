"""The data screen at 1920x1080 and the city pages in Debian's Chromium: today's figures from
the controller's retained statistics drawn with ECharts (installed by the set-up), live, and
back by themselves after the web service restarts; the city page lists the halls with their
waits on a phone; alerts are read defensively."""
from __future__ import annotations

import time
from types import SimpleNamespace

from playwright.sync_api import expect

from hall_protocol import contract
from hall_protocol.mqtt import Endpoint
from hall_web.link import HallLink, HallState
from hall_web.views import screen_data
from tests.hall_web.conftest import HALL, phone_page, shots_dir
from tests.support.fixtures import new_request_id


def device(stack, cid: str) -> Endpoint:
    ep = Endpoint(cid, "127.0.0.1", stack.broker.port, username=cid, password=stack.broker.passwords[cid])
    ep.start()
    return ep


def test_the_data_screen_shows_todays_figures_live_and_recovers_after_a_restart(stack, browser):
    kiosk, clerk = device(stack, "kiosk-01"), device(stack, "caller-w1")
    ticket = contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01")
    window = contract.WINDOW_REQUEST.format(hall=HALL, client="caller-w1")
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        for service in "AABBC":
            kiosk.request(ticket, {"service": service, "request_id": new_request_id()})
        for action in ("call_next", "finish", "call_next"):
            assert clerk.request(window, {"window": 1, "action": action, "request_id": new_request_id()})["status"] == "ok"
        page = ctx.new_page()
        page.goto(f"{stack.url}/screen/{HALL}")
        issued = page.locator(".kpi .v").first
        expect(issued).to_have_text("5", timeout=15000)          # the controller's statistics, pushed
        for chart in ("c-services", "c-hours", "c-wait"):
            assert page.locator(f"#{chart} canvas").count() >= 1, f"ECharts did not draw {chart}"
        expect(page.locator(".win").first).to_contain_text("1 号窗口")
        expect(page.locator(".win.calling, .win.serving").first).to_contain_text("A002")
        # a kiosk's help call: the controller raises an alert, the screen lists it
        help_call = contract.HELP_REQUEST.format(hall=HALL, client="kiosk-01")
        assert kiosk.request(help_call, {"request_id": new_request_id(), "page": "ticket"})["status"] == "ok"
        expect(page.locator("#devices .alert").first).to_contain_text("求助", timeout=15000)
        page.evaluate("window.__same = true")
        if shots_dir():
            page.wait_for_timeout(600)  # the charts' animation
            page.screenshot(path=str(shots_dir() / "data-screen.png"))

        stack.stop_web()                                          # the web service goes away ...
        expect(page.locator("#conn")).to_be_visible(timeout=10000)
        kiosk.request(ticket, {"service": "D", "request_id": new_request_id()})
        stack.start_web()                                         # ... and comes back
        expect(issued).to_have_text("6", timeout=20000)
        expect(page.locator("#conn")).to_be_hidden()
        assert page.evaluate("window.__same") is True             # the same page, reconnected by itself

        city = ctx.new_page()
        city.goto(f"{stack.url}/screen")
        expect(city.locator(".kpi .v").nth(1)).to_have_text("6", timeout=15000)
        expect(city.locator(".halltable")).to_contain_text("示范区政务服务中心")
        if shots_dir():
            city.wait_for_timeout(600)
            city.screenshot(path=str(shots_dir() / "city-screen.png"))
    finally:
        ctx.close()
        kiosk.stop()
        clerk.stop()


def test_the_city_page_lists_the_halls_with_their_waits_on_a_phone(stack, browser):
    kiosk, clerk = device(stack, "town-01-k1"), device(stack, "town-01-c1")
    clerk.request(contract.WINDOW_REQUEST.format(hall="town-01", client="town-01-c1"),
                  {"window": 1, "action": "open", "request_id": new_request_id()})
    kiosk.request(contract.TICKET_REQUEST.format(hall="town-01", client="town-01-k1"),
                  {"service": "A", "request_id": new_request_id()})
    kiosk.stop()
    clerk.stop()
    ctx, page = phone_page(browser, 360)
    try:
        deadline = time.monotonic() + 10
        while True:                                # the centre, its town, its village, in the file's order
            page.goto(f"{stack.url}/city")
            town = page.locator(".halls li").nth(1)
            if "1 人等候" in town.inner_text() or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        expect(page.locator(".halls li")).to_have_count(3)
        expect(town).to_contain_text("第1镇便民服务中心")
        expect(town).to_contain_text("1 人等候")
        page.goto(f"{stack.url}/city?order=wait")  # the shortest wait first; a station with no window open last
        rows = page.locator(".halls li")
        expect(rows.nth(2)).to_contain_text("第1村便民服务站")
        expect(rows.nth(2)).to_contain_text("—")
        row = rows.first
        expect(row).to_contain_text("最短约")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360   # nothing wider than the phone
        size = lambda: page.evaluate("parseFloat(getComputedStyle(document.querySelector('.halls .nm')).fontSize)")  # noqa: E731
        normal = size()
        page.locator("#bigtext").click()                                    # 大字: for the elderly, remembered
        assert size() >= normal * 1.25
        page.reload()
        assert size() >= normal * 1.25 and page.evaluate("document.documentElement.scrollWidth") <= 360
        if shots_dir():
            page.screenshot(path=str(shots_dir() / "phone-city.png"), full_page=True)
        page.locator(".halls li a", has_text="示范区政务服务中心").click()
        expect(page.locator("h1")).to_contain_text("示范区政务服务中心")
        expect(page.locator("table.services")).to_contain_text("综合受理")
    finally:
        ctx.close()


def test_an_unreadable_alert_board_is_ignored():
    link = HallLink.__new__(HallLink)
    link.state = {HALL: HallState()}
    msg = lambda payload: SimpleNamespace(topic=f"hall/{HALL}/state/alerts", payload=payload)  # noqa: E731
    link._alerts(msg(b"not json"))
    link._alerts(msg(b'{"hall": "other", "seq": 1, "alerts": []}'))
    assert screen_data(link.state[HALL], HALL)["alerts"] == []
