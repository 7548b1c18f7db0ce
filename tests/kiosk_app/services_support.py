"""Build an identified citizen's kiosk on real parts with the kiosk's own composition
(kiosk_app/app.py, as `kiosk` and the demo build it): the controller with the reference backend
(`hall` fixture), the ESC/POS emulator, the private cupsd, the ID card emulator behind the real
reader (and the social security card reader when asked). The citizen is one of the reference
backend's synthetic citizens, so the platform knows them; the `Identity` is the one the ID card
flow makes."""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, replace
from datetime import date

from config.schema import KioskConfig
from drivers.core.clock import FakeClock
from drivers.idcard.codes import gender_name
from drivers.idcard.reader import CARD_PLACED
from drivers.idcard.sim import sim_emulator
from drivers.idcard.synthetic import EmulatedCard, encode_text_block, generate_card
from kiosk_app.app import Kiosk
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.flows.citizen import CitizenServices
from kiosk_app.flows.civic import CivicPages
from kiosk_app.flows.identity import Identity, IdentityFlow
from kiosk_app.flows.ticket import KioskFlow
from kiosk_app.identity_setup import IdentityService

HALL = "demo-hall"


@dataclass
class Services:
    clock: FakeClock
    flow: KioskFlow
    identity_flow: IdentityFlow
    citizen: CitizenServices
    civic: CivicPages
    backend: KioskBackend
    faults: list
    service: IdentityService
    reader_name: str
    changed: threading.Condition
    card_events: list
    kiosk: Kiosk

    def stop(self) -> None:
        self.kiosk.stop()


def kiosk_config(suite_config, **devices) -> KioskConfig:
    """kiosk-01 of the example hall on the test broker, with these device URLs."""
    return KioskConfig(id="kiosk-01", hall=HALL, broker=suite_config.broker.model_copy(update={"username": "kiosk-01"}),
                       **{k: v for k, v in devices.items() if v is not None})


def build(suite_config, broker, *, receipt_url: str | None = None, a4_url: str | None = None,
          clock: FakeClock | None = None, smartcard_url: str | None = None, camera_url: str | None = None) -> Services:
    clock = clock or FakeClock()
    reader_name = f"services-{uuid.uuid4().hex[:8]}"
    config = kiosk_config(suite_config, printer_url=receipt_url, a4_printer_url=a4_url,
                          idcard_url=f"sim://idcard?name={reader_name}", smartcard_url=smartcard_url,
                          camera_url=camera_url)
    kiosk = Kiosk(config, suite_config.hall(HALL), password=broker.passwords["kiosk-01"], clock=clock)
    if kiosk.a4 is not None:
        kiosk.a4.timeout, kiosk.a4.poll = 30, 0.05
    changed = threading.Condition()

    def notify(_screen) -> None:
        with changed:
            changed.notify_all()
    kiosk.citizen.listeners.append(notify)
    card_events: list = []

    def on_card(event) -> None:
        with changed:
            card_events.append(event.kind)
            changed.notify_all()
    kiosk.identity.reader.subscribe_cards(on_card)
    kiosk.start()
    return Services(clock, kiosk.flow, kiosk.identity.flow, kiosk.citizen, kiosk.civic, kiosk.backend, kiosk.faults,
                    kiosk.identity, reader_name, changed, card_events, kiosk)


def card_for(citizen: dict) -> EmulatedCard:
    """An ID card (emulated, synthetic) for one of the backend's synthetic citizens, of the
    citizen's card type (resident, permit_hmt, foreigner_2017, foreigner_2023)."""
    base = generate_card(citizen.get("card_type", "resident"), seed=1)
    number = citizen["id_number"]
    male = int(number[16]) % 2 == 1 if len(number) == 18 else base.card.gender_code == "1"
    card = replace(base.card, name=citizen["name"], id_number=number,
                   birth_date=date.fromisoformat(citizen["birth"]), gender_code="1" if male else "2",
                   gender=gender_name("1" if male else "2"))
    return EmulatedCard(card, encode_text_block(card), base.photo)


def identify(s: Services, citizen: dict, timeout: float = 30.0) -> Identity:
    """The citizen places the card on the (emulated) reader; the real reader polls it and the
    identity flow identifies them (this kiosk has no camera: card only)."""
    reader = sim_emulator(s.reader_name)
    reader.lift()
    with s.changed:       # the reader must have seen the last card go before the next one comes
        if not s.changed.wait_for(lambda: s.card_events[-1:] != [CARD_PLACED], timeout):
            raise AssertionError("the reader did not notice the card was lifted")
    s.identity_flow.begin()
    reader.place(card_for(citizen))
    with s.changed:
        if not s.changed.wait_for(lambda: s.citizen.screen.page == "menu", timeout):
            raise AssertionError(f"not identified: {s.identity_flow.view}")
    return s.identity_flow.identity
