"""The local server hears its own speech in the samples: slices, concatenations, resampling, codecs.

Every round trip goes through the server's HTTP API: /audio/speech makes the audio, the test cuts,
joins, resamples or re-encodes it, and /audio/transcriptions must give back the words it contains,
with word timestamps at their true position (within one character, far less than one word).
"""

from __future__ import annotations

import io
import struct
import wave
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from openai_audio.testing import _media

RATE = 24_000
UNIT = 1440  # samples per character at speed 1 (60 ms)
TONE = 960  # the sounding part of a character
TEXT = "Quick brown foxes, 42 of them; jump over the lazy dog! Then: rest (maybe)."

needs_av = pytest.mark.skipif(not _media.available(), reason="PyAV (the media extra) is not installed")


@dataclass(frozen=True)
class TrueWord:
    text: str
    first: int  # index of its first character in the text
    last: int  # index of its last character


def _true_words(text: str) -> list[TrueWord]:
    words, pos = [], 0
    for word in text.split(" "):
        if word:
            words.append(TrueWord(word, pos, pos + len(word) - 1))
        pos += len(word) + 1
    return words


def _wav(pcm: bytes, rate: int = RATE, extra_chunk: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    data = buf.getvalue()
    if extra_chunk:  # insert before the data chunk and fix the RIFF size
        data = data[:36] + extra_chunk + data[36:]
        data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    return data


def _pcm(client: httpx.Client, text: str, speed: float = 1.0) -> bytes:
    response = client.post(
        "/audio/speech",
        json={"model": "gpt-4o-mini-tts", "input": text, "voice": "alloy", "response_format": "pcm"}
        | ({"speed": speed} if speed != 1.0 else {}),
    )
    assert response.status_code == 200, response.text
    return response.content


def _transcribe(client: httpx.Client, audio: bytes, filename: str = "clip.wav") -> dict[str, Any]:
    response = client.post(
        "/audio/transcriptions",
        files={"file": (filename, audio)},
        data={
            "model": "whisper-1",
            "response_format": "verbose_json",
            "timestamp_granularities[]": ["word", "segment"],
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _assert_words_at(
    body: dict[str, Any], text: str, *, offset: float = 0.0, tolerance: float = 0.06
) -> None:
    truth = _true_words(text)
    assert [w["word"] for w in body["words"]] == [t.text for t in truth]
    for got, true in zip(body["words"], truth, strict=True):
        assert got["start"] == pytest.approx(offset + true.first * UNIT / RATE, abs=tolerance)
        assert got["end"] == pytest.approx(offset + (true.last * UNIT + TONE) / RATE, abs=tolerance)


def test_whole_file_round_trip_has_words_at_their_positions(client: httpx.Client) -> None:
    body = _transcribe(client, _wav(_pcm(client, TEXT)))
    assert body["text"] == TEXT
    _assert_words_at(body, TEXT, tolerance=0.003)
    assert body["duration"] == pytest.approx(len(TEXT) * UNIT / RATE, abs=0.001)
    assert body["segments"][0]["start"] == body["words"][0]["start"]
    assert body["segments"][-1]["end"] == body["words"][-1]["end"]


def test_raw_samples_are_heard_without_any_embedded_text(client: httpx.Client) -> None:
    pcm = _pcm(client, TEXT)
    assert TEXT.encode() not in _wav(pcm)  # only the samples carry it
    assert _transcribe(client, _wav(pcm))["text"] == TEXT


@pytest.mark.parametrize("start", [0, 1, 700, 1439, 1440, 12_345, 50_001])
@pytest.mark.parametrize("length", [30_000, 77_777])
def test_slices_at_any_sample_give_the_words_inside(client: httpx.Client, start: int, length: int) -> None:
    pcm = _pcm(client, TEXT)
    end = min(start + length, len(pcm) // 2)
    body = _transcribe(client, _wav(pcm[2 * start : 2 * end]))
    # Characters whose tone is wholly inside the slice must be heard; cut ones may be dropped.
    inside = [i for i in range(len(TEXT)) if start <= i * UNIT and i * UNIT + TONE <= end and TEXT[i] != " "]
    got = body["words"]
    heard_text = " ".join(w["word"] for w in got)
    whole = TEXT[inside[0] : inside[-1] + 1]
    assert whole in heard_text
    # At most one more (cut) character at each edge, and then the right one.
    before = max([i for i in range(inside[0]) if TEXT[i] != " "], default=inside[0])
    after = min([i for i in range(inside[-1] + 1, len(TEXT)) if TEXT[i] != " "], default=inside[-1])
    assert heard_text in TEXT[before : after + 1]
    # Timestamps count from the slice's first sample.
    first = next(i for i in range(len(TEXT)) if TEXT[i] != " " and i * UNIT + TONE > start)
    assert got[0]["start"] == pytest.approx(max(0, first * UNIT - start) / RATE, abs=0.06)
    assert body["duration"] == pytest.approx((end - start) / RATE, abs=0.001)


def test_a_slice_that_kept_the_original_text_chunk_is_heard_from_its_samples(client: httpx.Client) -> None:
    pcm = _pcm(client, TEXT)
    payload = TEXT.encode()
    chunk = b"oatx" + struct.pack("<I", len(payload)) + payload + b"\0" * (len(payload) % 2)
    cut = pcm[: 2 * UNIT * 17]  # "Quick brown foxes"
    body = _transcribe(client, _wav(cut, extra_chunk=chunk))
    assert body["text"] == "Quick brown foxes"


def test_concatenated_speeches_are_heard_in_order(client: httpx.Client) -> None:
    first, second = "Hello there, general Kenobi.", "You are a bold one!"
    pause = bytes(2 * RATE // 5)  # speeches joined with no pause would run together into one word
    pcm = _pcm(client, first) + pause + _pcm(client, second)
    body = _transcribe(client, _wav(pcm))
    assert body["text"] == f"{first} {second}"
    words = body["words"]
    split = len(first.split())
    _assert_words_at({"words": words[:split]}, first, tolerance=0.003)
    offset = len(first) * UNIT / RATE + 0.2
    _assert_words_at({"words": words[split:]}, second, offset=offset, tolerance=0.003)


def test_non_ascii_survives_whole_files_and_becomes_replacement_characters_in_slices(
    client: httpx.Client,
) -> None:
    text = "Café crème, naïve señor!"
    wav = client.post(
        "/audio/speech",
        json={"model": "gpt-4o-mini-tts", "input": text, "voice": "alloy", "response_format": "wav"},
    ).content
    assert _transcribe(client, wav)["text"] == text
    pcm = _pcm(client, text)
    assert _transcribe(client, _wav(pcm))["text"] == "Caf\ufffd cr\ufffdme, na\ufffdve se\ufffdor!"


@pytest.mark.parametrize("speed", [0.25, 2.0, 4.0])
def test_other_speeds_are_heard(client: httpx.Client, speed: float) -> None:
    text = "Speed test: aa bb ccc, dd!"
    assert _transcribe(client, _wav(_pcm(client, text, speed)))["text"] == text


def test_silence_and_noise_are_not_speech(client: httpx.Client) -> None:
    silence = _transcribe(client, _wav(bytes(2 * RATE)))
    noise_pcm = bytes((i * 7919 + (i >> 3) * 104729) % 256 for i in range(2 * RATE))
    noise = _transcribe(client, _wav(noise_pcm))
    for body in (silence, noise):  # the deterministic pseudo-transcript of foreign audio
        assert body["text"][0].isupper()
        assert body["duration"] == pytest.approx(1.0, abs=0.001)
    assert silence["text"] != noise["text"]


# --------------------------------------------------------------------------- PyAV copies


def _pyav_encode(pcm: bytes, container_format: str, codec: str, rate: int, bit_rate: int | None) -> bytes:
    import av
    import numpy as np

    buf = io.BytesIO()
    with av.open(buf, "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        if bit_rate:
            stream.bit_rate = bit_rate
        resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=rate)
        frame = av.AudioFrame.from_ndarray(
            np.frombuffer(pcm, dtype="<i2").reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = RATE
        for out in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


@needs_av
@pytest.mark.parametrize("rate", [8_000, 16_000, 44_100, 48_000])
def test_resampled_copies_are_heard(client: httpx.Client, rate: int) -> None:
    wav = _pyav_encode(_pcm(client, TEXT), "wav", "pcm_s16le", rate, None)
    body = _transcribe(client, wav)
    _assert_words_at(body, TEXT, tolerance=0.01)


@needs_av
@pytest.mark.parametrize(
    ("container_format", "codec", "rate", "bit_rate", "filename"),
    [
        ("mp3", "libmp3lame", 24_000, 32_000, "clip.mp3"),
        ("mp3", "libmp3lame", 44_100, 64_000, "clip.mp3"),
        ("ipod", "aac", 24_000, 64_000, "clip.m4a"),
        ("adts", "aac", 16_000, 32_000, "clip.mp3"),  # ADTS AAC sniffed as MPEG audio, decoded by PyAV
        ("ogg", "libopus", 48_000, 64_000, "clip.ogg"),
        ("webm", "libopus", 48_000, 96_000, "clip.webm"),
        ("flac", "flac", 24_000, None, "clip.flac"),
    ],
)
def test_lossy_and_lossless_re_encodings_are_heard(
    client: httpx.Client, container_format: str, codec: str, rate: int, bit_rate: int | None, filename: str
) -> None:
    encoded = _pyav_encode(_pcm(client, TEXT), container_format, codec, rate, bit_rate)
    body = _transcribe(client, encoded, filename)
    # Codecs add their encoder delay (up to ~50 ms) at the start: still far within one word.
    _assert_words_at(body, TEXT, tolerance=0.08)


@needs_av
def test_a_re_encoded_slice_of_a_concatenation_is_heard(client: httpx.Client) -> None:
    pcm = _pcm(client, "First speech here. ") + _pcm(client, "Second one, there.")
    cut = pcm[2 * 5 * UNIT : 2 * 31 * UNIT]  # from "speech" to "one," inclusive
    body = _transcribe(client, _pyav_encode(cut, "mp3", "libmp3lame", 24_000, 48_000), "cut.mp3")
    assert body["text"] == "speech here. Second one,"


def test_speech_at_any_speed_from_the_api_is_heard_back(
    speak: Callable[..., bytes], client: httpx.Client
) -> None:
    audio = speak("Fast words, fast.", "wav", speed=2.0)
    assert _transcribe(client, audio)["text"] == "Fast words, fast."
