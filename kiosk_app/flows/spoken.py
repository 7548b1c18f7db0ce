"""What each kiosk page says aloud: in elderly mode when the page appears, on any page when the
citizen presses 朗读 / Read aloud. One function per page, from that page's flow screen; the words
come from kiosk_app/i18n.py, ticket numbers are spelt the way the hall's loudspeakers say them
(drivers/speech/numbers.py). No page speaks personal data: no name, no ID number, not even masked.

`for_flow(screen, hall)` covers the ticket flow's pages (home, ticket, error; issuing lasts a moment);
`for_service(kind, screen, lang)` the service pages (identify, guide and rating, the citizen's
services, booking check-in, payment): their title, then what they show as their message.
"""
from __future__ import annotations

from typing import Callable

from config.schema import HallConfig
from drivers.speech.numbers import ticket_en, ticket_zh
from kiosk_app.flows.ticket import PRIORITY_NOTES, Screen
from kiosk_app.i18n import STRINGS, tr


def _title(key: str | None, lang: str) -> str:
    """A service page's title; the page's flow module adds its words to STRINGS when imported."""
    return tr(key, lang) if key in STRINGS else ""


def _join(parts: list[str], lang: str) -> str:
    return tr("say_list_sep", lang).join(p for p in parts if p)


def home(s: Screen, hall: HallConfig) -> str:
    lang = s.lang
    services = [tr("say_service", lang, code=svc.code, name=svc.name if lang == "zh" else (svc.name_en or svc.name))
                for svc in hall.services]
    return tr("say_home", lang, title=tr("title", lang), choose=tr("choose", lang), services=_join(services, lang))


def ticket(s: Screen, hall: HallConfig) -> str:
    t, lang = s.ticket, s.lang
    if t is None:
        return ""
    try:
        number = ticket_zh(t.number) if lang == "zh" else ticket_en(t.number)
    except ValueError:  # a number the spellers do not know is read as it is written
        number = t.number
    note = PRIORITY_NOTES.get(t.priority)
    service = (t.service_name if lang == "zh" else t.service_name_en) + (
        tr("say_clause_sep", lang) + tr(note, lang) if note else "")
    area = tr("area", lang, area=t.area if lang == "zh" else (t.area_en or t.area))
    return tr("say_ticket", lang, number=number, service=service, ahead=tr("ahead", lang, n=t.people_ahead),
              area=area, message=s.message).strip()


def error(s: Screen, hall: HallConfig) -> str:
    return s.message


# "issuing" lasts a moment: it says nothing (it silences the page before it)
FLOW_PAGES: dict[str, Callable[[Screen, HallConfig], str]] = {"home": home, "ticket": ticket, "error": error}


def for_flow(s: Screen, hall: HallConfig) -> str:
    """The text of the ticket flow's page on screen ("" for a page with nothing to say)."""
    page = FLOW_PAGES.get(s.page)
    return page(s, hall) if page is not None else ""


# The service pages: their title (an i18n key), then their message. The citizen's pages speak
# their title only: their messages may greet the identified citizen.
SERVICE_TITLES = {"identify": "id_title", "civic": None, "citizen": "cz_title", "booking": "bk_title",
                  "payment": "pay_title"}


def for_service(kind: str, screen, lang: str) -> str:
    """`screen`: the service flow's screen (IdentityView for identify, CivicScreen, BookingScreen,
    PaymentScreen; CitizenScreen is not read)."""
    if kind == "identify":
        message = getattr(screen, "message", "")
        said = tr(message, lang) if message in STRINGS else ""
        return _join([_title("id_title", lang), said or _title("id_place_card", lang)], lang)
    if kind == "civic":
        title = "rate_title" if getattr(screen, "topic", "") == "rate" else "guide_title"
        return _join([_title(title, lang), getattr(screen, "message", "")], lang)
    if kind == "citizen":
        return _title("cz_title", lang)
    title = SERVICE_TITLES.get(kind)
    return _join([_title(title, lang), getattr(screen, "message", "")], lang)
