"""Tell a state machine's listeners about a new screen (the UI thread's bridges, tests)."""
from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


def notify(listeners: list[Callable[[T], None]], screen: T) -> T:
    for listener in list(listeners):
        try:
            listener(screen)
        except RuntimeError:  # its window is gone (Qt deleted it): forget it
            listeners.remove(listener)
    return screen
