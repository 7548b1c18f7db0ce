"""What a listener in the hall heard, as numbers: find the announcements (the WAV files the
controller kept) in a recording of a loudspeaker's monitor, whole and in order.

Both are brought to 11025 Hz mono; each reference is searched after the previous match by
normalised cross-correlation over its whole length (a cut-off or a different sentence scores
low), and its loudness is compared with what was recorded there.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 11025


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float samples of a 16-bit WAV file (a file still being written reads up to now)."""
    raw = Path(path).read_bytes()
    fmt = raw.find(b"fmt ", 12, 512)  # read by hand: a file parec is still writing has no sizes yet
    channels, rate = struct.unpack_from("<HI", raw, fmt + 10)
    start = raw.find(b"data", 12, 512) + 8  # the header's length varies (parec writes more chunks)
    body = raw[start:]
    body = body[: len(body) - len(body) % (2 * channels)]
    data = np.frombuffer(body, dtype="<i2").astype(np.float32) / 32768
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return data, rate


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    factor = rate // RATE
    if factor * RATE != rate:
        raise ValueError(f"{rate} Hz is not a multiple of {RATE} Hz")
    usable = samples[: samples.size - samples.size % factor]
    return usable.reshape(-1, factor).mean(axis=1)


@dataclass
class Match:
    name: str
    at_s: float        # where it starts in the recording
    length_s: float
    score: float       # normalised cross-correlation over the whole reference, 1.0 = identical
    gain: float        # recorded RMS / reference RMS over the match


def _search(x: np.ndarray, r: np.ndarray) -> tuple[int, float]:
    n = x.size + r.size - 1
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(r[::-1], size), size)[r.size - 1: x.size]
    energy = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
    window = np.sqrt(np.maximum(energy[r.size:] - energy[: x.size - r.size + 1], 1e-12))
    ncc = np.where(window > 0.003 * np.sqrt(r.size), corr / (np.linalg.norm(r) * window), 0.0)  # not in silence
    top = float(ncc.max())
    # the first place that sounds like it (a chime recurs: the best of 30 s may be a later one)
    first = int(np.argmax(ncc >= min(top, max(0.8, top - 0.05))))
    peak = first + int(np.argmax(ncc[first: first + RATE // 20]))
    return peak, float(ncc[peak])


def find_in_order(recording: np.ndarray, rate: int, references: list[Path], *, max_gap_s: float = 30.0) -> list[Match]:
    """Each reference found after the previous one (at most `max_gap_s` later)."""
    x = resample(recording, rate)
    out: list[Match] = []
    pos = 0
    for ref in references:
        samples, ref_rate = read_wav(ref)
        r = resample(samples, ref_rate)
        stop = min(x.size, pos + int(max_gap_s * RATE) + r.size)
        if stop - pos < r.size:
            out.append(Match(ref.name, pos / RATE, r.size / RATE, 0.0, 0.0))
            continue
        at, score = _search(x[pos:stop], r)
        seg = x[pos + at: pos + at + r.size]
        gain = float(np.sqrt(np.mean(seg ** 2)) / max(np.sqrt(np.mean(r ** 2)), 1e-9))
        out.append(Match(ref.name, (pos + at) / RATE, r.size / RATE, score, gain))
        pos += at + r.size
    return out


def loud_seconds(samples: np.ndarray, rate: int, level: float = 0.01, frame_s: float = 0.05) -> float:
    n = int(rate * frame_s)
    usable = samples[: samples.size - samples.size % n]
    if not usable.size:
        return 0.0
    return float((np.sqrt((usable.reshape(-1, n) ** 2).mean(axis=1)) > level).sum() * frame_s)
