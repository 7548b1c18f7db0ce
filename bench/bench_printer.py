"""Receipt printer timings against the emulator, over TCP and over a pty.

Figures: one status() (DLE EOT 1, 2 and 4), and one queue ticket from print_ticket()
until the driver returns (sent) and until the emulator has decoded the cut receipt
(decoded, includes the emulator drawing the PNG). For the pty the limit is the time the
same bytes would take on a real serial line at the given baud rate (10 bits a byte):
the driver must not add more than the wire itself would.

    .venv/bin/python bench/bench_printer.py [--rounds 20] [--baud 115200]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HALL_STATE_DIR", tempfile.mkdtemp(prefix="bench-printer-"))

from drivers.escpos.commands import encode_blocks  # noqa: E402
from drivers.escpos.emulator import EscposEmulator  # noqa: E402
from drivers.escpos.printer import ReceiptPrinter  # noqa: E402
from drivers.escpos.templates import TicketReceipt, ticket_blocks  # noqa: E402

TICKET = TicketReceipt("市民中心政务服务大厅", "A017", "不动产登记", 5, 20, "B区 3-8号窗口",
                       datetime(2026, 1, 5, 9, 30), "https://q.example.cn/t/A017")
STATUS_WIRE_BYTES = 3 * 3 + 3  # three DLE EOT n queries, three one-byte answers


def wire_ms(n_bytes: int, baud: int) -> float:
    return n_bytes * 10 / baud * 1000


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def run(name: str, url: str, emulator: EscposEmulator, rounds: int) -> dict[str, float]:
    printer = ReceiptPrinter(url, device_id=f"bench-{name}", timeout=0.5)
    printer.start()
    status, sent, decoded = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        assert printer.status().online
        status.append(time.perf_counter() - t0)
    for i in range(rounds):
        t0 = time.perf_counter()
        printer.print_ticket(TICKET)
        sent.append(time.perf_counter() - t0)
        emulator.wait_for_receipts(i + 1, timeout=10)
        decoded.append(time.perf_counter() - t0)
    printer.close()
    emulator.clear()
    return {"status": median_ms(status), "sent": median_ms(sent), "decoded": median_ms(decoded)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--baud", type=int, default=115200)
    args = parser.parse_args()
    ticket_bytes = len(encode_blocks(ticket_blocks(TICKET)))
    with EscposEmulator() as emulator:
        tcp = run("tcp", f"tcp://127.0.0.1:{emulator.start_tcp()}", emulator, args.rounds)
        pty = run("pty", f"serial://{emulator.start_pty()}?baud={args.baud}", emulator, args.rounds)
    print(f"ticket: {ticket_bytes} bytes; {args.rounds} rounds; medians in ms")
    print(f"{'link':<5} {'status':>8} {'sent':>8} {'decoded':>9}")
    for name, row in (("tcp", tcp), ("pty", pty)):
        print(f"{name:<5} {row['status']:8.2f} {row['sent']:8.2f} {row['decoded']:9.2f}")
    status_wire = wire_ms(STATUS_WIRE_BYTES, args.baud)
    # A print is a status check (12 bytes on the wire) plus the ticket bytes.
    print_wire = wire_ms(STATUS_WIRE_BYTES + ticket_bytes, args.baud)
    print(f"pty limit at {args.baud} baud: status {status_wire:.2f} ms, print {print_wire:.2f} ms (wire time)")
    ok = True
    for label, value, limit in (("status", pty["status"], status_wire), ("print sent", pty["sent"], print_wire)):
        ratio = value / limit
        ok &= ratio <= 1.0
        print(f"pty {label}: {value:.2f} ms / {limit:.2f} ms wire = ratio {ratio:.2f} {'OK' if ratio <= 1 else 'OVER'}")
    print(f"tcp/pty status ratio {tcp['status'] / pty['status']:.2f}; sent ratio {tcp['sent'] / pty['sent']:.2f}")
    print(f"status query limit 'well under a second': tcp {tcp['status']:.2f} ms, pty {pty['status']:.2f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
