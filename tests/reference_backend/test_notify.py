"""The platform's notification function over real HTTP, through the controller's client: a code
confirms a phone, SMS then go to the platform's pseudonym of it, idempotently."""
from __future__ import annotations

import pytest

from hall_controller.backend import BackendClient, BackendNotFound, BackendRefused
from reference_backend.process import ServerProcess

PHONE = "13912345678"  # synthetic


@pytest.fixture()
def client(server: ServerProcess):
    with BackendClient(server.url, server.app_key, server.app_secret, retries=0) as c:
        yield c


def test_a_code_confirms_a_phone_and_reminders_go_to_its_pseudonym_once(server: ServerProcess, client) -> None:
    v = client.start_verification(PHONE, "remote_ticket", "demo-hall")
    assert v.phone_masked == "139****5678" and v.expires_in_s == 300 and PHONE not in v.verification_id
    with pytest.raises(BackendRefused) as err:          # a second code to the same number within a minute
        client.start_verification(PHONE, "remote_ticket", "demo-hall")
    assert err.value.code == "too_soon"
    code = server.sms_code(PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(BackendRefused) as err:
        client.check_verification(v.verification_id, wrong)
    assert err.value.code == "code_wrong"
    r = client.check_verification(v.verification_id, code)
    assert r.phone_masked == "139****5678" and PHONE not in r.recipient_id
    with pytest.raises(BackendNotFound):                 # a code confirms once
        client.check_verification(v.verification_id, code)
    sms = {"recipient_id": r.recipient_id, "template": "queue_reminder",
           "params": {"hall": "示范区政务服务中心", "ticket": "A012", "ahead": "3"}}
    first = client.send_sms(sms, "sms-key-0001")
    again = client.send_sms(sms, "sms-key-0001")        # a retry: the same message, not a second SMS
    assert first.message_id == again.message_id
    reminders = [s for s in server.sms() if s["template"] == "queue_reminder"]
    assert [s["text"] for s in reminders] == ["【示范区政务服务中心】您的A012号前面还有3人，请留意叫号，及时到窗口办理。"]
    assert reminders[0]["phone"] == PHONE
    with pytest.raises(BackendNotFound):
        client.send_sms({**sms, "recipient_id": "r-" + "0" * 32}, "sms-key-0002")


def test_too_many_wrong_codes_end_the_verification(server: ServerProcess, client) -> None:
    v = client.start_verification("13700001111", "reminder", "demo-hall")
    code = server.sms_code("13700001111")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    codes = []
    for _ in range(6):
        with pytest.raises(BackendRefused) as err:
            client.check_verification(v.verification_id, wrong)
        codes.append(err.value.code)
    assert codes == ["code_wrong"] * 5 + ["too_many_attempts"]
    with pytest.raises(BackendRefused) as err:          # even the right code, now
        client.check_verification(v.verification_id, code)
    assert err.value.code == "too_many_attempts"
