"""The kiosk's words are translatable in Qt's own format: kiosk_app/translations/kiosk_zh_CN.ts and
kiosk_en.ts parse as Qt Linguist files with the same keys, every key the code asks for is in both
languages with the same {details}, the set-up's compile step (scripts/compile_translations.sh,
pyside6-lrelease from the venv, as scripts/bootstrap.sh runs it) makes .qm files QTranslator
reads back word for word, and no Chinese text is left in the kiosk's code outside the
translation files (an allow-list says why for the few that must stay)."""
from __future__ import annotations

import ast
import os
import re
import shutil
import string
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk_app.i18n import STRINGS, tr
from kiosk_app.translations import FILES, TranslationError, load, qm_path, read_qm, read_ts, ts_path

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / "kiosk_app"
HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")

# Chinese that stays in code, and why (none of it is a citizen's word on the kiosk's screen).
ALLOWED = {
    ("kiosk_app/flows/licence_print.py", "市民在自助终端确认重新打印 (reprint confirmed by the citizen at the kiosk)"):
        "the reason recorded at the platform for a reprint (its audit trail), not shown",
}
ALLOWED_FILES = {
    "kiosk_app/qt/technician_page.py": "the technician's page behind the PIN: fixed bilingual labels for staff, "
                                       "never a citizen's page",
    "kiosk_app/technician.py": "the technician's checks (their results on the technician's page)",
    "kiosk_app/qt/icons.py": "words matched in a service's Chinese name to choose its drawing, never shown",
}


def _code_files() -> list[Path]:
    return sorted(p for p in KIOSK.rglob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _keys_used() -> tuple[set[str], set[str]]:
    """The keys the code asks tr() for (literal first arguments and message="key" arguments),
    and the prefixes of keys it builds (tr(f"appt_{status}"))."""
    keys, prefixes = set(), set()
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else \
                node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name in ("tr", "_tr") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.add(arg.value)
                elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                    prefixes.add(arg.values[0].value)
            for kw in node.keywords:
                if kw.arg == "message" and isinstance(kw.value, ast.Constant) and \
                        isinstance(kw.value.value, str) and KEY.match(kw.value.value):
                    keys.add(kw.value.value)
    return keys, prefixes


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_ts_files_parse_as_qt_linguist_files_with_the_same_keys():
    keys = {}
    for lang, stem in FILES.items():
        root = ET.parse(ts_path(lang)).getroot()
        assert root.tag == "TS" and root.get("language") == {"zh": "zh_CN", "en": "en"}[lang], stem
        assert [c.findtext("name") for c in root.iter("context")] == ["kiosk"]
        keys[lang] = read_ts(ts_path(lang))
    assert set(keys["zh"]) == set(keys["en"]) == set(STRINGS)
    # every text has the same {details} in both languages (the code fills them in by name)
    different = {k: (keys["zh"][k], keys["en"][k]) for k in keys["zh"]
                 if _fields(keys["zh"][k]) != _fields(keys["en"][k])}
    assert different == {}


def test_every_key_the_code_uses_is_in_both_languages():
    keys, prefixes = _keys_used()
    assert len(keys) > 100 and "appt_" in prefixes and "rcpt_" in prefixes   # the scan sees the code
    missing = {k: [lang for lang in FILES if lang not in STRINGS.get(k, {})] for k in keys}
    assert {k: v for k, v in missing.items() if v} == {}
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in STRINGS), prefix
    assert tr("appt_checked_in", "en") == "Checked in" and tr("guide_all", "zh") == "全部"


def test_no_chinese_text_is_left_in_the_kiosk_code():
    found = []
    for path in _code_files():
        rel = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs \
                    and HAN.search(node.value) and (rel, node.value) not in ALLOWED and rel not in ALLOWED_FILES:
                found.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert found == [], "Chinese text in code (move it to kiosk_app/translations/*.ts):\n" + "\n".join(found)


def test_the_set_up_compiles_them_and_qtranslator_reads_them_back(tmp_path):
    script = ROOT / "scripts" / "compile_translations.sh"
    assert "scripts/compile_translations.sh" in (ROOT / "scripts" / "bootstrap.sh").read_text()
    env = dict(os.environ, LRELEASE=str(ROOT / ".venv" / "bin" / "pyside6-lrelease"))
    for _ in range(2):                                   # safe to run again
        done = subprocess.run([str(script), str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    for lang in FILES:
        source = read_ts(ts_path(lang))
        compiled = read_qm(qm_path(lang, tmp_path), source)
        assert compiled == source, lang                  # word for word, QTranslator's reading
    assert load(qm_folder=tmp_path) == STRINGS


def test_a_ts_edited_after_compiling_is_read_from_its_source(tmp_path):
    """A translator's change shows even before the set-up runs again (the stale .qm is ignored)."""
    for lang in FILES:
        shutil.copy(ts_path(lang), tmp_path)
    subprocess.run([str(ROOT / "scripts" / "compile_translations.sh"), str(tmp_path)], cwd=ROOT, check=True,
                   capture_output=True, env=dict(os.environ, LRELEASE=str(ROOT / ".venv/bin/pyside6-lrelease")))
    en = ts_path("en", tmp_path)
    en.write_text(en.read_text(encoding="utf-8").replace(">Continue<", ">Keep using<"), encoding="utf-8")
    qm = qm_path("en", tmp_path)
    os.utime(qm, (en.stat().st_mtime - 10, en.stat().st_mtime - 10))
    assert load(tmp_path)["timeout_continue"]["en"] == "Keep using"


def test_a_broken_ts_file_is_named_with_what_is_wrong(tmp_path):
    bad = tmp_path / "kiosk_en.ts"
    bad.write_text("<TS><context><name>kiosk</name><message><source>x</source>", encoding="utf-8")
    with pytest.raises(TranslationError, match="kiosk_en.ts: cannot read"):
        read_ts(bad)
    bad.write_text("<html/>", encoding="utf-8")
    with pytest.raises(TranslationError, match="not a Qt Linguist file"):
        read_ts(bad)
