"""How a call is said and shown, in one place: the call event (hence the window displays),
the calling screen's banner, the loudspeaker and the guide robot all phrase a call with
these words.

Written text keeps the ticket and window as they are, set apart by spaces in Chinese
("请 A001 号到 3 号窗口办理"); the loudspeaker passes spellers from drivers/speech/numbers
so the speech engine reads them the way a hall announces them ("请A零零一号到三号窗口办理").
`short` drops the closing verb for a banner where width is scarce.
"""
from __future__ import annotations

from typing import Callable

Spell = Callable[[str], str]

CALL = {"zh": "请{ticket}号到{window}号窗口办理", "en": "Number {ticket}, please go to window {window}."}
CALL_SHORT = {"zh": "请{ticket}号到{window}号窗口", "en": "Number {ticket}, please go to window {window}"}
GUIDE = {"zh": "{ticket}号，请跟我到{window}号窗口", "en": "Number {ticket}, please follow me to window {window}."}


def _fill(template: dict[str, str], lang: str, ticket: str, window: int | str,
          spoken: tuple[Spell, Spell] | None) -> str:
    if lang not in template:
        raise ValueError(f"no phrasing for language {lang!r} (have {', '.join(template)})")
    if spoken is not None:
        t, w = spoken[0](str(ticket)), spoken[1](str(window))
    elif lang == "zh":  # Latin letters and digits set apart from the Chinese around them
        t, w = f" {ticket} ", f" {window} "
    else:
        t, w = str(ticket), str(window)
    return template[lang].format(ticket=t, window=w)


def call_text(ticket: str, window: int | str, lang: str = "zh", *, short: bool = False,
              spoken: tuple[Spell, Spell] | None = None) -> str:
    """The call in one language; `spoken` = (spell the ticket, spell the window) for speech."""
    return _fill(CALL_SHORT if short else CALL, lang, ticket, window, spoken)


def call_texts(ticket: str, window: int | str) -> tuple[str, str]:
    """The call in Chinese and English, as the call event carries it."""
    return call_text(ticket, window, "zh"), call_text(ticket, window, "en")


def guide_text(ticket: str, window: int | str, lang: str = "zh") -> str:
    """What the guide robot says (and shows) when it leads a called citizen to the window."""
    return _fill(GUIDE, lang, ticket, window, (str, str))
