"""The kiosk's words in Qt Linguist's format: `kiosk_zh_CN.ts` (Simplified Chinese, the first
language) and `kiosk_en.ts` (English), one message per key in the context `kiosk`: its
<source> is the key the code asks for, its <translation> the text a citizen reads, its
<extracomment> the other language's text for the translator. A translator edits these files
with Qt Linguist (or any XML editor) and never reads code; `{name}` in a text is filled in by
the code (keep it as it is).

The set-up (scripts/bootstrap.sh -> scripts/compile_translations.sh) compiles them to `.qm` with
pyside6-lrelease; `load()` reads the compiled files through QTranslator when they are at least
as new as their source, and the `.ts` source otherwise (a checkout before the set-up ran)."""
from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from pathlib import Path

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
CONTEXT = "kiosk"
FILES = {"zh": "kiosk_zh_CN", "en": "kiosk_en"}      # our language code -> file stem
TS_LANGUAGE = {"zh": "zh_CN", "en": "en"}


class TranslationError(ValueError):
    """A .ts file that cannot be read: which file and what is wrong."""


def read_ts(path: Path) -> dict[str, str]:
    """key -> text of one .ts file (unfinished or empty translations are left out)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise TranslationError(f"{path}: cannot read the translations: {err}") from err
    if root.tag != "TS":
        raise TranslationError(f"{path}: not a Qt Linguist file (root element <{root.tag}>, expected <TS>)")
    texts: dict[str, str] = {}
    for context in root.iter("context"):
        if (context.findtext("name") or "") != CONTEXT:
            continue
        for message in context.iter("message"):
            key, tr = message.findtext("source"), message.find("translation")
            if not key:
                raise TranslationError(f"{path}: a message without a <source> key")
            if key in texts:
                raise TranslationError(f"{path}: the key {key!r} is there twice")
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not (tr.text or ""):
                continue
            texts[key] = tr.text
    return texts


def write_ts(path: Path, lang: str, texts: dict[str, str], comments: dict[str, str]) -> None:
    """Write one .ts file (keys sorted as given), with the other language's text as a comment."""
    root = ET.Element("TS", version="2.1", language=TS_LANGUAGE[lang])
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for key, text in texts.items():
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = key
        if comments.get(key):
            ET.SubElement(message, "extracomment").text = comments[key]
        ET.SubElement(message, "translation").text = text
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def ts_path(lang: str, folder: Path = HERE) -> Path:
    return folder / f"{FILES[lang]}.ts"


def qm_path(lang: str, folder: Path = HERE) -> Path:
    return folder / f"{FILES[lang]}.qm"


def read_qm(path: Path, keys) -> dict[str, str]:
    """key -> text of a compiled .qm file, through QTranslator, for the given keys."""
    from PySide6.QtCore import QTranslator
    translator = QTranslator()
    if not translator.load(str(path)):
        raise TranslationError(f"{path}: QTranslator cannot load it")
    return {key: text for key in keys if (text := translator.translate(CONTEXT, key))}


def load(folder: Path = HERE, qm_folder: Path | None = None) -> dict[str, dict[str, str]]:
    """key -> {"zh": text, "en": text}: the compiled .qm when it is up to date, else the .ts."""
    strings: dict[str, dict[str, str]] = {}
    for lang in FILES:
        source = ts_path(lang, folder)
        texts = read_ts(source)
        compiled = qm_path(lang, qm_folder or folder)
        if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
            texts = read_qm(compiled, texts)
        elif compiled.exists():
            log.warning("%s is older than %s: reading the source (run scripts/compile_translations.sh)",
                        compiled.name, source.name)
        for key, text in texts.items():
            strings.setdefault(key, {})[lang] = text
    return strings
