"""A private CUPS for the demo and the tests: its own cupsd (own config dir, own port and socket:
a system CUPS is left alone), TCP listeners standing in for printers, raw queues pointing at
them (the A4 licence printer of the demo's kiosk, the licence tests)."""
from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import cups

from devkit.ports import free_port


class Cupsd:
    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.sock = str(root / "cups.sock")
        for d in ("state", "cache", "spool", "tmp", "log", "ssl"):
            (root / d).mkdir()
        os.chmod(root, 0o755)
        (root / "cupsd.conf").write_text(f"""Listen 127.0.0.1:{self.port}
Listen {self.sock}
LogLevel info
WebInterface No
Browsing No
ErrorPolicy stop-printer
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
""")
        (root / "cups-files.conf").write_text("\n".join([
            f"ServerRoot {root}", f"StateDir {root}/state", f"CacheDir {root}/cache",
            f"RequestRoot {root}/spool", f"TempDir {root}/tmp", f"ServerKeychain {root}/ssl",
            f"AccessLog {root}/log/access_log", f"ErrorLog {root}/log/error_log",
            f"PageLog {root}/log/page_log", f"Printcap {root}/printcap",
            "ServerBin /usr/lib/cups", "DataDir /usr/share/cups", "Sandboxing Relaxed", ""]))
        self.proc = subprocess.Popen(["cupsd", "-f", "-c", str(root / "cupsd.conf"), "-s",
                                      str(root / "cups-files.conf")], stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:  # cupsd gives no readiness signal: poll its socket (bounded)
            try:
                cups.Connection(host=self.sock).getPrinters()
                break
            except (RuntimeError, cups.IPPError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"cupsd did not start: {(root / 'log/error_log').read_text()[-2000:]}")
                time.sleep(0.05)

    def lp(self, *args: str) -> None:
        tool, *rest = args
        subprocess.run([tool, "-h", self.sock, *rest], check=True, capture_output=True, timeout=30)

    def add_queue(self, name: str, port: int) -> str:
        self.lp("lpadmin", "-p", name, "-E", "-v", f"socket://127.0.0.1:{port}", "-m", "raw")
        return f"cups://{name}?server={self.sock}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Listener:
    """A TCP 'printer' on loopback: collects what each connection sends, in memory only (a licence
    holds a name: it is never written to disk here)."""

    def __init__(self) -> None:
        self.srv = socket.create_server(("127.0.0.1", 0))
        self.port = self.srv.getsockname()[1]
        self.jobs: list[bytes] = []
        self.received = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            with conn:
                data = b""
                while chunk := conn.recv(65536):
                    data += chunk
            self.jobs.append(data)
            self.received.set()

    def close(self) -> None:
        self.srv.close()
