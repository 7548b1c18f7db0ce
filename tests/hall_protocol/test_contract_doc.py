from pathlib import Path

from hall_protocol.docs import render_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_docs_mqtt_md_is_generated_from_the_contract():
    assert (ROOT / "docs/mqtt.md").read_text("utf-8") == render_markdown(), \
        "docs/mqtt.md is stale: run `python -m hall_protocol.docs > docs/mqtt.md`"
