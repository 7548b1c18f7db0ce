"""The social security card as the kiosk's other identity, on the real PC/SC stack: pcscd with
vpcd's virtual reader and virtual cards plugged in over loopback (drivers.smartcard.emulator),
the real broker, controller and reference platform. The card's holder is one of the platform's
synthetic citizens, so the identified citizen's services answer. Nothing of ours is mocked."""
from __future__ import annotations

import logging
import threading
from datetime import date

import pytest

from drivers.smartcard.cards import ContactlessCard, SocialSecurityCard
from drivers.smartcard.emulator import VirtualCard
from drivers.smartcard.reader import SmartCardReader
from kiosk_app.flows.identity import CARD_ERROR_PAGE, IDENTIFIED, IDLE, PIN
from tests.support.pcsc import pcscd  # noqa: F401 (fixture)

from .services_support import HALL, build


@pytest.fixture
def empty_reader(pcscd):  # noqa: F811
    """Wait until the virtual reader is empty (a card of another test may still be leaving)."""
    dev = SmartCardReader(pcscd)
    dev.start()
    dev.wait_for_removal(timeout=15)
    dev.close()
    return pcscd


@pytest.fixture
def kiosk(hall, broker, suite_config, empty_reader):
    s = build(suite_config, broker, smartcard_url=empty_reader)
    cards: list[VirtualCard] = []
    yield s, cards
    for vc in cards:
        vc.remove()
    s.stop()


def wait(s, condition, timeout: float = 15.0) -> None:
    done = threading.Event()
    s.identity_flow.listeners.append(lambda v: condition(v) and done.set())
    if not condition(s.identity_flow.view) and not done.wait(timeout):
        raise AssertionError(f"still {s.identity_flow.view}")


def wait_menu(s, timeout: float = 15.0) -> None:
    with s.changed:
        assert s.changed.wait_for(lambda: s.citizen.screen.page == "menu", timeout), s.citizen.screen


def holder(citizen: dict, **more) -> dict:
    return {"id_number": citizen["id_number"], "name": citizen["name"],
            "birth_date": date.fromisoformat(citizen["birth"]), **more}


def test_the_social_security_card_identifies_the_citizen_and_is_wiped(kiosk, server, caplog):
    s, cards = kiosk
    caplog.set_level(logging.DEBUG)
    who = server.citizens()[4]
    s.identity_flow.begin()
    assert s.identity_flow.view.message == "id_place_any_card"
    vc = VirtualCard(SocialSecurityCard(holder(who)))
    vc.insert()
    cards.append(vc)
    wait(s, lambda v: v.state == IDENTIFIED)
    view = s.identity_flow.view
    assert view.message == "ss_card_read" and view.masked_id == who["id_number"][:6] + "********" + who["id_number"][-4:]
    assert s.identity_flow.identity.card_type == "social_security"
    wait_menu(s)                                        # the same services as with the ID card
    progress = s.citizen.show_progress()
    assert progress.page == "progress" and progress.applications
    assert who["name"] not in caplog.text and who["id_number"] not in caplog.text
    s.citizen.finish()
    assert s.identity_flow.identity is None and s.identity_flow.view.state == IDLE
    assert s.identity_flow.view.masked_id == ""


def test_a_card_that_wants_its_pin(kiosk, server, caplog):
    s, cards = kiosk
    caplog.set_level(logging.DEBUG)          # the PC/SC traffic log too: the PIN never appears
    who = server.citizens()[5]
    vc = VirtualCard(SocialSecurityCard(holder(who), pin="123456"))
    vc.insert()                                          # inserted before the citizen pressed "identify"
    cards.append(vc)
    s.identity_flow.begin()
    wait(s, lambda v: v.state == PIN)
    flow = s.identity_flow
    assert flow.view.message == "ss_pin" and flow.view.pin_digits == 0
    for d in "000000":
        flow.pin_key(d)
    assert flow.view.pin_digits == 6 and "000000" not in repr(flow.view)     # the view counts, never holds it
    flow.pin_submit()
    wait(s, lambda v: v.state == PIN and v.message == "ss_pin_wrong")
    assert flow.view.tries_left == 2
    for d in "123456":
        flow.pin_key(d)
    flow.pin_backspace()
    flow.pin_key("6")
    flow.pin_submit()
    wait(s, lambda v: v.state == IDENTIFIED)
    wait_menu(s)
    assert flow.identity.name == who["name"]
    assert "20 00 00 03" in caplog.text                        # the VERIFY went out, logged
    assert "12 34 56" not in caplog.text and "3 bytes hidden" in caplog.text   # the right PIN, as BCD, never


def test_not_a_social_security_card(kiosk):
    s, cards = kiosk
    s.identity_flow.begin()
    vc = VirtualCard(ContactlessCard())
    vc.insert()
    cards.append(vc)
    wait(s, lambda v: v.state == CARD_ERROR_PAGE)
    assert s.identity_flow.view.message == "ss_not_social" and s.identity_flow.identity is None
