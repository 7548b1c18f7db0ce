"""The sim:// transport in process, and the photo decoder registry."""
from __future__ import annotations

import pytest

from drivers.core.errors import DeviceTimeout, HardwareError
from drivers.core.status import DeviceState
from drivers.core.url import UrlError
from drivers.idcard.cards import CardType
from drivers.idcard.photo import (
    SOURCE_EMULATOR,
    VendorLibraryDecoder,
    decode_photo,
    decoders_from_config,
    register_decoder,
)
from drivers.idcard.reader import CARD_PLACED, IdCardReader
from drivers.idcard.sim import sim_emulator
from drivers.idcard.synthetic import generate_card, reference_face
from tests.drivers.idcard.conftest import wait_until


def test_sim_url_reads_and_retries(tmp_path):
    reader = IdCardReader("sim://idcard?card=foreigner_2017&faults=bad_checksum:2&name=t-sim-1", timeout=0.2)
    with reader:
        assert reader.read_card().card_type is CardType.FOREIGNER_2017
    assert sim_emulator("t-sim-1").faults == {}


def test_sim_unplug_and_back():
    reader = IdCardReader("sim://idcard?name=t-sim-2", timeout=0.05, removal_misses=1)
    em = sim_emulator("t-sim-2")
    reader.start()
    em.place("resident")
    assert reader.poll_once().kind == CARD_PLACED
    em.inject("unplugged")
    assert reader.poll_once() is None and reader.status.state is DeviceState.OFFLINE
    em.clear()
    wait_until(lambda: reader.poll_once() or reader.link is not None)   # reopened after the backoff
    assert reader.status.state is DeviceState.ONLINE
    assert reader.poll_once() is None                    # the same card is not read again
    reader.close()


def test_sim_silence_is_a_timeout():
    with IdCardReader("sim://idcard?card=resident&name=t-sim-3", timeout=0.05, retries=0) as reader:
        sim_emulator("t-sim-3").inject("silence")
        with pytest.raises(DeviceTimeout):
            reader.read_card()


@pytest.mark.parametrize("url", ["sim://printer", "sim://idcard?card=passport", "sim://idcard?faults=melt"])
def test_bad_sim_urls(url):
    with pytest.raises(UrlError):
        IdCardReader(url).open()


def test_reference_image_reaches_the_card(pty_emulator, make_reader):
    import random
    png = reference_face(random.Random(99))
    pty_emulator.emulator.place(generate_card("resident", 2, reference_image=png))
    with make_reader() as reader:
        photo = reader.read_card().photo
    assert photo.image == png and photo.image_format == "png" and photo.source == SOURCE_EMULATOR
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_decoder_registry():
    raw = generate_card("resident", 1).photo
    assert decode_photo(raw, decoders_from_config("none")).source is None
    assert decode_photo(raw, decoders_from_config("emulator")).source == SOURCE_EMULATOR
    assert decode_photo(b"WLf" + bytes(1021), decoders_from_config("emulator")).image is None

    class Grey:
        source = "vendor_decoder"

        def decode(self, data: bytes):
            return (b"BM" + bytes(38860), "bmp") if data.startswith(b"WLf") else None

    register_decoder("grey", lambda arg: Grey())
    photo = decode_photo(raw, decoders_from_config("grey,emulator"))
    assert photo.source == "vendor_decoder" and photo.image_format == "bmp"
    assert "WLf" not in repr(photo)
    with pytest.raises(ValueError):
        decoders_from_config("nosuch")


def test_missing_vendor_library_is_a_hardware_error(tmp_path):
    with pytest.raises(HardwareError):
        VendorLibraryDecoder(str(tmp_path / "libwlt.so"))
