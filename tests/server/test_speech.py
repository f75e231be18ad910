"""POST /v1/audio/speech: formats, SSE, custom voices, validation, the exact-size knob."""

from __future__ import annotations

import base64
import io
import struct
import wave
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from server_helpers import assert_error, conform, sse_events

from openai_audio.testing import AudioServer, _audio, _media

HAS_SOUNDFILE = _audio.can_encode("flac")  # the optional soundfile package with a working libsndfile


def _speech(client: httpx.Client, **overrides: Any) -> httpx.Response:
    body = {"model": "gpt-4o-mini-tts", "input": "Hello there.", "voice": "alloy"} | overrides
    return client.post("/audio/speech", json=body)


def test_wav_is_real_24khz_mono_audio_sized_by_the_input(client: httpx.Client) -> None:
    short = _speech(client, input="Hi", response_format="wav")
    long = _speech(client, input="Hello there, general audio test.", response_format="wav")
    assert short.status_code == long.status_code == 200
    assert short.headers["content-type"] == "audio/wav"
    assert "content-length" not in long.headers  # streamed chunked
    with wave.open(io.BytesIO(long.content)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (24000, 1, 2)
        frames = w.readframes(w.getnframes())
        assert any(frames)  # tones, not silence
        long_seconds = w.getnframes() / w.getframerate()
    with wave.open(io.BytesIO(short.content)) as w:
        assert w.getnframes() / w.getframerate() < long_seconds


def test_speed_shortens_audio(client: httpx.Client) -> None:
    normal = _speech(client, response_format="pcm").content
    fast = _speech(client, response_format="pcm", speed=2.0).content
    assert len(fast) == pytest.approx(len(normal) / 2, rel=0.01)


def test_pcm_is_raw_samples_matching_the_wav_data(client: httpx.Client) -> None:
    pcm = _speech(client, response_format="pcm")
    assert pcm.headers["content-type"] == "audio/pcm"
    wav = _speech(client, response_format="wav").content
    with wave.open(io.BytesIO(wav)) as w:
        assert w.readframes(w.getnframes()) == pcm.content


def test_mp3_is_the_default_and_has_mpeg_frames(client: httpx.Client) -> None:
    response = _speech(client)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    data = response.content
    assert data.startswith(b"ID3")
    tag_size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
    assert data[tag_size] == 0xFF
    assert data[tag_size + 1] & 0xE0 == 0xE0


@pytest.mark.skipif(not HAS_SOUNDFILE, reason="soundfile (libsndfile) not installed")
@pytest.mark.parametrize(
    ("fmt", "magic", "ctype"), [("flac", b"fLaC", "audio/flac"), ("opus", b"OggS", "audio/opus")]
)
def test_soundfile_formats(client: httpx.Client, fmt: str, magic: bytes, ctype: str) -> None:
    response = _speech(client, response_format=fmt)
    assert response.status_code == 200
    assert response.headers["content-type"] == ctype
    assert response.content.startswith(magic)


@pytest.mark.skipif(not _media.available(), reason="PyAV (the media extra) is not installed")
@pytest.mark.parametrize(
    ("fmt", "ctype", "filename"),
    [
        ("mp3", "audio/mpeg", "speech.mp3"),
        ("aac", "audio/aac", "speech.aac"),
        ("opus", "audio/opus", "speech.ogg"),
        ("flac", "audio/flac", "speech.flac"),
    ],
)
def test_pyav_formats_are_real_audio_heard_back(
    client: httpx.Client, fmt: str, ctype: str, filename: str
) -> None:
    import av

    text = "Real codecs, real audio: 1 2 3!"
    response = _speech(client, input=text, response_format=fmt)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ctype
    data = response.content
    if fmt == "mp3":  # an ID3 tag, then MPEG frames (not the silent frames made without PyAV)
        tag_size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
        assert data.startswith(b"ID3") and data[tag_size] == 0xFF
        assert data[tag_size : tag_size + 4] != _audio.MP3_FRAME[:4]
    else:
        assert data.startswith({"aac": b"\xff\xf1", "opus": b"OggS", "flac": b"fLaC"}[fmt])
    codec = {"mp3": "mp3", "aac": "aac", "opus": "opus", "flac": "flac"}[fmt]
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name.startswith(codec) or codec in stream.codec_context.name
        seconds = sum(frame.samples for frame in container.decode(stream)) / stream.codec_context.sample_rate
    assert seconds == pytest.approx(len(text) * 0.06, abs=0.1)
    # Heard back through the API (aac carries no tag: from the samples alone).
    heard = client.post(
        "/audio/transcriptions", files={"file": (filename, data)}, data={"model": "whisper-1"}
    )
    assert heard.status_code == 200, heard.text
    assert heard.json()["text"] == text


@pytest.fixture
def without_pyav(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server as installed without the media extra (it runs in this process's thread)."""
    monkeypatch.setattr(_media, "_av", lambda: None)


@pytest.mark.usefixtures("without_pyav")
def test_aac_has_no_encoder_without_pyav(client: httpx.Client) -> None:
    assert_error(_speech(client, response_format="aac"), 400, "response_format")


@pytest.mark.usefixtures("without_pyav")
def test_mp3_without_pyav_is_silent_frames_carrying_the_text(client: httpx.Client) -> None:
    text = "Tagged, not heard."
    data = _speech(client, input=text).content
    tag_size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
    assert data[tag_size : tag_size + len(_audio.MP3_FRAME)] == _audio.MP3_FRAME
    heard = client.post("/audio/transcriptions", files={"file": ("a.mp3", data)}, data={"model": "whisper-1"})
    assert heard.json()["text"] == text


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_round_trip_returns_the_exact_input(client: httpx.Client, fmt: str) -> None:
    text = "Ünïcode, punctuation… and   spaces! 42?"
    audio = _speech(client, input=text, response_format=fmt).content
    response = client.post(
        "/audio/transcriptions",
        files={"file": (f"speech.{fmt}", audio)},
        data={"model": "gpt-4o-transcribe"},
    )
    assert response.status_code == 200
    assert response.json()["text"] == text


def test_sse_stream_deltas_reassemble_the_audio(client: httpx.Client) -> None:
    streamed = _speech(client, input="Streaming speech " * 50, response_format="wav", stream_format="sse")
    assert streamed.status_code == 200
    assert streamed.headers["content-type"].startswith("text/event-stream")
    events = sse_events(streamed.text)
    deltas = [e for e in events if e["type"] == "speech.audio.delta"]
    assert len(deltas) > 1
    for event in deltas:
        conform("SpeechAudioDeltaEvent", event)
    done = events[-1]
    conform("SpeechAudioDoneEvent", done)
    assert done["type"] == "speech.audio.done"
    usage = done["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    audio = b"".join(base64.b64decode(e["audio"]) for e in deltas)
    plain = _speech(client, input="Streaming speech " * 50, response_format="wav").content
    assert audio == plain


def test_custom_voice_is_accepted(client: httpx.Client, make_consent: Callable[..., dict[str, Any]]) -> None:
    consent = make_consent()
    voice = client.post(
        "/audio/voices",
        data={"name": "narrator", "consent": consent["id"]},
        files={"audio_sample": ("sample.mp3", b"ID3" + bytes(100), "audio/mpeg")},
    ).json()
    assert _speech(client, voice={"id": voice["id"]}).status_code == 200
    assert_error(_speech(client, voice={"id": "voice_unknown"}), 400, "voice")


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"model": None}, "model"),
        ({"model": "tts-9"}, "model"),
        ({"input": ""}, "input"),
        ({"input": "x" * 4097}, "input"),
        ({"input": 5}, "input"),
        ({"voice": "robot"}, "voice"),
        ({"voice": {"name": "x"}}, "voice"),
        ({"response_format": "ogg"}, "response_format"),
        ({"speed": 0.2}, "speed"),
        ({"speed": 4.5}, "speed"),
        ({"speed": "fast"}, "speed"),
        ({"speed": True}, "speed"),
        ({"stream_format": "chunks"}, "stream_format"),
        ({"model": "tts-1", "stream_format": "sse"}, "stream_format"),
        ({"model": "tts-1-hd", "instructions": "Whisper."}, "instructions"),
        ({"instructions": "x" * 4097}, "instructions"),
        ({"extra": 1}, "extra"),
    ],
)
def test_validation_errors(client: httpx.Client, overrides: dict[str, Any], param: str) -> None:
    body = {"model": "gpt-4o-mini-tts", "input": "Hello", "voice": "alloy"} | overrides
    body = {k: v for k, v in body.items() if v is not None}
    assert_error(client.post("/audio/speech", json=body), 400, param)


