"""The reader over a real pty against the emulator: every card type, every fault, polling."""
from __future__ import annotations

import logging

import pytest

from drivers.core.errors import Action, DeviceTimeout, ProtocolError
from drivers.core.status import DeviceState
from drivers.idcard.cards import CardType
from drivers.idcard.errors import CardReadFailed, CardRejected, NoCard, SamFault
from drivers.idcard.photo import SOURCE_EMULATOR
from drivers.idcard.reader import CARD_ERROR, CARD_PLACED, CARD_REMOVED
from drivers.idcard.synthetic import generate_card
from tests.drivers.idcard.conftest import wait_until


@pytest.mark.parametrize("card_type", [t.value for t in CardType])
def test_reads_every_card_type(pty_emulator, make_reader, card_type):
    emulated = pty_emulator.emulator.place(card_type)
    with make_reader() as reader:
        card = reader.read_card()
    assert card.to_dict(masked=False) | {"new_address": None, "photo_source": None} == \
        emulated.card.to_dict(masked=False)
    assert card.photo.raw == emulated.photo
    assert card.photo.source == SOURCE_EMULATOR and card.photo.image == emulated.reference_image
    assert reader.counters.get("reads") == 1


def test_appended_address_and_fingerprint(pty_emulator, make_reader):
    pty_emulator.emulator.place(generate_card("resident", 4, new_address="示例市幸福路8号", fingerprint_len=512))
    with make_reader(fingerprint=True) as reader:
        card = reader.read_card()
    assert card.new_address == "示例市幸福路8号" and len(card.fingerprint) == 512


def test_sam_id_health_and_baud(pty_emulator, make_reader):
    with make_reader() as reader:
        assert reader.sam_id().startswith("05.01-")
        report = reader.health_check()
        assert report.ok and report.checks["sam_id"] == reader.sam_id()
        reader.set_baud(57600)
        assert pty_emulator.emulator.baud == 57600


def test_no_card_is_a_citizen_condition(make_reader):
    with make_reader() as reader:
        assert reader.find() is False
        with pytest.raises(NoCard) as info:
            reader.read_card()
    assert info.value.action is Action.CITIZEN


@pytest.mark.parametrize("fault", ["bad_checksum:1", "garbled:1", "short:1", "silence:1", "noise",
                                   "bad_checksum:2", "garbled:2"])
def test_transient_faults_are_retried(pty_emulator, make_reader, fault):
    emulated = pty_emulator.emulator.place("resident")
    with make_reader() as reader:
        name, _, times = fault.partition(":")
        pty_emulator.emulator.inject(name, int(times) if times else None)
        assert reader.read_card().id_number == emulated.card.id_number


@pytest.mark.parametrize("fault,error", [("bad_checksum", ProtocolError), ("garbled", ProtocolError),
                                         ("short", DeviceTimeout), ("silence", DeviceTimeout)])
def test_persistent_faults_raise_typed_errors(pty_emulator, make_reader, fault, error):
    pty_emulator.emulator.place("resident")
    with make_reader() as reader:
        pty_emulator.emulator.inject(fault)
        with pytest.raises(error):
            reader.read_card()
        assert reader.refresh_status().state is DeviceState.OFFLINE
        pty_emulator.emulator.clear()
        assert reader.refresh_status().state is DeviceState.ONLINE


@pytest.mark.parametrize("fault,error,action", [("read_failed", CardReadFailed, Action.CITIZEN),
                                                ("auth_failed", CardRejected, Action.STAFF)])
def test_card_faults(pty_emulator, make_reader, fault, error, action):
    pty_emulator.emulator.place("permit_hmt")
    pty_emulator.emulator.inject(fault, 1)
    with make_reader() as reader:
        with pytest.raises(error) as info:
            reader.read_card()
        assert info.value.action is action
        assert reader.read_card().card_type is CardType.PERMIT_HMT     # lifted and placed again


def test_sam_self_test_failure(pty_emulator, make_reader):
    pty_emulator.emulator.inject("sam_failure")
    reader = make_reader()
    with pytest.raises(SamFault):
        reader.open()
    assert reader.status.state is DeviceState.HARDWARE_ERROR
    assert reader.status.action is Action.TECHNICIAN
    assert reader.counters.get("faults") == 1
    pty_emulator.emulator.clear()
    assert reader.refresh_status().state is DeviceState.ONLINE


def started(make_reader, **kwargs):
    """A started reader and the list its card events go to."""
    reader = make_reader(**kwargs)
    events: list = []
    reader.subscribe_cards(events.append)
    reader.start()
    return reader, events


