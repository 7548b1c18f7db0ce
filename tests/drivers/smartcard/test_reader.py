"""The reader against a real pcscd + vpcd, with virtual cards on loopback."""
from __future__ import annotations

import queue
from datetime import date

import pytest

from drivers.core.errors import Action, DeviceUnavailable
from drivers.core.status import DeviceState
from drivers.smartcard.cards import SAMPLE_HOLDER, ContactlessCard, SocialSecurityCard
from drivers.smartcard.errors import CardRemoved, CardStatusError, NoCard, PinRequired
from drivers.smartcard.reader import SmartCardReader, list_readers


def test_reads_a_social_security_card(reader, card):
    card("social")
    ssc = reader.read_social_security_card()
    assert ssc.card_number == "A00000001"
    assert ssc.id_number == SAMPLE_HOLDER["id_number"]
    assert ssc.name == "王测试"
    assert ssc.issue_date == date(2021, 3, 15) and ssc.expiry_date == date(2031, 3, 15)
    assert ssc.birth_date == date(1949, 12, 31) and ssc.sex_text == "男" and ssc.birthplace == "110105"
    assert ssc.holder_read
    assert reader.counters.get("reads") >= 1
    text = repr(ssc)
    assert SAMPLE_HOLDER["id_number"] not in text and "王测试" not in text and "王**" in text


def test_61xx_and_6Cxx_are_followed(reader, card):
    vc = card(SocialSecurityCard(via_61=frozenset({0x09}), strict_le=frozenset({0x08})))
    ssc = reader.read_social_security_card()
    assert ssc.name == "王测试" and ssc.id_number == SAMPLE_HOLDER["id_number"]
    sent = [c.hex().upper() for c in vc.commands]
    assert "00C0000020" in sent                    # GET RESPONSE for the 32-byte name record
    assert "00B2080414" in sent                    # resent with Le = 0x14 after 6C14


def test_pin_required_is_a_state_not_a_crash(reader, card):
    card("social-pin")
    with pytest.raises(PinRequired) as info:
        reader.read_social_security_card()
    err = info.value
    assert err.sw == 0x6982 and err.action is Action.CITIZEN
    assert err.partial.card_number == "A00000001" and not err.partial.holder_read
    assert reader.status.state is DeviceState.USER_ERROR and "pin_required" in reader.status.details
    partial = reader.read_social_security_card(allow_partial=True)
    assert partial.id_number == "" and partial.expiry_date == date(2031, 3, 15)


def test_wrong_then_right_pin(reader, card):
    card("social-pin")
    with pytest.raises(PinRequired) as info:
        reader.read_social_security_card(pin="000000")
    assert info.value.tries_left == 2
    ssc = reader.read_social_security_card(pin="123456")
    assert ssc.holder_read and ssc.name == "王测试"


def test_contactless_uid_and_ats(reader, card):
    card(ContactlessCard(uid=bytes.fromhex("04112233445566")))
    assert reader.uid() == bytes.fromhex("04112233445566")
    assert reader.ats() == bytes.fromhex("0578807002")


def test_resident_id_card_uid_via_0036(reader, card):
    card("idcard")
    assert reader.uid() == bytes.fromhex("3203A5F1C0E1A00B")


def test_contact_card_has_no_uid(reader, card):
    card("social")
    with pytest.raises(CardStatusError) as info:
        reader.uid()
    assert info.value.sw == 0x6A81


def test_not_a_social_security_card(reader, card):
    card("contactless")
    with pytest.raises(CardStatusError, match="社会保障卡"):
        reader.read_social_security_card()


def test_insertion_and_removal_events(reader, card):
    events: queue.Queue = queue.Queue()
    reader.on_card(events.put)
    reader.start_monitor()
    vc = card("contactless", wait=False)
    inserted = events.get(timeout=15)
    assert inserted.inserted and inserted.atr == vc.profile.atr and inserted.reader == "Virtual PCD 00 00"
    vc.remove()
    removed = events.get(timeout=15)
    assert removed.kind == "removed"
    assert "no_card" in reader.status.details
    reader.stop_monitor()


def test_card_pulled_mid_read(reader, card):
    vc = card("social", pull_after=4)
    with pytest.raises(CardRemoved) as info:
        reader.read_social_security_card()
    assert vc.pulled.is_set()
    assert info.value.action is Action.CITIZEN
    assert reader.status.state is DeviceState.USER_ERROR and "card_removed" in reader.status.details


def test_no_card(reader):
    with pytest.raises(NoCard):
        reader.uid()
    assert reader.refresh_status().details == ("no_card",)


def test_unknown_reader(pcscd):
    dev = SmartCardReader("pcsc://No Such Reader 00 00")
    with pytest.raises(DeviceUnavailable):
        dev.open()
    assert dev.status.state is DeviceState.NO_DEVICE
    assert "Virtual PCD 00 00" in list_readers()
