"""The live pages: each open ticket page holds one server-sent-events stream; the hub hands it
its ticket's progress whenever the hall's retained progress changes (one MQTT message per hall
change, fanned out here to every page of that hall).

A page's queue holds only the newest state (a slow phone skips the states it missed, never
falls behind); the same state is encoded once for every page of one ticket. Numbers that left
the hall's progress (finished long ago, expired) are told as `gone`: the page reloads and asks
the controller.
"""
from __future__ import annotations

import asyncio
import json
from collections import defaultdict

from hall_protocol.phone import QueueProgress, TicketProgress
from hall_web import texts
from hall_web.errors import TooMany


def live_state(number: str, t: TicketProgress | None, window_names: dict[int, str] | None = None) -> dict:
    """What a ticket page updates itself with (texts included: the same words as its first render)."""
    if t is None:
        return {"number": number, "state": "gone"}
    name = (window_names or {}).get(t.window or 0, "")
    top, detail = texts.headline(t.state, ahead=t.ahead, wait=t.wait_min, window=t.window, window_name=name,
                                 recalls=t.recalls, requeued=t.requeued)
    out = {"number": number, "state": t.state, "ahead": t.ahead, "wait_min": t.wait_min, "window": t.window,
           "recalls": t.recalls, "reminded": t.reminded, "headline": top.as_dict(), "detail": detail.as_dict()}
    if t.reminded and t.state == "waiting":
        out["reminder"] = texts.reminder(t.ahead).as_dict()
    return out


class Page:
    __slots__ = ("hall", "number", "queue")

    def __init__(self, hall: str, number: str) -> None:
        self.hall, self.number = hall, number
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)

    def push(self, data: str) -> None:
        if self.queue.full():
            self.queue.get_nowait()  # only the newest state matters
        self.queue.put_nowait(data)


class Hub:
    """Open pages by hall and ticket number; lives on the web server's event loop."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.count = 0
        self.pushed = 0
        self._pages: dict[str, dict[str, set[Page]]] = defaultdict(lambda: defaultdict(set))
        self._sent: dict[tuple[str, str], str] = {}
        self.loop: asyncio.AbstractEventLoop | None = None

    def open(self, hall: str, number: str) -> Page:
        if self.count >= self.max_pages:
            raise TooMany("too many live pages are open; this page refreshes by itself in a while")
        page = Page(hall, number)
        self._pages[hall][number].add(page)
        self.count += 1
        return page

    def close(self, page: Page) -> None:
        pages = self._pages.get(page.hall, {}).get(page.number)
        if pages is not None and page in pages:
            pages.discard(page)
            self.count -= 1
            if not pages:
                del self._pages[page.hall][page.number]
                self._sent.pop((page.hall, page.number), None)

    def progress_threadsafe(self, hall: str, progress: QueueProgress, window_names: dict[int, str]) -> None:
        """From the MQTT thread: hand the progress to the loop."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.progress, hall, progress, window_names)

    def progress(self, hall: str, progress: QueueProgress, window_names: dict[int, str]) -> None:
        """On the loop: every page of the hall whose ticket's state changed gets it."""
        by_number = {t.number: t for t in progress.tickets}
        for number, pages in list(self._pages.get(hall, {}).items()):
            key = (hall, number)
            t = by_number.get(number)
            if t is None and key not in self._sent:
                continue  # not in the progress yet (just issued): the page keeps what the controller said
            data = json.dumps(live_state(number, t, window_names), ensure_ascii=False)
            if self._sent.get(key) == data:
                continue
            self._sent[key] = data
            for page in pages:
                page.push(data)
                self.pushed += 1