def test_one_session_per_placement(pty_emulator, make_reader):
    em = pty_emulator.emulator
    reader, events = started(make_reader, removal_misses=2)
    assert reader.poll_once() is None                     # empty reader
    em.place("resident")
    assert reader.poll_once().kind == CARD_PLACED
    for _ in range(5):                                    # left on the reader: never read again
        assert reader.poll_once() is None
    em.lift()
    assert reader.poll_once() is None                     # one miss is not yet a removal
    assert reader.poll_once().kind == CARD_REMOVED
    em.place("foreigner_2017")
    assert reader.poll_once().card.card_type is CardType.FOREIGNER_2017
    assert [e.kind for e in events] == [CARD_PLACED, CARD_REMOVED, CARD_PLACED]
    assert reader.counters.get("reads") == 2


def test_card_error_is_emitted_once_until_lifted(pty_emulator, make_reader):
    em = pty_emulator.emulator
    reader = make_reader(removal_misses=1)
    em.place("resident")
    em.inject("auth_failed")
    reader.start()
    event = reader.poll_once()
    assert event.kind == CARD_ERROR and isinstance(event.error, CardRejected)
    assert reader.poll_once() is None and reader.poll_once() is None
    em.lift()
    assert reader.poll_once().kind == CARD_REMOVED


def test_polling_thread_emits_exactly_once(pty_emulator, make_reader):
    em = pty_emulator.emulator
    reader, events = started(make_reader, poll_interval=0.01)
    reader.start_polling()
    em.place("foreigner_2023")
    wait_until(lambda: events)
    finds = len(em.requests)
    wait_until(lambda: len(em.requests) > finds + 20)     # many more polls with the card on
    em.lift()
    wait_until(lambda: len(events) == 2)
    reader.stop_polling()
    assert [e.kind for e in events] == [CARD_PLACED, CARD_REMOVED]


def test_unplug_and_replug_reconnects_without_a_second_read(pty_emulator, make_reader):
    em = pty_emulator.emulator
    reader = make_reader(removal_misses=1)
    statuses = []
    reader.subscribe(lambda dev, status: statuses.append(status.state))
    reader.start()
    em.place("resident")
    assert reader.poll_once().kind == CARD_PLACED
    pty_emulator.unplug()
    assert reader.poll_once() is None
    assert reader.status.state in (DeviceState.NO_DEVICE, DeviceState.OFFLINE)
    reader.clock.advance(60)
    assert reader.poll_once() is None                     # still unplugged: reopening fails
    assert reader.status.state is DeviceState.NO_DEVICE
    pty_emulator.replug()
    reader.clock.advance(60)
    assert reader.poll_once() is None                     # back, and the card is not read twice
    assert reader.status.state is DeviceState.ONLINE
    em.lift()
    assert reader.poll_once().kind == CARD_REMOVED
    em.place("resident")
    assert reader.poll_once().kind == CARD_PLACED
    assert DeviceState.NO_DEVICE in statuses and statuses[-1] is DeviceState.ONLINE
    assert reader.counters.get("faults") >= 2


def test_logs_never_hold_personal_data(pty_emulator, make_reader, caplog):
    caplog.set_level(logging.DEBUG)
    cards = [generate_card(t, 11, new_address="示例市团结路99号") for t in CardType]
    with make_reader() as reader:
        pty_emulator.emulator.inject("garbled", 1)        # the retry path logs too
        for emulated in cards:
            pty_emulator.emulator.place(emulated)
            reader.read_card()
        reader.poll_once()
    text = caplog.text
    assert "drivers.idcard.traffic" in {r.name for r in caplog.records}
    assert "aa aa aa 96 69 00 03 30 01 32" in text        # the traffic itself is logged
    for emulated in cards:
        card = emulated.card
        for secret in (card.id_number, card.name, card.english_name, card.address, card.pass_number,
                       "示例市团结路99号", emulated.text[:40].hex(" ")):
            if secret:
                assert secret not in text
        assert card.id_number.encode("utf-16-le").hex(" ") not in text


def test_a_scheduled_check_asks_the_sam_between_reads_and_never_during_one(pty_emulator, make_reader):
    """`poll_status` (the kiosk's device watch): the SAM's status when the reader is idle, a SAM
    fault found without a card, and nothing sent while a find -> select -> read owns the reader."""
    import threading
    reader = make_reader()
    reader.start()
    em = pty_emulator.emulator
    asked = len(em.requests)
    assert reader.poll_status().state is DeviceState.ONLINE and len(em.requests) == asked + 1
    em.inject("sam_failure")
    status = reader.poll_status()
    assert status.state is DeviceState.HARDWARE_ERROR and status.action is Action.TECHNICIAN
    em.clear()
    assert reader.poll_status().state is DeviceState.ONLINE
    holding, release = threading.Event(), threading.Event()

    def reading() -> None:
        with reader._sequence:  # what poll_once holds from find to the end of the read
            holding.set()
            release.wait(10)
    t = threading.Thread(target=reading)
    t.start()
    try:
        assert holding.wait(5)
        asked = len(em.requests)
        assert reader.poll_status() is None and len(em.requests) == asked
    finally:
        release.set()
        t.join(5)
    assert reader.poll_status().state is DeviceState.ONLINE
