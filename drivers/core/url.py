"""Devices are addressed by URL: serial:///dev/ttyUSB0?baud=115200, tcp://host:9100,
pcsc://Virtual PCD 00 00, usb://0416:5011, cups://QUEUE, sim://idcard?card=resident."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

SCHEMES = ("serial", "tcp", "pcsc", "usb", "cups", "sim", "modbus", "file", "device", "rtsp", "http", "https")


class UrlError(ValueError):
    """A device URL that cannot be understood; the message says what is wrong."""


@dataclass(frozen=True)
class DeviceUrl:
    raw: str
    scheme: str
    host: str = ""
    port: int | None = None
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def param(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def int_param(self, name: str, default: int) -> int:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return int(value, 0)
        except ValueError as err:
            raise UrlError(f"{self.raw!r}: parameter {name!r} must be a whole number, got {value!r}") from err

    def float_param(self, name: str, default: float) -> float:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError as err:
            raise UrlError(f"{self.raw!r}: parameter {name!r} must be a number, got {value!r}") from err

    @property
    def target(self) -> str:
        """What the scheme addresses: a device path, a reader name, a queue, host:port."""
        if self.scheme in ("tcp",):
            return f"{self.host}:{self.port}"
        if self.scheme in ("serial", "file", "device"):
            return self.path
        return unquote(self.host + self.path) if self.host else unquote(self.path.lstrip("/"))


def parse_url(raw: str) -> DeviceUrl:
    """Parse a device URL; raise UrlError with a message that names the problem."""
    if not isinstance(raw, str) or "://" not in raw:
        raise UrlError(f"{raw!r} is not a device URL (expected scheme://..., e.g. serial:///dev/ttyUSB0)")
    scheme, rest = raw.split("://", 1)
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise UrlError(f"{raw!r}: unknown scheme {scheme!r} (known: {', '.join(SCHEMES)})")
    # Reader names such as "Virtual PCD 00 00" contain spaces: split by hand for pcsc/cups.
    query = ""
    if "?" in rest:
        rest, query = rest.split("?", 1)
    params = dict(parse_qsl(query, keep_blank_values=True))
    if scheme in ("pcsc", "cups", "sim", "usb"):
        return DeviceUrl(raw, scheme, host=unquote(rest), path="", params=params)
    parts = urlsplit(f"{scheme}://{rest}")
    try:
        port = parts.port
    except ValueError as err:
        raise UrlError(f"{raw!r}: bad port") from err
    if scheme == "tcp" and (not parts.hostname or port is None):
        raise UrlError(f"{raw!r}: a tcp URL needs host and port, e.g. tcp://127.0.0.1:9100")
    if scheme in ("serial", "file") and not parts.path:
        raise UrlError(f"{raw!r}: a {scheme} URL needs a path, e.g. {scheme}:///dev/ttyUSB0")
    return DeviceUrl(raw, scheme, host=parts.hostname or "", port=port, path=unquote(parts.path), params=params)
