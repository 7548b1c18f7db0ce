"""One phrasing of a call for the call event, the screens, the loudspeaker and the robot."""
import pytest

from drivers.speech.numbers import ticket_en, ticket_zh, window_en, window_zh
from hall_protocol.phrasing import call_text, call_texts, guide_text


def test_spoken_calls_spell_ticket_and_window_for_the_speech_engine():
    assert call_text("A001", 3, "zh", spoken=(ticket_zh, window_zh)) == "请A零零一号到三号窗口办理"
    assert call_text("A001", "12", "en", spoken=(ticket_en, window_en)) == \
        "Number A zero zero one, please go to window twelve."


def test_written_calls_set_the_number_apart_and_the_banner_is_shorter():
    assert call_texts("A001", 1) == ("请 A001 号到 1 号窗口办理", "Number A001, please go to window 1.")
    assert call_text("B012", 7, short=True) == "请 B012 号到 7 号窗口"
    assert call_text("B012", 7, "en", short=True) == "Number B012, please go to window 7"
    assert guide_text("A012", 3) == "A012号，请跟我到3号窗口"  # spoken by the robot: no spacing


def test_an_unknown_language_is_refused_with_what_exists():
    with pytest.raises(ValueError, match="no phrasing for language 'fr'"):
        call_text("A001", 1, "fr")
