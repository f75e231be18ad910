"""The tone alphabet of the local server's synthetic speech: characters to sound and back.

Every printable ASCII character except the space (``!`` to ``~``, 94 symbols) is a pair of
simultaneous sine tones, one from a low and one from a high group of ten frequencies (like DTMF):

    low  = 400, 550, ..., 1750 Hz      high = 2000, 2150, ..., 3350 Hz
    symbol k = ord(ch) - 0x21  ->  (low[k // 10], high[k % 10]);  k = 94 is "any other character"

All frequencies sit well inside the band that telephone-grade and 32 kbit/s lossy codecs keep (300 to
3400 Hz), are defined in hertz (so resampling does not change them) and are 150 Hz apart, which a
few milliseconds of signal already tell apart.

A character takes one time unit (60 ms at speed 1, ``60 / speed`` ms otherwise): a tone for the first
two thirds, with short raised-cosine ramps so that it does not click, then silence. Whitespace is one
unit of silence: word boundaries are gaps of at least four thirds of a unit, twice the tone length,
while the gap inside a word is half the tone length. Characters that are neither printable ASCII nor
whitespace are all synthesised as the spare symbol 94 and heard back as U+FFFD.

Recognition needs only the samples (numpy, from the ``server`` extra): 1 ms frames are gated by
energy into runs of sound, each run is projected onto the 20 frequencies, and
the strongest low and high tone name the character. A run is accepted when those two tones carry most
of its energy; otherwise (a click, noise, two half characters run together, real speech) it is
dropped. Gaps longer than the neighbouring tones separate words. Positions are sample indices, so
timestamps come from where each word really is in the audio.

What holds (and is tested): the words of any slice, concatenation (with a pause between the pieces:
speech joined with none runs together like words spoken without one), re-wrapping, resampling to
8 kHz or more, and re-encoding as mp3 (32 kbit/s or more), aac and opus (64 kbit/s or more) or flac
are recognised exactly for speech made at speeds up to 2; lossless copies work at every speed (0.25
to 4). Opus below 64 kbit/s switches to its speech (SILK) mode, which garbles pure tones: not
guaranteed. A cut through the middle of a character drops at most that character (a piece shorter
than 4 ms is ignored, a longer one is recognised or dropped, never misread). Timestamps are within a
few milliseconds of the tones, plus the codec's start-up delay for lossy copies (under 50 ms). A
whole 25-minute WAV is recognised in about a second; memory stays bounded by one block of samples.
"""

from __future__ import annotations

import itertools
import math
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy comes with the server extra; synthesis does not need it
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float32]

LOW_HZ = tuple(400 + 150 * i for i in range(10))
HIGH_HZ = tuple(2000 + 150 * i for i in range(10))
FIRST = 0x21  # "!"
PRINTABLE = 94  # "!" .. "~"
OTHER = PRINTABLE  # the spare symbol for any other non-whitespace character
OTHER_CHAR = "\ufffd"
AMPLITUDE = 0.25  # of full scale, per tone: the pair peaks at half scale
TONE_FRACTION = 2 / 3
RAMP_SECONDS = 0.003

# Recognition thresholds (full scale = 1.0).
_GATE_RMS = 0.04  # about 16 dB under a tone pair's level
_FRAME_SECONDS = 0.001
_MIN_RUN_SECONDS = 0.004  # shorter bursts are ignored: too short to name a character
_MAX_RUN_SECONDS = 0.5  # a tone lasts 160 ms at the slowest speed: longer sounds are not characters
_MIN_PURITY = 0.6  # share of a run's energy in its two strongest tones


def symbol(ch: str) -> int | None:
    """The tone-pair symbol of ``ch``; None for whitespace (silence)."""
    if ch.isspace():
        return None
    code = ord(ch) - FIRST
    return code if 0 <= code < PRINTABLE else OTHER


def heard(text: str) -> str:
    """What recognition gives back for ``text``: words joined by single spaces, odd characters as U+FFFD."""
    return " ".join("".join(_char(symbol(c)) for c in word) for word in text.split())