def test_unknown_field_message(client: httpx.Client) -> None:
    response = _speech(client, volume=11)
    assert response.json()["error"]["message"] == "Unrecognized request argument supplied: volume"


def test_instructions_and_sse_work_on_gpt_models(client: httpx.Client) -> None:
    assert _speech(client, instructions="Speak warmly.", stream_format="sse").status_code == 200


def test_body_must_be_json(client: httpx.Client) -> None:
    assert_error(
        client.post("/audio/speech", content=b"{not json", headers={"content-type": "application/json"}), 400
    )
    assert_error(
        client.post("/audio/speech", content=b"input=x", headers={"content-type": "text/plain"}), 415
    )
    assert_error(client.post("/audio/speech", json=["a list"]), 400)


@pytest.mark.parametrize(("fmt", "size"), [("wav", 3 * 1024 * 1024 + 7), ("pcm", 1_000_001), ("mp3", 50_000)])
def test_exact_size_knob(server: AudioServer, fmt: str, size: int) -> None:
    received = 0
    with (
        httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}) as c,
        c.stream(
            "POST",
            "/audio/speech",
            json={"model": "tts-1", "input": "x", "voice": "ash", "response_format": fmt},
            headers={"x-test-audio-bytes": str(size)},
        ) as response,
    ):
        assert response.status_code == 200
        head = b""
        for chunk in response.iter_bytes():
            if len(head) < 44:
                head += chunk[:44]
            received += len(chunk)
    assert received == size
    if fmt == "wav":
        assert head[:4] == b"RIFF"
        assert struct.unpack("<I", head[40:44])[0] == size - 44


def test_exact_size_knob_rejects_bad_values(client: httpx.Client) -> None:
    body = {"model": "tts-1", "input": "x", "voice": "ash", "response_format": "wav"}
    assert client.post("/audio/speech", json=body, headers={"x-test-audio-bytes": "12"}).status_code == 400
    assert client.post("/audio/speech", json=body, headers={"x-test-audio-bytes": "lots"}).status_code == 400
