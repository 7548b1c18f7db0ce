"""7-segment patterns (bit 0 = segment a ... bit 6 = g, bit 7 = decimal point) of the
characters a queue number can contain, used by the driver's callers and the emulator alike."""
from __future__ import annotations

PATTERNS = {
    "0": 0x3F, "1": 0x06, "2": 0x5B, "3": 0x4F, "4": 0x66, "5": 0x6D, "6": 0x7D, "7": 0x07, "8": 0x7F,
    "9": 0x6F, "A": 0x77, "B": 0x7C, "C": 0x39, "D": 0x5E, "E": 0x79, "F": 0x71, "H": 0x76, "J": 0x1E,
    "L": 0x38, "P": 0x73, "U": 0x3E, "-": 0x40, " ": 0x00,
}
CHARS = {pattern: char for char, pattern in PATTERNS.items()}


def segment_patterns(text: str, digits: int) -> list[int]:
    """The patterns of `text`, right-aligned on `digits` digits. A letter a 7-segment digit
    cannot show is left out (the number stays readable); too long keeps the last digits."""
    shown = [PATTERNS[c] for c in text.upper() if c in PATTERNS][-digits:]
    return [0] * (digits - len(shown)) + shown
