"""ID card reader: time from placement to a parsed card, against the emulator on a pty; and
placement to the parsed identity through the kiosk's own path, next to its 1.2x limit.

The limit is the wire time of the bytes exchanged at 115200 baud 8N1 (10 bits per byte).
A pty is not baud-limited, so the run is repeated with the emulator pacing its replies by
their wire time ("paced"), which is what a real reader at 115200 costs at the least.
Run: .venv/bin/python bench/bench_idcard.py [--rounds N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("HALL_STATE_DIR", tempfile.mkdtemp(prefix="bench-idcard-"))

from config.schema import KioskConfig  # noqa: E402
from drivers.core.clock import SystemClock  # noqa: E402
from drivers.idcard.emulator import PtyEmulator  # noqa: E402
from drivers.idcard.reader import CARD_PLACED, IdCardReader  # noqa: E402
from kiosk_app.identity_setup import IdentityService  # noqa: E402

BAUD = 115200
KIOSK_LIMIT = 1.2   # placement to identity through the kiosk's path, as a multiple of the wire time


def direct_reads(reader: IdCardReader, pty: PtyEmulator, rounds: int) -> tuple[list[float], int]:
    """find -> select -> read -> appended address, right after the card is placed."""
    times, exchanged = [], 0
    for i in range(rounds):
        pty.emulator.place(["resident", "permit_hmt", "foreigner_2017", "foreigner_2023"][i % 4])
        assert reader.link is not None
        before = reader.link.bytes_in + reader.link.bytes_out
        t0 = time.perf_counter()
        reader.read_card()
        times.append(time.perf_counter() - t0)
        exchanged = reader.link.bytes_in + reader.link.bytes_out - before
        pty.emulator.lift()
    return times, exchanged


def polled_reads(reader: IdCardReader, pty: PtyEmulator, rounds: int) -> list[float]:
    """Placement to the card_placed event through the polling thread."""
    got = threading.Event()
    reader.subscribe_cards(lambda e: got.set() if e.kind == CARD_PLACED else None)
    reader.start_polling()
    times = []
    for _ in range(rounds):
        got.clear()
        t0 = time.perf_counter()
        pty.emulator.place("resident")
        got.wait(10)
        times.append(time.perf_counter() - t0)
        pty.emulator.lift()
        while reader.card_present:
            time.sleep(0.005)
    reader.stop_polling()
    return times


def kiosk_path(pty: PtyEmulator, rounds: int) -> list[float]:
    """Placement to the parsed identity through the kiosk's own assembly: IdentityService (its
    reader polls back to back while the identify page waits for a card) and IdentityFlow."""
    service = IdentityService(KioskConfig(id="bench-kiosk", hall="bench-hall", idcard_url=pty.url), SystemClock(),
                              lambda device, message: None)
    got = threading.Event()
    service.flow.outcome_listeners.append(lambda identity: got.set())
    service.start()
    times = []
    try:
        for i in range(rounds):
            service.flow.begin()
            time.sleep(0.02)                # the citizen reaches for the card
            got.clear()
            t0 = time.perf_counter()
            pty.emulator.place("resident")
            assert got.wait(10), "no identity"
            times.append(time.perf_counter() - t0)
            assert service.flow.identity is not None and service.flow.identity.id_number
            pty.emulator.lift()
            service.flow.wipe()
            deadline = time.monotonic() + 10
            while service.reader.card_present and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        service.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--poll-interval", type=float, default=0.05)
    args = parser.parse_args()
    print(f"ID card reader bench: emulator on a pty, {BAUD} baud, {args.rounds} rounds")
    for paced in (False, True):
        with PtyEmulator(pace=paced) as pty:
            reader = IdCardReader(pty.url, poll_interval=args.poll_interval, removal_misses=1,
                                  device_id="bench-idcard")
            reader.start()
            times, exchanged = direct_reads(reader, pty, args.rounds)
            polled = polled_reads(reader, pty, max(5, args.rounds // 4))
            reader.close()
        wire = exchanged * 10 / BAUD
        median = statistics.median(times)
        label = "paced (replies delayed by wire time)" if paced else "unpaced pty"
        print(f"\n[{label}]")
        print(f"  bytes exchanged per read : {exchanged} (find, select, read 30 01, address 30 03)")
        print(f"  wire time at 115200 8N1  : {wire * 1000:.2f} ms  (the limit)")
        print(f"  placement -> parsed card : median {median * 1000:.2f} ms, "
              f"p90 {sorted(times)[int(len(times) * 0.9) - 1] * 1000:.2f} ms")
        print(f"  ratio to the limit       : {median / wire:.2f}x")
        print(f"  via polling ({args.poll_interval * 1000:.0f} ms period): median "
              f"{statistics.median(polled) * 1000:.2f} ms ({statistics.median(polled) / wire:.2f}x; "
              f"includes waiting for the next poll)")
        if paced:
            with PtyEmulator(pace=True) as kpty:
                kiosk = kiosk_path(kpty, max(8, args.rounds // 2))
            k50 = statistics.median(kiosk)
            print(f"  kiosk path, placement -> identity (IdentityService + IdentityFlow, the identify page "
                  f"waiting): median {k50 * 1000:.2f} ms, p90 {sorted(kiosk)[int(len(kiosk) * 0.9) - 1] * 1000:.2f} ms")
            print(f"  kiosk path ratio to the wire time: {k50 / wire:.2f}x   (limit {KIOSK_LIMIT:.2f}x: "
                  f"{'within' if k50 / wire <= KIOSK_LIMIT else 'OVER'})")


if __name__ == "__main__":
    main()
