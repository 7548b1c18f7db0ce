"""Build an identified citizen's kiosk services on real parts: the controller with the
reference backend (`hall` fixture), the ESC/POS emulator, the private cupsd. The citizen is
one of the reference backend's synthetic citizens, so the platform knows them; the
`Identity` is the one the ID card flow makes."""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, replace
from datetime import date

from config.schema import KioskConfig
from drivers.a4printer.printer import A4Printer
from drivers.core.clock import FakeClock
from drivers.escpos.printer import ReceiptPrinter
from drivers.idcard.codes import gender_name
from drivers.idcard.reader import CARD_PLACED
from drivers.idcard.sim import sim_emulator
from drivers.idcard.synthetic import EmulatedCard, encode_text_block, generate_card
from kiosk_app.clients.backend import KioskBackend
from kiosk_app.clients.ticketing import TicketClient
from kiosk_app.flows.citizen import CitizenServices
from kiosk_app.flows.civic import CivicPages
from kiosk_app.flows.identity import Identity, IdentityFlow
from kiosk_app.flows.licence_print import LicencePrinting
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

    def stop(self) -> None:
        self.service.stop()


def build(endpoint, hall_config, *, receipt_url: str | None = None, a4_url: str | None = None,
          clock: FakeClock | None = None) -> Services:
    clock = clock or FakeClock()
    faults: list = []
    report = lambda device, message: faults.append((device, message))  # noqa: E731
    receipts = None
    if receipt_url:
        receipts = ReceiptPrinter(receipt_url, device_id="kiosk-01-printer")
        receipts.start()
    flow = KioskFlow(TicketClient(endpoint, HALL), receipts.print_ticket if receipts else None, clock,
                     report_fault=report)
    backend = KioskBackend(endpoint, HALL, timeout=20)
    a4 = None
    if a4_url:
        a4 = A4Printer(a4_url, timeout=30, poll=0.05)
        a4.start()
    reader_name = f"services-{uuid.uuid4().hex[:8]}"
    service = IdentityService(KioskConfig(id="kiosk-01", hall=HALL, idcard_url=f"sim://idcard?name={reader_name}"),
                              clock, report)
    identity_flow = service.flow
    civic = CivicPages(backend, clock)
    citizen = CitizenServices(backend, identity_flow, clock, hall_config, kiosk_id="kiosk-01", civic=civic,
                              show_ticket=flow.show_ticket, licences=LicencePrinting(backend, a4, "kiosk-01"),
                              report_fault=report)
    flow.priority_for = citizen.ticket_priority
    flow.session_end.append(citizen.finish)
    changed = threading.Condition()

    def notify(_screen) -> None:
        with changed:
            changed.notify_all()
    citizen.listeners.append(notify)
    card_events: list = []

    def on_card(event) -> None:
        with changed:
            card_events.append(event.kind)
            changed.notify_all()
    service.reader.subscribe_cards(on_card)
    service.start()
    return Services(clock, flow, identity_flow, citizen, civic, backend, faults, service, reader_name,
                    changed, card_events)


def card_for(citizen: dict) -> EmulatedCard:
    """An ID card (emulated, synthetic) for one of the backend's synthetic citizens."""
    base = generate_card("resident", seed=1)
    male = int(citizen["id_number"][16]) % 2 == 1
    card = replace(base.card, name=citizen["name"], id_number=citizen["id_number"],
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