def _char(code: int | None) -> str:
    if code is None:
        return " "
    return OTHER_CHAR if code == OTHER else chr(FIRST + code)


@lru_cache(maxsize=512)
def char_pcm(ch_symbol: int | None, unit: int, rate: int) -> bytes:
    """One character unit (``unit`` samples) as little-endian 16-bit PCM: tone then silence."""
    samples = array("h", bytes(2 * unit))
    if ch_symbol is not None:
        tone = max(1, round(unit * TONE_FRACTION))
        ramp = max(1, min(round(rate * RAMP_SECONDS), tone // 4))
        w_lo = 2 * math.pi * LOW_HZ[ch_symbol // 10] / rate
        w_hi = 2 * math.pi * HIGH_HZ[ch_symbol % 10] / rate
        peak = AMPLITUDE * 32767
        for i in range(tone):
            edge = min(i, tone - 1 - i)
            gain = 0.5 - 0.5 * math.cos(math.pi * edge / ramp) if edge < ramp else 1.0
            samples[i] = round(peak * gain * (math.sin(w_lo * i) + math.sin(w_hi * i)))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


# --------------------------------------------------------------------------- recognition


@dataclass(frozen=True)
class HeardChar:
    char: str
    start: int  # first sample of the tone
    end: int  # one past its last sample


@dataclass(frozen=True)
class HeardWord:
    text: str
    start: float  # seconds
    end: float


@dataclass(frozen=True)
class Heard:
    words: tuple[HeardWord, ...]
    chars: int  # characters accepted
    rejected: int  # sounds that were not characters
    duration: float  # seconds of audio decoded

    @property
    def is_speech(self) -> bool:
        """Whether this sounds like the server's speech: mostly clean characters, and some at all."""
        return self.chars > 0 and self.chars >= 4 * self.rejected


def _np() -> Any:
    import numpy  # optional (server extra): only recognition needs it

    return numpy


@lru_cache(maxsize=128)
def _basis(rate: int, length: int) -> Any:
    """Cosines then sines of the 20 frequencies (float32, for a fast real matrix product).

    No window beyond the tones' own ramps: a plain window keeps neighbours 150 Hz apart distinct even
    in the 10 ms tones of speed 4, where a Hann window's wider main lobe confuses them.
    """
    np = _np()
    phase = 2 * np.pi * np.outer(np.array(LOW_HZ + HIGH_HZ, dtype=np.float64), np.arange(length)) / rate
    return np.concatenate((np.cos(phase), np.sin(phase))).astype(np.float32)


class ToneDecoder:
    """Streaming recognition: ``feed`` mono float samples (full scale 1.0), then ``finish``."""

    def __init__(self, rate: int) -> None:
        if rate <= 0:
            raise ValueError("sample rate must be positive")
        self.rate = rate
        self._hop = max(1, round(rate * _FRAME_SECONDS))
        self._min_run = max(self._hop, round(rate * _MIN_RUN_SECONDS))
        self._max_run = round(rate * _MAX_RUN_SECONDS)
        self._gate = self._hop * _GATE_RMS**2  # on the sum of squares of a frame
        self._tail: Any = _np().zeros(0, dtype=_np().float32)  # samples not yet framed
        self._pos = 0  # absolute index of self._tail[0]
        self._run_start: int | None = None  # absolute start of the open run
        self._run: list[Any] = []  # its samples so far (empty once it is too long to be a character)
        self._run_len = 0
        self.chars: list[HeardChar] = []
        self.rejected = 0

    def feed(self, samples: Any) -> None:
        np = _np()
        data = np.concatenate((self._tail, np.asarray(samples, dtype=np.float32)))
        frames = len(data) // self._hop
        used = frames * self._hop
        if frames:
            energy = np.square(data[:used], dtype=np.float32).reshape(frames, self._hop).sum(axis=1)
            loud = energy > self._gate
            self._scan(data[:used], loud)
        self._pos += used
        self._tail = data[used:].copy()

    def _scan(self, data: Any, loud: Any) -> None:
        np = _np()
        hop = self._hop
        # Frame indices where loudness changes, plus the ends of this block.
        edges = np.flatnonzero(np.diff(loud.astype(np.int8))) + 1
        bounds = [0, *edges.tolist(), len(loud)]
        for a, b in itertools.pairwise(bounds):
            if a == b:
                continue
            if loud[a]:
                self._extend(data[a * hop : b * hop], self._pos + a * hop)
            elif self._run_start is not None:
                self._close()

    def _extend(self, piece: Any, start: int) -> None:
        if self._run_start is None:
            self._run_start, self._run, self._run_len = start, [], 0
        self._run_len += len(piece)
        if self._run_len <= self._max_run:
            self._run.append(piece.copy())
        else:
            self._run = []  # too long to be a character: stop keeping its samples

    def _close(self) -> None:
        start, length = self._run_start, self._run_len
        assert start is not None
        self._run_start, self._run_len = None, 0
        run, self._run = self._run, []
        if length < self._min_run:
            return  # a click or the sliver of a cut character: ignored
        if not run:
            self.rejected += 1
            return
        code = self._classify(_np().concatenate(run))
        if code is None:
            self.rejected += 1
        else:
            # The gate opens a frame into the tone's ramp and closes a frame before its end.
            self.chars.append(HeardChar(_char(code), max(0, start - self._hop), start + length + self._hop))

    def _classify(self, run: Any) -> int | None:
        np = _np()
        body = run[: len(run) - len(run) % self._hop]  # few distinct lengths: cached bases
        if len(body) < self._min_run // 2:
            return None
        projections = _basis(self.rate, len(body)) @ body
        amplitudes = np.hypot(projections[:20], projections[20:]) * (2.0 / len(body))
        lo = int(np.argmax(amplitudes[:10]))
        hi = int(np.argmax(amplitudes[10:]))
        power = float(np.dot(body, body)) / len(body)
        tones = (float(amplitudes[lo]) ** 2 + float(amplitudes[10 + hi]) ** 2) / 2
        code = lo * 10 + hi
        if power <= 0 or tones / power < _MIN_PURITY or code > OTHER:
            return None
        return code

    def finish(self) -> Heard:
        if self._run_start is not None:
            self._close()
        total = self._pos + len(self._tail)
        return Heard(_words(self.chars, self.rate), len(self.chars), self.rejected, total / self.rate)


def _words(chars: list[HeardChar], rate: int) -> tuple[HeardWord, ...]:
    words: list[HeardWord] = []
    current: list[HeardChar] = []
    for ch in chars:
        if current:
            prev = current[-1]
            # Inside a word the gap is half a tone; between words, at least twice a tone.
            if ch.start - prev.end > max(prev.end - prev.start, ch.end - ch.start):
                words.append(_word(current, rate))
                current = []
        current.append(ch)
    if current:
        words.append(_word(current, rate))
    return tuple(words)


def _word(chars: list[HeardChar], rate: int) -> HeardWord:
    text = "".join(c.char for c in chars)
    return HeardWord(text, chars[0].start / rate, chars[-1].end / rate)


def decode(blocks: Iterable[Any], rate: int) -> Heard:
    """Recognise mono float sample blocks at ``rate`` Hz."""
    decoder = ToneDecoder(rate)
    for block in blocks:
        decoder.feed(block)
    return decoder.finish()


def pcm16_blocks(raw: Iterable[bytes], channels: int = 1) -> Iterator[Any]:
    """Little-endian 16-bit interleaved PCM byte chunks as mono float blocks."""
    np = _np()
    carry = b""
    frame = 2 * channels
    for chunk in raw:
        data = carry + chunk
        usable = len(data) - len(data) % frame
        carry = data[usable:]
        if usable:
            samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.float32) / 32768.0
            if channels > 1:
                samples = samples.reshape(-1, channels).mean(axis=1)
            yield samples
