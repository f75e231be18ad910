"""Synthetic speech with known words: the local server's own voice, for the long-recording tests."""

from __future__ import annotations

import random
import struct

from openai_audio.testing._audio import SAMPLE_RATE, samples_per_char, speech_chunks

FRAMES_PER_CHAR = samples_per_char(1.0)
_WORDS = ("amber", "river", "quiet", "signal", "harbor", "lantern", "to", "a", "meadow", "copper", "orbit")


def sentence_text(words: int, *, seed: int = 7) -> str:
    """Words of varying length separated by single spaces, with the odd comma and full stop."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(words):
        word = rng.choice(_WORDS)
        if i % 9 == 8:
            word += "."
        elif i % 5 == 4:
            word += ","
        out.append(word)
    return " ".join(out) + "."


def speech_wav(text: str) -> bytes:
    """A 24 kHz 16-bit mono WAV where every character lasts FRAMES_PER_CHAR frames (spaces silent)."""
    return b"".join(speech_chunks("wav", text, 1.0))


def pcm_of(text: str) -> bytes:
    return b"".join(speech_chunks("pcm", text, 1.0))


def wav_bytes(
    pcm: bytes, *, rate: int = SAMPLE_RATE, channels: int = 1, width: int = 2, tag: int = 1
) -> bytes:
    fmt = struct.pack(
        "<4sIHHIIHH", b"fmt ", 16, tag, channels, rate, rate * channels * width, channels * width, width * 8
    )
    return (
        b"RIFF"
        + struct.pack("<I", 4 + len(fmt) + 8 + len(pcm))
        + b"WAVE"
        + fmt
        + b"data"
        + struct.pack("<I", len(pcm))
        + pcm
    )


def char_at(text: str, frame: int) -> str:
    """The character being spoken at ``frame``."""
    return text[min(len(text) - 1, frame // FRAMES_PER_CHAR)]
