"""Smart card read times through the real PC/SC stack (pcscd + vpcd + our card emulator).

Prints: insertion-to-event latency, social security card read time (mean, p95) and the
APDU round-trip rate. Limit: a full card read should stay well under 1 s (a citizen waits).
Starts pcscd when none runs (needs /run/pcscd) and stops it afterwards.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import time

from drivers.smartcard.cards import make_profile
from drivers.smartcard.emulator import VirtualCard
from drivers.smartcard.reader import SmartCardReader, list_readers

READER = "Virtual PCD 00 00"
READS = 30
LIMIT_S = 1.0


def main() -> int:
    proc = None
    if READER not in list_readers():
        os.makedirs("/run/pcscd", exist_ok=True)
        proc = subprocess.Popen(["pcscd", "--foreground"], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while READER not in list_readers() and time.monotonic() < deadline:
            time.sleep(0.05)
    try:
        reader = SmartCardReader(f"pcsc://{READER}")
        reader.start()
        reader.wait_for_removal(timeout=15)
        card = VirtualCard(make_profile("social"))
        t0 = time.perf_counter()
        card.insert()
        reader.wait_for_card(timeout=15)
        inserted = time.perf_counter() - t0
        times = []
        for _ in range(READS):
            start = time.perf_counter()
            reader.read_social_security_card()
            times.append(time.perf_counter() - start)
        apdus = len(card.commands)
        card.remove()
        reader.close()
        mean, p95 = statistics.mean(times), sorted(times)[int(0.95 * (READS - 1))]
        print(f"insert -> card seen:        {inserted * 1000:.0f} ms")
        print(f"social security card read:  mean {mean * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over {READS} reads")
        print(f"APDU round trips:           {apdus / sum(times):.0f} per second ({apdus // READS} per read)")
        print(f"limit {LIMIT_S * 1000:.0f} ms per read: {'OK' if p95 < LIMIT_S else 'OVER'} (ratio {p95 / LIMIT_S:.3f})")
        return 0 if p95 < LIMIT_S else 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
