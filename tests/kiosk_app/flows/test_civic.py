"""The guide and rating pages (kiosk_app/flows/civic.py) as plain state machines: no window,
a clock the test drives, the real backend client over a private Mosquitto to a real
controller and the reference backend process. The window over them is tested in
tests/kiosk_app/test_services_ui.py, the identified citizen's rating in test_citizen.py."""
from __future__ import annotations

import time

import pytest

from drivers.core.clock import FakeClock
from hall_protocol import contract
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.civic import BAD_REASONS, GOOD_REASONS, CivicPages, ticket_from
from tests.support.fixtures import new_request_id

HALL = "demo-hall"


def pages(endpoint, *, timeout: float = 20.0) -> tuple[CivicPages, FakeClock, list]:
    clock, seen = FakeClock(), []
    civic = CivicPages(KioskBackend(endpoint, HALL, timeout=timeout), clock, idle_timeout_s=60)
    civic.listeners.append(lambda screen: seen.append(screen.page))
    return civic, clock, seen


@pytest.fixture
def civic(hall, device):
    return pages(device("kiosk-01"))


# -- the service guide ---------------------------------------------------------------------
def test_the_guide_lists_matters_by_category(civic):
    civic, _, seen = civic
    s = civic.open_guide("zh")
    assert s.page == "guide_list" and s.topic == "guide" and s.message == "请选择要查询的事项"
    ids = [m.matter_id for m in s.matters]
    assert ids == sorted(ids) and len(ids) == 12 and s.categories == ("A", "B", "C", "D")
    assert s.shown_matters == s.matters                      # no category chosen: all of them
    assert [m.matter_id for m in civic.choose_category("C").shown_matters] == ["C001", "C002", "C003"]
    assert civic.choose_category(None).shown_matters == s.matters
    with pytest.raises(ValueError):
        civic.choose_category("X")
    assert seen[-2:] == ["guide_list", "guide_list"]


def test_a_guide_as_the_lines_the_screen_shows(civic):
    civic, _, _ = civic
    civic.open_guide("zh")
    s = civic.show_guide("C002")
    assert s.page == "guide" and s.guide.matter_id == "C002" and s.message == ""
    assert civic.guide_lines() == [
        "不动产权证书补证", "所需材料", "· 居民身份证 ×1（原件）", "· 补证申请书 ×1", "· 遗失声明 ×1",
        "办理条件", "· 证书遗失或灭失", "· 已登报声明作废", "收费：工本费80元", "承诺时限：10 个工作日",
        "办理窗口：二楼C区 13-18号窗口"]
    civic.close()
    civic.open_guide("en")
    civic.show_guide("A001")                      # done on the spot
    lines = civic.guide_lines()
    assert lines[1] == "Documents needed" and lines[2] == "· Resident ID card ×1 (original)"
    assert "Fee: Free" in lines and "Time limit: on the spot" in lines
    assert lines[-1] == "Where: Floor 1, Zone A, windows 1-6"


def test_platform_content_in_english_where_the_platform_has_it_else_marked(civic):
    civic, _, _ = civic
    s = civic.open_guide("en")
    by_id = {m.matter_id: m for m in s.matters}
    assert by_id["A002"].name_en == "Residence permit application" and by_id["B001"].name_en is None
    civic.show_guide("A002")                      # the platform has this matter in English
    lines = civic.guide_lines()
    assert lines[0] == "Residence permit application" and "· Living in the city for over six months" in lines
    assert not any("(Chinese only)" in line or "居" in line for line in lines)
    civic.show_guide("B001")                      # Chinese only: shown, and marked so
    lines = civic.guide_lines()
    assert lines[0] == "社会保障卡申领 (Chinese only)" and "· 居民身份证 (Chinese only) ×1 (original)" in lines
    assert "· 已参加本市社会保险 (Chinese only)" in lines
    assert lines[-1] == "Where: 一楼B区 7-12号窗口 (Chinese only)"
    civic.close()
    civic.open_guide("zh")
    civic.show_guide("A002")                      # the Chinese page is unmarked Chinese
    assert civic.guide_lines()[0] == "居住证申领" and not any("Chinese" in line for line in civic.guide_lines())


def test_an_unknown_matter_is_not_found(civic):
    civic, _, _ = civic
    civic.open_guide("zh")
    s = civic.show_guide("X999")
    assert s.page == "message" and s.message == "未找到相关信息" and s.guide is None
    assert civic.guide_lines() == []


