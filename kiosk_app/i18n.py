"""Every citizen-facing string, Simplified Chinese first, English as an option.

The words live in Qt Linguist files, not in code: kiosk_app/translations/kiosk_zh_CN.ts and
kiosk_en.ts (one message per key; the set-up compiles them to .qm, read through QTranslator;
kiosk_app/translations/__init__.py). `tr(key, lang, **kw)` is the one way code asks for a
text; `STRINGS` (key -> {"zh": ..., "en": ...}) is what the files say."""
from __future__ import annotations

from kiosk_app.translations import load

STRINGS: dict[str, dict[str, str]] = load()


def tr(key: str, lang: str = "zh", **kw) -> str:
    text = STRINGS[key].get(lang) or STRINGS[key]["zh"]
    return text.format(**kw) if kw else text


def retranslate(text: str, old: str, new: str) -> str:
    """`text` in language `new` when it is one of the strings above in language `old` (a page's
    fixed instruction, when the citizen switches language on it); else `text` unchanged."""
    if old == new or not text:
        return text
    for values in STRINGS.values():
        if values.get(old) == text and "{" not in text:
            return values.get(new) or text
    return text
