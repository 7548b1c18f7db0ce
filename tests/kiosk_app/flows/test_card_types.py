"""Every card type a kiosk reads (drivers/idcard/cards.py CardType: the resident ID card, the
Hong Kong/Macau/Taiwan residence permit, the foreigner permanent residence cards of 2004-2017
(3 letters and 12 digits) and of 2023 (18 digits starting with 9)) through each service of an
identified citizen: check-in, progress, licence printing and rating. On real parts: the ID card
emulator behind the real reader, broker, controller, reference backend process, ESC/POS
emulator, private cupsd; the holders are the reference backend's synthetic citizens."""
from __future__ import annotations

import logging

import pytest

from drivers.idcard.cards import CardType
from hall_protocol import contract
from tests.support.fixtures import new_request_id

from ..services_support import HALL, build, identify

CARD_TYPES = [t.value for t in CardType]


@pytest.fixture
def services(hall, broker, suite_config, printer_emulator, queue_url):
    _, port = printer_emulator
    s = build(suite_config, broker, receipt_url=f"tcp://127.0.0.1:{port}", a4_url=queue_url)
    yield s
    s.stop()


def holder(server, card_type: str) -> dict:
    who = next((c for c in server.citizens() if c["card_type"] == card_type), None)
    assert who is not None, f"the reference backend has no holder of a {card_type} card"
    return who


def test_the_reference_backend_has_a_holder_of_every_card_type(server):
    kinds = {c["card_type"]: c["id_number"] for c in server.citizens()}
    assert sorted(kinds) == sorted(CARD_TYPES)
    assert kinds["foreigner_2017"][:3].isalpha() and len(kinds["foreigner_2017"]) == 15
    assert kinds["foreigner_2023"].startswith("9") and kinds["permit_hmt"][:2] in ("81", "82", "83")


def _serve(device, hall_config, number: str) -> None:
    window = next(w.number for w in hall_config.windows if number[0] in w.services)
    caller = device(f"caller-w{window}")
    topic = contract.WINDOW_REQUEST.format(hall=HALL, client=f"caller-w{window}")
    for action in ({"action": "call", "ticket": number}, {"action": "finish"}):
        assert caller.request(topic, {"window": window, "request_id": new_request_id(), **action})["status"] == "ok"


@pytest.mark.parametrize("card_type", CARD_TYPES)
def test_check_in_then_rate_the_ticket(card_type, services, server, printer_emulator, device, suite_config,
                                       caplog):
    caplog.set_level(logging.DEBUG)
    emu, _ = printer_emulator
    who = holder(server, card_type)
    identity = identify(services, who)
    assert identity.card_type == card_type
    s = services.citizen.show_appointments()
    assert s.page == "appointments", s
    code = next(a.code for a in s.appointments if a.status.value == "booked")
    services.citizen.check_in(code)
    screen = services.flow.screen
    assert screen.page == "ticket" and screen.printed and screen.ticket.priority == "appointment"
    receipt = emu.wait_for_receipts(1)[0]
    assert screen.ticket.number in receipt.lines and who["id_number"] not in receipt.text
    number = screen.ticket.number
    services.flow.done()
    _serve(device, suite_config.hall(HALL), number)
    identify(services, who)
    services.citizen.rate()
    civic = services.civic
    assert services.citizen.screen.page == "rating" and civic.screen.page == "rate_entry"
    offer = next(o for o in civic.screen.offers if o.number == number)
    civic.choose_offer(offer)
    civic.choose_score(5)
    assert civic.submit().page == "rated"
    civic.close()
    services.citizen.finish()
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert who["id_number"] not in logged and who["id_number"].lower() not in logged


@pytest.mark.parametrize("card_type", CARD_TYPES)
def test_progress_of_applications(card_type, services, server):
    identify(services, holder(server, card_type))
    s = services.citizen.show_progress()
    assert s.page == "progress" and s.applications and all(a.steps for a in s.applications)
    services.citizen.finish()


@pytest.mark.parametrize("card_type", CARD_TYPES)
def test_licence_is_printed(card_type, services, server, listener):
    identify(services, holder(server, card_type))
    lics = services.citizen.show_licences().licences
    lic = next(x for x in lics if x.printable and x.print_count == 0)
    expected = services.backend.licence_pdf(lic.licence_id)
    s = services.citizen.print_licence(lic.licence_id)
    assert s.page == "printed", s
    assert listener.received.wait(20) and listener.jobs == [expected]
    assert [p for p in server.received()["prints"] if p["licence_id"] == lic.licence_id]
    services.citizen.finish()
