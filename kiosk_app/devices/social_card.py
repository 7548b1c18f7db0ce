"""The social security card (社会保障卡) as the kiosk's other identity: read through PC/SC
(drivers.smartcard) when the citizen inserts it while the identify page waits for a card, and
handed to the identity flow (kiosk_app/flows/identity.py) as the holder's records: name, ID
number and birth date (masked wherever they are shown or logged). When the card wants its PIN
the flow asks the citizen for it on a keypad and gives it back here; the PIN lives only in the
call that reads the card.

Card events come from the reader's monitor thread (SCardGetStatusChange: no polling); reads run
there, or on the intent's thread for a PIN.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Any, Callable, Protocol

from drivers.core.clock import Clock
from drivers.core.errors import DeviceError
from drivers.smartcard.errors import CardStatusError, PinRequired
from drivers.smartcard.reader import CardEvent, SmartCardReader

log = logging.getLogger(__name__)
PIN_BLOCKED = 0x6983
WAIT_CARD, PIN = "wait_card", "pin"      # kiosk_app.flows.identity's states (devices sit below the flows)


class IdentityFlow(Protocol):
    """What this service needs of kiosk_app.flows.identity.IdentityFlow."""

    view: Any
    begin_listeners: list[Callable[[], None]]
    submit_pin: Callable[[str], None] | None

    def on_social_card(self, card) -> None: ...
    def social_pin_needed(self, tries_left: int | None, blocked: bool = False) -> None: ...
    def social_card_error(self, message: str) -> None: ...


class SocialCardService:
    def __init__(self, url: str, flow: IdentityFlow, *, clock: Clock | None = None,
                 report_fault: Callable[[str, str], None] | None = None) -> None:
        self.reader = SmartCardReader(url, clock=clock)
        self.flow = flow
        self.report_fault = report_fault or (lambda device, message: None)
        self._read_lock = threading.Lock()      # one read at a time (insertion, PIN, begin)
        self.reader.on_card(self._event)
        flow.begin_listeners.append(self._card_already_there)
        flow.submit_pin = lambda pin: self._read(pin)
        flow.view = replace(flow.view, social=True)   # the identify page asks for either card

    def start(self) -> None:
        try:
            self.reader.start()
        except DeviceError as err:   # the monitor keeps waiting for the service; ID cards still work
            self.report_fault("smartcard", str(err))
        self.reader.start_monitor()

    def stop(self) -> None:
        self.reader.close()

    # -- events ---------------------------------------------------------------------------
    def _event(self, event: CardEvent) -> None:
        if event.inserted and self.flow.view.state == WAIT_CARD:
            self._read(None)

    def _card_already_there(self) -> None:
        """The citizen pressed "identify" with the card already inserted: read it now."""
        try:
            _, presence = self.reader.transport.presence()
        except DeviceError:
            return
        if presence.present:
            self._read(None)

    def _read(self, pin: str | None) -> None:
        if self.flow.view.state not in (WAIT_CARD, PIN):
            return
        with self._read_lock:
            try:
                card = self.reader.read_social_security_card(pin)
            except PinRequired as err:
                self.flow.social_pin_needed(err.tries_left, blocked=err.sw == PIN_BLOCKED)
                return
            except CardStatusError as err:
                log.info("not a social security card: %s", err)
                self.flow.social_card_error("ss_not_social")
                return
            except DeviceError as err:
                log.warning("social security card not read: %s", err)
                if err.action.value == "technician":
                    self.report_fault("smartcard", str(err))
                self.flow.social_card_error("ss_card_error")
                return
            self.flow.on_social_card(card)
