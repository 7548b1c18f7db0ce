"""The public pages against bad input, over real HTTP to `python -m hall_web`: forged and
malformed tokens, unknown halls, forms without their CSRF token or with malformed fields, too
many codes to one number; every answer is a clear page (or JSON) and changes nothing; the
headers (CSP, no referrer) are on every answer and no phone number reaches a page, a URL or the
service's log."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from hall_web.guard import Buckets
from tests.hall_web.conftest import HALL

PHONE = "13766660001"  # synthetic


def form_fields(html: str, action: str) -> dict:
    form = html[html.index(f'action="{action}"'):]
    form = form[:form.index("</form>")]
    return dict(re.findall(r'name="(csrf|rid|verification|masked|service)" value="([^"]*)"', form))


@pytest.fixture
def browser_session():
    with requests.Session() as s:
        yield s


def sms_count(stack) -> int:
    return len(stack.platform.sms())


@pytest.mark.parametrize("path,code,words", [
    (f"/t/{HALL}/AAAAAAAAAAAAAAAAAAAAAAAA", 404, "号票不存在或已过期"),       # forged: well formed, unknown
    (f"/t/{HALL}/short", 404, "号票不存在或已过期"),                          # malformed: never asked for
    ("/t/no-such-hall/AAAAAAAAAAAAAAAAAAAAAAAA", 404, "没有这个服务大厅"),
    ("/h/no-such-hall", 404, "没有这个服务大厅"),
    ("/nothing/here", 404, "号票不存在或已过期"),
])
def test_bad_addresses_get_a_clear_page_with_the_security_headers(stack, browser_session, path, code, words):
    r = browser_session.get(stack.url + path, timeout=10)
    assert r.status_code == code and words in r.text and "Traceback" not in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["x-frame-options"] == "DENY"


def test_a_forged_tokens_live_stream_is_refused_as_json(stack, browser_session):
    r = browser_session.get(f"{stack.url}/t/{HALL}/{'B' * 22}/events", timeout=10)
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_forms_need_their_csrf_token_and_well_formed_fields_and_change_nothing_otherwise(stack, browser_session):
    page = browser_session.get(f"{stack.url}/h/{HALL}", timeout=10)
    fields = form_fields(page.text, f"/h/{HALL}/code")
    before = sms_count(stack)
    # no CSRF token (another site's form), or a forged one
    for csrf in (None, "0" * 64):
        data = {"phone": PHONE, "service": "A", "rid": fields["rid"], **({"csrf": csrf} if csrf else {})}
        r = browser_session.post(f"{stack.url}/h/{HALL}/code", data=data, timeout=10)
        assert r.status_code == 403 and "页面已过期" in r.text
    # without the session cookie the page's token is worth nothing either
    r = requests.post(f"{stack.url}/h/{HALL}/code", data={**fields, "phone": PHONE, "service": "A"}, timeout=10)
    assert r.status_code == 403
    # malformed phone, unknown service
    r = browser_session.post(f"{stack.url}/h/{HALL}/code", data={**fields, "phone": "12345", "service": "A"},
                             timeout=10)
    assert r.status_code == 400 and "填写的内容有误" in r.text
    r = browser_session.post(f"{stack.url}/h/{HALL}/code", data={**fields, "phone": PHONE, "service": "AA"},
                             timeout=10)
    assert r.status_code == 400
    assert sms_count(stack) == before  # nothing was sent


def test_codes_to_one_number_are_limited_and_the_number_is_shown_only_masked(stack, browser_session):
    statuses = []
    for _ in range(4):
        page = browser_session.get(f"{stack.url}/h/{HALL}", timeout=10)
        fields = form_fields(page.text, f"/h/{HALL}/code")
        r = browser_session.post(f"{stack.url}/h/{HALL}/code", data={**fields, "phone": PHONE, "service": "A"},
                                 timeout=10)
        statuses.append(r.status_code)
        assert PHONE not in r.text and PHONE not in r.url
        if r.status_code == 200:
            assert "137****0001" in r.text
    assert statuses == [200, 200, 200, 429]       # codes_per_phone_per_hour = 3
    assert "操作太频繁" in r.text
    # a wrong code: the form again, with what is wrong, and no ticket
    page = browser_session.get(f"{stack.url}/h/{HALL}", timeout=10)
    tickets = len(stack.controller.queues[HALL].tickets)
    good = browser_session.post(f"{stack.url}/h/{HALL}/code", data={
        **form_fields(page.text, f"/h/{HALL}/code"), "phone": "13766660002", "service": "A"}, timeout=10)
    code = stack.platform.sms_code("13766660002")
    take = form_fields(good.text, f"/h/{HALL}/take")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    r = browser_session.post(f"{stack.url}/h/{HALL}/take", data={**take, "code": wrong}, timeout=10)
    assert r.status_code == 409 and "验证码不正确" in r.text
    assert len(stack.controller.queues[HALL].tickets) == tickets
    log = stack.log.read_text("utf-8", "replace")
    assert PHONE not in log and "13766660002" not in log


def test_a_bad_configuration_stops_hall_web_with_file_key_and_expectation(tmp_path):
    import subprocess
    import sys
    bad = tmp_path / "web.toml"
    bad.write_text('id = "web-01"\nlisten_port = "8080"\n[[halls]]\nid = "demo-hall"\nparent = "nowhere"\n', "utf-8")
    for path, words in ((tmp_path / "missing.toml", "configuration file not found"),
                        (bad, "key 'listen_port': expected an integer")):
        run = subprocess.run([sys.executable, "-m", "hall_web", "--config", str(path)], capture_output=True,
                             text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
        assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_the_page_loads_of_one_address_are_limited():
    now = [0.0]
    pages = Buckets(3, 60.0, clock=lambda: now[0])
    assert [pages.take("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert pages.take("10.0.0.2")                  # another address has its own share
    now[0] += 20.0                                 # a third of a minute: one more
    assert pages.take("10.0.0.1") and not pages.take("10.0.0.1")


def test_a_printed_ticket_gets_sms_reminders_once_its_holder_confirms_a_phone(stack, browser_session):
    from hall_protocol import contract
    from hall_protocol.mqtt import Endpoint
    from tests.support.fixtures import new_request_id
    kiosk = Endpoint("kiosk-01", "127.0.0.1", stack.broker.port, username="kiosk-01",
                     password=stack.broker.passwords["kiosk-01"])
    kiosk.start()
    try:
        info = kiosk.request(contract.TICKET_REQUEST.format(hall=HALL, client="kiosk-01"),
                             {"service": "D", "request_id": new_request_id()})["data"]
    finally:
        kiosk.stop()
    url, phone = info["qr_url"], "13766660003"
    token = url.rsplit("/", 1)[1]
    page = browser_session.get(url, timeout=10)
    assert page.status_code == 200 and info["number"] in page.text and "也用短信提醒" in page.text
    fields = form_fields(page.text, f"/t/{HALL}/{token}/code")
    sent = browser_session.post(f"{url}/code", data={**fields, "phone": phone}, timeout=10)
    assert sent.status_code == 200 and "137****0003" in sent.text and phone not in sent.text
    remind = form_fields(sent.text, f"/t/{HALL}/{token}/remind")
    done = browser_session.post(f"{url}/remind", data={**remind, "ahead": "2",
                                                       "code": stack.platform.sms_code(phone)}, timeout=10)
    assert done.status_code == 200 and done.url.startswith(url)            # back on the ticket's page
    assert "已设置：前面还有 2 人时提醒（短信至 137****0003）" in done.text and phone not in done.text
    q = stack.controller.queues[HALL]
    entry = stack.controller.phones.book.get(HALL, q.day, info["number"])
    assert entry.reminders == (2,) and entry.phone_masked == "137****0003" and entry.recipient.startswith("r-")
    assert not entry.remote                                               # a printed ticket, reminded by SMS
