"""Speech announcements: numbers written out for reading, one worker thread that speaks them in order."""
from drivers.speech.numbers import cardinal_zh, ticket_en, ticket_zh, window_zh
from drivers.speech.worker import SpeechWorker, Utterance

__all__ = ["SpeechWorker", "Utterance", "cardinal_zh", "ticket_en",
           "ticket_zh", "window_zh"]
