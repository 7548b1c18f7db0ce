"""Display and speech figures: command round trips over a pty and synthesis time per phrase.

Run: .venv/bin/python bench/bench_display.py
Limits: a text display command (send + ACK) must stay well under the 150 ms ACK timeout;
a Modbus write at 9600 baud needs about 2 x 8 bytes = ~17 ms on a real line (a pty has no
baud delay); an announcement must be synthesised much faster than it is spoken.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HALL_STATE_DIR", tempfile.mkdtemp())

from drivers.display import NumberDisplay, TextDisplay  # noqa: E402
from drivers.speech import SpeechWorker, ticket_zh, window_zh  # noqa: E402
from hall_protocol.phrasing import call_text  # noqa: E402

ROUNDS = 200


def timed(fn, rounds: int) -> list[float]:
    out = []
    for i in range(rounds):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(name: str, ms: list[float], limit_ms: float) -> None:
    p95 = sorted(ms)[int(len(ms) * 0.95) - 1]
    verdict = "OK" if p95 < limit_ms else "OVER"
    print(f"{name:38s} median {statistics.median(ms):7.2f} ms  p95 {p95:7.2f} ms  limit {limit_ms:.0f} ms  {verdict}")


def main() -> None:
    with TextDisplay("sim://textdisplay?addr=1") as d:
        report("text display show_call (pty)", timed(lambda i: d.show_call(i % 20 + 1, f"A{i:03d}"), ROUNDS), 150)
        report("text display status query (pty)", timed(lambda i: d.query(), ROUNDS), 150)
    with NumberDisplay("sim://modbus7seg?slave=1") as n:
        report("modbus show_number (2 x FC06, pty)", timed(lambda i: n.show_number(i), ROUNDS), 300)
    with SpeechWorker() as s, tempfile.TemporaryDirectory() as tmp:
        texts = [call_text(f"A{i:03d}", i % 12 + 1, spoken=(ticket_zh, window_zh)) for i in range(20)]
        spoken = []
        ms = timed(lambda i: spoken.append(s.say(texts[i], f"{tmp}/{i}.wav").result(timeout=30).duration_s), 20)
        ratio = statistics.median(ms) / 1000 / statistics.median(spoken)
        report("speech synthesis per announcement", ms, 500)
        print(f"{'speech real-time factor':38s} {ratio:.4f} (synthesis time / spoken time, limit 0.2)")


if __name__ == "__main__":
    main()