def test_the_guide_when_the_platform_is_down_or_talks_nonsense(civic, server):
    civic, _, _ = civic
    server.set_faults(error_rate=1.0)
    s = civic.open_guide("en")
    assert s.page == "message" and s.message.startswith("The service platform cannot be reached")
    assert s.matters == ()
    server.set_faults(malformed="wrong_types", paths="/matters")
    assert civic.open_guide("zh").message == "平台返回的信息有误，请到服务台咨询"
    server.clear_faults()
    assert civic.open_guide("zh").page == "guide_list"


def test_without_the_controller_the_guide_and_the_rating_say_so(device):
    civic, _, _ = pages(device("kiosk-01"), timeout=0.5)
    assert civic.open_guide("zh").message == "政务服务平台暂时无法连接，取号不受影响"
    civic.start_rating("A001", "zh")
    civic.choose_score(3)
    s = civic.submit()
    assert s.page == "message" and s.message == "暂时无法提交评价，请稍后再试"


def test_idle_pages_close_and_closing_keeps_only_the_language(civic):
    civic, clock, _ = civic
    civic.open_guide("en")
    civic.show_guide("B001")
    clock.advance(60)
    s = civic.tick(limit=120)                     # elderly mode: the window passes its longer limit
    assert s.page == "guide"
    clock.advance(60)
    s = civic.tick(limit=120)
    assert s.page == "closed" and not civic.active and s.lang == "en"
    assert s.guide is None and s.matters == () and s.topic == ""
    assert civic.tick() is s                      # a closed page stays closed


# -- the rating ----------------------------------------------------------------------------
def test_the_reasons_follow_the_score(civic):
    civic, _, _ = civic
    s = civic.start_rating("A001", "en")
    assert s.page == "rate" and s.message == "Please rate the service for ticket A001" and s.request_id
    assert civic.submit() is civic.screen and civic.screen.page == "rate"    # no score yet: nothing sent
    assert civic.choose_score(5).choices == GOOD_REASONS
    civic.toggle_reason("fast")
    civic.toggle_reason("clear")
    assert civic.toggle_reason("fast").reasons == ("clear",)              # a second touch takes it back
    assert civic.choose_score(4).reasons == ("clear",)                    # still a good score
    s = civic.choose_score(2)
    assert s.choices == BAD_REASONS and s.reasons == ()                   # good reasons do not fit
    with pytest.raises(ValueError):
        civic.toggle_reason("fast")
    for score in (0, 6):
        with pytest.raises(ValueError):
            civic.choose_score(score)
    assert civic.start_rating("A001").request_id != s.request_id          # a new rating, a new id


def serve(device, hall_config, number: str) -> None:
    """A window that serves the ticket's service calls it and finishes it."""
    window = next(w.number for w in hall_config.windows if number[0] in w.services)
    caller = device(f"caller-w{window}")
    topic = contract.WINDOW_REQUEST.format(hall=HALL, client=f"caller-w{window}")
    for action in ({"action": "call", "ticket": number}, {"action": "finish"}):
        assert caller.request(topic, {"window": window, "request_id": new_request_id(), **action})["status"] == "ok"


def test_a_rating_reaches_the_platform_once_with_its_reasons(civic, device, suite_config, server):
    civic, _, _ = civic
    number = TicketClient(device("kiosk-01"), HALL).request("A").number
    serve(device, suite_config.hall(HALL), number)
    civic.open_rating("zh")
    civic.scanned(f"https://example.gov.cn/q/{HALL}/{number}/")
    civic.confirm_entry()
    civic.choose_score(2)
    civic.toggle_reason("slow")
    civic.toggle_reason("unclear")
    civic.set_comment("  等了很久  ")
    s = civic.submit()
    assert s.page == "rated" and s.message == "感谢您的评价！"
    assert civic.submit() is s                    # the thanks page sends nothing more
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ratings = [r for r in server.received()["ratings"] if r.get("ticket_no") == number]
        if ratings:
            break
        time.sleep(0.1)
    assert len(ratings) == 1, server.received()["ratings"]
    rating = ratings[0]
    assert (rating["score"], rating["reason_codes"], rating["comment"]) == (2, ["slow", "unclear"], "等了很久")


@pytest.mark.parametrize("text, ticket", [
    ("A001", "A001"),
    ("a001", "A001"),
    ("  b0123 ", "B0123"),                                   # four digits, spaces around
    ("https://example.gov.cn/q/demo-hall/C007", "C007"),     # the ticket's QR link
    ("https://example.gov.cn/q/demo-hall/C007/", "C007"),
    ("http://127.0.0.1:8080/t/demo-hall/x7Kq2mNf0VbR1sTt9yZA123", None),  # a phone page's token, whose tail
    ("A01", None),                                                          # looks like a number: not one
    ("AA001x", None),
    ("", None),
])
def test_a_ticket_number_typed_or_scanned(text, ticket):
    assert ticket_from(text) == ticket
