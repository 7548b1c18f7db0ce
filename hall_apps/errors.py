"""The hall apps' one exception root: what a clerk's or a supervisor's request got back
(the controller's refusal with its code, or no answer at all)."""
from __future__ import annotations


class HallAppError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code
