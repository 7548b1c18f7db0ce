"""Links to a receipt printer, chosen by URL, over python-escpos's printer classes.

tcp://host:9100 -> escpos.printer.Network, serial:///dev/ttyS0?baud=9600 -> Serial,
usb://VID:PID -> Usb, sim://NAME[?state=out] -> an in-process EscposEmulator.
Every link writes bytes and reads one status byte with a SHORT timeout of its own:
python-escpos's reads either wait 60 s (Network) or the full timeout (Serial), and its
paper_status() reports "paper ok" when nothing answers.
"""
from __future__ import annotations

import logging
import socket
import threading

from drivers.core.errors import DeviceUnavailable
from drivers.core.url import DeviceUrl, UrlError
from drivers.escpos.emulator import EscposEmulator
from drivers.escpos.protocol import StreamDecoder

log = logging.getLogger(__name__)
traffic = logging.getLogger("drivers.escpos.traffic")

_SIM_PRINTERS: dict[str, EscposEmulator] = {}
_SIM_LOCK = threading.Lock()


def sim_emulator(name: str = "escpos", state: str | None = None, paper_mm: int = 80) -> EscposEmulator:
    """The in-process emulator behind sim://NAME (created on first use, with its paper width)."""
    with _SIM_LOCK:
        emulator = _SIM_PRINTERS.get(name)
        if emulator is None:
            emulator = _SIM_PRINTERS[name] = EscposEmulator(paper_mm=paper_mm)
        if state:
            emulator.set_state(state)
        return emulator


def _cause(err: Exception) -> str:
    """python-escpos wraps the OS error in a two-line message; show the OS error."""
    return str(err.__context__ or err)


class Link:
    """Moves bytes to one printer; `read_byte` returns b"" when nothing came in time."""

    def __init__(self, url: DeviceUrl, timeout: float) -> None:
        self.url, self.timeout = url, timeout

    def write(self, data: bytes) -> None:
        traffic.debug("-> %s%s", data[:48].hex(" "), " ..." if len(data) > 48 else "")
        try:
            self._write(data)
        except (OSError, ValueError) as err:
            raise DeviceUnavailable(f"cannot write to {self.url.raw}: {err}") from err

    def read_byte(self, timeout: float) -> bytes:
        try:
            data = self._read(timeout)
        except (OSError, ValueError) as err:
            raise DeviceUnavailable(f"cannot read from {self.url.raw}: {err}") from err
        traffic.debug("<- %s", data.hex(" ") or "(nothing)")
        return data

    def _write(self, data: bytes) -> None:
        raise NotImplementedError

    def _read(self, timeout: float) -> bytes:
        raise NotImplementedError

    def drain(self) -> None:
        """Drop stale bytes (a late answer to an earlier query)."""

    def close(self) -> None:
        """Release the link."""


class NetworkLink(Link):
    def __init__(self, url: DeviceUrl, timeout: float) -> None:
        super().__init__(url, timeout)
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Network

        self.printer = Network(url.host, url.port or 9100, timeout=timeout)
        try:
            self.printer.open()
        except DeviceNotFoundError as err:
            raise DeviceUnavailable(f"no printer at {url.raw}: {_cause(err)}") from err
        self.sock: socket.socket = self.printer.device
        # Status queries are 3-byte writes right after a receipt: without NODELAY, Nagle
        # holds them until the printer's delayed ACK (~40 ms) arrives.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _write(self, data: bytes) -> None:
        self.sock.settimeout(max(self.timeout, 2.0))
        self.sock.sendall(data)

    def _read(self, timeout: float) -> bytes:
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1)
        except socket.timeout:
            return b""
        if not data:
            raise ConnectionResetError("the printer closed the connection")
        return data

    def drain(self) -> None:
        self.sock.setblocking(False)
        try:
            while self.sock.recv(64):
                pass
        except (BlockingIOError, OSError):
            pass
        finally:
            self.sock.settimeout(self.timeout)

    def close(self) -> None:
        self.printer.close()


class SerialLink(Link):
    def __init__(self, url: DeviceUrl, timeout: float) -> None:
        super().__init__(url, timeout)
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Serial

        self.printer = Serial(url.path, baudrate=url.int_param("baud", 9600), timeout=timeout)
        try:
            self.printer.open()
        except DeviceNotFoundError as err:
            raise DeviceUnavailable(f"no printer at {url.raw}: {_cause(err)}") from err
        self.port = self.printer.device

    def _write(self, data: bytes) -> None:
        self.port.write(data)
        self.port.flush()

    def _read(self, timeout: float) -> bytes:
        self.port.timeout = timeout
        return self.port.read(1)  # returns as soon as one byte is there

    def drain(self) -> None:
        self.port.reset_input_buffer()

    def close(self) -> None:
        self.printer.close()


class UsbLink(Link):
    def __init__(self, url: DeviceUrl, timeout: float) -> None:
        super().__init__(url, timeout)
        from escpos.printer import Usb

        try:
            vid, pid = (int(part, 16) for part in url.target.split(":"))
        except ValueError as err:
            raise UrlError(f"{url.raw!r}: a usb URL is usb://VID:PID in hex, e.g. usb://0416:5011") from err
        self.printer = Usb(vid, pid, timeout=int(timeout * 1000))
        try:
            self.printer.open()
        except Exception as err:  # pyusb / python-escpos raise several unrelated types
            raise DeviceUnavailable(f"no printer at {url.raw}: {err}") from err

    def _write(self, data: bytes) -> None:
        self.printer._raw(data)

    def _read(self, timeout: float) -> bytes:
        try:
            return bytes(self.printer._read()[:1])
        except Exception as err:  # a USB read timeout is an exception in pyusb
            if "timeout" in str(err).lower() or "timed out" in str(err).lower():
                return b""
            raise OSError(str(err)) from err

    def close(self) -> None:
        self.printer.close()


class SimLink(Link):
    """Talks to an in-process emulator: replies are queued and read with a timeout."""

    def __init__(self, url: DeviceUrl, timeout: float) -> None:
        super().__init__(url, timeout)
        self.emulator = sim_emulator(url.target or "escpos", url.param("state"), url.int_param("paper_mm", 80))
        self._decoder = StreamDecoder()
        self._replies = bytearray()

    def _write(self, data: bytes) -> None:
        self._replies += self.emulator.feed(data, self._decoder)

    def _read(self, timeout: float) -> bytes:
        if not self._replies:
            return b""  # an in-process printer that did not answer will not answer later
        first = bytes(self._replies[:1])
        del self._replies[:1]
        return first

    def drain(self) -> None:
        self._replies.clear()


def open_link(url: DeviceUrl, timeout: float) -> Link:
    links = {"tcp": NetworkLink, "serial": SerialLink, "usb": UsbLink, "sim": SimLink}
    if url.scheme not in links:
        raise UrlError(f"{url.raw!r}: a receipt printer URL is tcp://, serial://, usb:// or sim://")
    return links[url.scheme](url, timeout)
