"""The card photo: opaque vendor-compressed bytes ("WLf...") and pluggable decoders.

There is no open decoder for the card's photo format. A deployment with the vendor's
library configures `VendorLibraryDecoder` (loaded with ctypes at run time); the emulator
instead publishes a plain reference image for each synthetic card, which
`EmulatorReferenceDecoder` finds again. `CardPhoto.source` always says which path made
the image, so face verification can refuse emulator images in production.
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from drivers.core.counters import state_dir
from drivers.core.errors import HardwareError
from privacy import write_private

log = logging.getLogger(__name__)

WLT_MAGIC = b"WLf"
EMULATOR_MARK = WLT_MAGIC + b"EMU1"   # synthetic photos: mark + sha256 of the reference PNG
SOURCE_VENDOR = "vendor_decoder"
SOURCE_EMULATOR = "emulator_reference"


@dataclass(frozen=True)
class CardPhoto:
    raw: bytes                      # the 1024 bytes from the card, opaque
    image: bytes | None = None      # decoded image (BMP from a vendor library, PNG from the emulator)
    image_format: str | None = None  # "bmp" / "png"
    source: str | None = None       # SOURCE_VENDOR / SOURCE_EMULATOR / None (not decoded)

    def __repr__(self) -> str:
        return f"CardPhoto(raw=<{len(self.raw)} bytes>, image={'<%d bytes>' % len(self.image) if self.image else None}, " \
               f"format={self.image_format}, source={self.source})"


class PhotoDecoder(Protocol):
    source: str

    def decode(self, raw: bytes) -> tuple[bytes, str] | None:
        """(image bytes, format) or None when this decoder cannot handle `raw`."""


class VendorLibraryDecoder:
    """A vendor WLT library loaded with ctypes.

    The common SDK signature is `int unpack(char *wlt, char *bmp_out, int save_file)`
    returning 1 on success and writing a 102 x 126 24-bit BMP (38862 bytes).
    """

    source = SOURCE_VENDOR
    BMP_SIZE = 38862

    def __init__(self, library: str, function: str = "unpack") -> None:
        try:
            self._lib = ctypes.CDLL(library)
            self._fn = getattr(self._lib, function)
        except (OSError, AttributeError) as err:
            raise HardwareError(f"cannot load photo decoder library {library!r}: {err}") from err
        self._lock = threading.Lock()     # vendor libraries are rarely reentrant

    def decode(self, raw: bytes) -> tuple[bytes, str] | None:
        src = ctypes.create_string_buffer(raw, len(raw))
        dst = ctypes.create_string_buffer(self.BMP_SIZE)
        with self._lock:
            rc = self._fn(src, dst, 0)
        if rc != 1:
            log.warning("vendor photo decoder returned %s", rc)
            return None
        return dst.raw, "bmp"


# -- emulator reference images ---------------------------------------------------------
_references: dict[str, bytes] = {}


def reference_dir() -> Path:
    return Path(os.environ.get("IDCARD_REFERENCE_DIR") or state_dir() / "idcard-reference-images")


def emulator_photo_for(image: bytes, filler: bytes = b"") -> bytes:
    """The 1024 opaque photo bytes a synthetic card carries for a reference image."""
    digest = hashlib.sha256(image).digest()
    raw = EMULATOR_MARK + digest + filler
    return (raw + bytes(1024))[:1024]


def publish_reference_image(image: bytes, *, filler: bytes = b"", to_disk: bool = False) -> bytes:
    """Make a reference image findable (in this process, and on disk for other processes)."""
    digest = hashlib.sha256(image).hexdigest()
    _references[digest] = image
    if to_disk:
        path = reference_dir() / f"{digest}.png"
        if not path.exists():
            write_private(path, image)  # a face photo: 0600
    return emulator_photo_for(image, filler)


class EmulatorReferenceDecoder:
    """Finds the plain reference image the emulator published for a synthetic photo."""

    source = SOURCE_EMULATOR

    def decode(self, raw: bytes) -> tuple[bytes, str] | None:
        if not raw.startswith(EMULATOR_MARK) or len(raw) < len(EMULATOR_MARK) + 32:
            return None
        digest = raw[len(EMULATOR_MARK):len(EMULATOR_MARK) + 32].hex()
        image = _references.get(digest)
        if image is None:
            path = reference_dir() / f"{digest}.png"
            image = path.read_bytes() if path.exists() else None
        if image is None or hashlib.sha256(image).hexdigest() != digest:
            return None
        return image, "png"


# -- registry --------------------------------------------------------------------------
DecoderFactory = Callable[[str], PhotoDecoder]
DECODERS: dict[str, DecoderFactory] = {
    "vendor": lambda arg: VendorLibraryDecoder(arg or os.environ.get("IDCARD_WLT_LIBRARY", "")),
    "emulator": lambda arg: EmulatorReferenceDecoder(),
}


def register_decoder(name: str, factory: DecoderFactory) -> None:
    DECODERS[name] = factory


def decoders_from_config(spec: str | None) -> list[PhotoDecoder]:
    """Build decoders from "vendor:/opt/sdk/libwlt.so,emulator", "none" or None (auto).

    Auto: the vendor library named by $IDCARD_WLT_LIBRARY if set, then the emulator's
    reference images (which only ever match photos the emulator made).
    """
    if spec is None:
        spec = ("vendor," if os.environ.get("IDCARD_WLT_LIBRARY") else "") + "emulator"
    result: list[PhotoDecoder] = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        if item == "none":
            continue
        name, _, arg = item.partition(":")
        if name not in DECODERS:
            raise ValueError(f"unknown photo decoder {name!r} (known: {', '.join(DECODERS)}, none)")
        result.append(DECODERS[name](arg))
    return result


def decode_photo(raw: bytes, decoders: list[PhotoDecoder]) -> CardPhoto:
    """Try each decoder in turn; the photo stays opaque when none can decode it."""
    for decoder in decoders:
        try:
            decoded = decoder.decode(raw)
        except (OSError, ValueError) as err:
            log.warning("photo decoder %s failed: %s", decoder.source, err)
            continue
        if decoded:
            return CardPhoto(raw, decoded[0], decoded[1], decoder.source)
    return CardPhoto(raw)
