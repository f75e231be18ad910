"""client.speech against the local server: bytes, streams, typed events, atomic save (sync and async)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from openai_audio import (
    APIConnectionError,
    AsyncAudioClient,
    AudioClient,
    BadRequestError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    StreamError,
)
from openai_audio._streaming import SpeechAudioDeltaEvent, SpeechAudioDoneEvent
from openai_audio.testing import AudioServer
from openai_audio.types import CustomVoice, Voice

from .conftest import make_wav

LONG_TEXT = "The quick brown fox jumps over the lazy dog. " * 80  # ~3600 chars, megabytes of pcm
# mp3, wav and pcm the local server can always encode; flac and opus need PyAV or soundfile (the
# server-codecs extra, part of dev), aac needs PyAV (see the tests below).
FORMATS = ["mp3", "wav", "pcm", "flac", "opus"]
SOUNDFILE_FORMATS = frozenset({"flac", "opus"})
# What each container starts with (pcm is headerless). The server's mp3 opens with an ID3v2 tag.
MAGIC = {"mp3": b"ID3", "wav": b"RIFF", "flac": b"fLaC", "opus": b"OggS"}
# Ogg streams carry a random serial number (and page checksums over it): two encodings of the same
# text differ, so opus is compared by what it decodes to, not byte for byte.
DETERMINISTIC = frozenset({"mp3", "wav", "pcm", "flac"})
CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
    "flac": "audio/flac",
    "opus": "audio/opus",
}


def _part_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


def _require_encoder(fmt: str) -> None:
    """Skip a soundfile format where the codec is missing, but never in CI (CI installs dev)."""
    from openai_audio.testing import _audio

    if _audio.can_encode(fmt):
        return
    message = f"the local server cannot encode {fmt} here: install the server-codecs extra (PyAV)"
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(message)
    pytest.skip(message)


# -- create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_create_returns_audio_in_each_format(client: AudioClient, server: AudioServer, fmt: str) -> None:
    _require_encoder(fmt)
    audio = client.speech.create("Hello there.", voice="alloy", response_format=fmt)  # type: ignore[arg-type]
    assert audio
    if fmt in MAGIC:
        assert audio.startswith(MAGIC[fmt]), audio[:16]
    if fmt == "opus":
        assert audio[28:36] == b"OpusHead"  # an Ogg stream carrying Opus, not Vorbis
    sent = server.requests[-1].json
    assert sent == {
        "model": "gpt-4o-mini-tts",
        "input": "Hello there.",
        "voice": "alloy",
        "response_format": fmt,
    }


@pytest.mark.parametrize("fmt", ["mp3", "flac", "opus"])
def test_compressed_formats_round_trip_through_transcription(client: AudioClient, fmt: str) -> None:
    # The server hides the text in each container (ID3 frame, FLAC/Ogg comment) and reads it back:
    # a truncated or mislabelled body would not transcribe to the text.
    _require_encoder(fmt)
    text = f"Round trip through {fmt}."
    audio = client.speech.create(text, voice="alloy", response_format=fmt)  # type: ignore[arg-type]
    suffix = "ogg" if fmt == "opus" else fmt
    assert client.transcriptions.create((f"speech.{suffix}", audio)).text == text


@pytest.mark.parametrize("fmt", FORMATS)
def test_stream_reports_the_content_type_of_each_format(client: AudioClient, fmt: str) -> None:
    _require_encoder(fmt)
    with client.speech.stream("Typed.", voice="alloy", response_format=fmt) as audio:  # type: ignore[arg-type]
        body = b"".join(audio)
        assert audio.response.headers["content-type"] == CONTENT_TYPES[fmt]
    if fmt in DETERMINISTIC:
        assert body == client.speech.create("Typed.", voice="alloy", response_format=fmt)  # type: ignore[arg-type]
    else:
        assert body.startswith(MAGIC[fmt])
        assert client.transcriptions.create(("typed.ogg", body)).text == "Typed."


def test_aac_is_valid_for_the_client_and_the_local_server_encodes_it_with_pyav(client: AudioClient) -> None:
    _require_encoder("aac")
    audio = client.speech.create("Hi there.", voice="alloy", response_format="aac")
    assert audio[:2] == b"\xff\xf1"  # ADTS, as OpenAI sends it (transcriptions would refuse .aac)


def test_aac_is_valid_for_the_client_but_the_local_server_without_pyav_has_no_encoder(
    client: AudioClient, server: AudioServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_audio.testing import _media

    monkeypatch.setattr(_media, "_av", lambda: None)  # the server runs in this process
    # The client accepts every format of the spec; this server answers aac with a 400 naming it.
    with pytest.raises(BadRequestError) as info:
        client.speech.create("Hi.", voice="alloy", response_format="aac")
    assert info.value.param == "response_format"
    assert "aac" in info.value.message
    assert server.requests[-1].json["response_format"] == "aac"


def test_speech_round_trip_through_transcription(client: AudioClient) -> None:
    text = "Round trips are the best tests."
    wav = client.speech.create(text, voice="coral", response_format="wav", speed=1.5, instructions="calm")
    assert client.transcriptions.create(("speech.wav", wav)).text == text


async def test_async_create_and_round_trip(aclient: AsyncAudioClient) -> None:
    wav = await aclient.speech.create("Async speech.", voice="alloy", response_format="wav")
    result = await aclient.transcriptions.create(("speech.wav", wav))
    assert result.text == "Async speech."


def test_custom_voice_id_is_sent_as_object(client: AudioClient, server: AudioServer) -> None:
    with pytest.raises(BadRequestError):  # the server knows no such voice; what matters is the shape
        client.speech.create("Hi.", voice="voice_123")
    assert server.requests[-1].json["voice"] == {"id": "voice_123"}


@pytest.mark.parametrize(
    "voice",
    [
        CustomVoice(id="voice_abc"),
        Voice(object_="audio.voice", id="voice_abc", name="n", created_at=1),
        {"id": "voice_abc"},
    ],
)
def test_voice_objects_are_sent_by_id(client: AudioClient, server: AudioServer, voice: object) -> None:
    with pytest.raises(BadRequestError):
        client.speech.create("Hi.", voice=voice)  # type: ignore[arg-type]
    assert server.requests[-1].json["voice"] == {"id": "voice_abc"}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"input": ""}, InvalidArgumentError),
        ({"input": "x" * 4097}, InvalidArgumentError),
        ({"input": 5}, InvalidArgumentTypeError),
        ({"instructions": "y" * 4097}, InvalidArgumentError),
        ({"speed": 0.2}, InvalidArgumentError),
        ({"speed": 4.5}, InvalidArgumentError),
        ({"speed": True}, InvalidArgumentTypeError),
        ({"response_format": "ogg"}, InvalidArgumentError),
        ({"model": "tts-1", "instructions": "whisper"}, InvalidArgumentError),
        ({"model": "tts-1-hd", "instructions": "whisper"}, InvalidArgumentError),
        ({"voice": ""}, InvalidArgumentError),
        ({"voice": 3}, InvalidArgumentTypeError),
        ({"voice": {"id": "voice_1", "x": 1}}, InvalidArgumentError),
    ],
)
def test_invalid_arguments_raise_before_any_request(
    client: AudioClient, server: AudioServer, kwargs: dict[str, object], error: type[Exception]
) -> None:
    args: dict[str, object] = {"input": "Hello.", "voice": "alloy", **kwargs}
    with pytest.raises(error):
        client.speech.create(**args)  # type: ignore[arg-type]
    with pytest.raises(error):
        client.speech.stream(**args)  # type: ignore[arg-type]
    assert server.requests == []


def test_sse_is_refused_for_legacy_models_before_sending(client: AudioClient, server: AudioServer) -> None:
    for model in ("tts-1", "tts-1-hd"):
        with pytest.raises(InvalidArgumentError) as info:
            client.speech.stream_events("Hi.", voice="alloy", model=model)
        assert info.value.argument == "model"
    assert server.requests == []


def test_unknown_models_pass_through_untouched(client: AudioClient, server: AudioServer) -> None:
    with pytest.raises(BadRequestError):  # the local server knows only OpenAI's models
        client.speech.create("Hi.", voice="alloy", model="my-own-tts", instructions="x")
    assert server.requests[-1].json["model"] == "my-own-tts"


# -- stream ---------------------------------------------------------------------------------------


def test_stream_yields_all_bytes_in_chunks(client: AudioClient) -> None:
    whole = client.speech.create(LONG_TEXT, voice="alloy", response_format="pcm")
    with client.speech.stream(LONG_TEXT, voice="alloy", response_format="pcm", chunk_size=4096) as audio:
        chunks = list(audio.iter_bytes())
    assert b"".join(chunks) == whole
    assert len(chunks) > 1
    assert all(len(c) == 4096 for c in chunks[:-1])
    assert audio.response.is_closed


def test_plain_iteration_breaking_early_closes_the_response(client: AudioClient) -> None:
    stream = client.speech.stream(LONG_TEXT, voice="alloy", response_format="pcm", chunk_size=1024)
    for chunk in stream:
        assert chunk
        break
    assert stream.response.is_closed
    # The connection went back to (or was dropped from) the pool: the client is still usable.
    assert client.speech.create("Still working.", voice="alloy")


def test_with_block_breaking_early_closes_the_response(client: AudioClient) -> None:
    with client.speech.stream(LONG_TEXT, voice="alloy", response_format="pcm") as audio:
        for _ in audio:
            break
        assert not audio.response.is_closed
    assert audio.response.is_closed
    with pytest.raises(RuntimeError):
        list(audio)  # a closed stream cannot be iterated again


def test_unused_stream_sends_nothing(client: AudioClient, server: AudioServer) -> None:
    stream = client.speech.stream("Never sent.", voice="alloy")
    stream.close()
    assert server.requests == []


def test_stream_connection_dropped_mid_body_raises_connection_error(
    client: AudioClient, server: AudioServer
) -> None:
    server.inject("drop", path="/v1/audio/speech")
    with (
        pytest.raises(APIConnectionError),
        client.speech.stream(LONG_TEXT, voice="alloy", response_format="pcm") as s,
    ):
        for _ in s:
            pass


async def test_async_stream_and_early_exit(aclient: AsyncAudioClient) -> None:
    whole = await aclient.speech.create(LONG_TEXT, voice="alloy", response_format="pcm")
    async with aclient.speech.stream(
        LONG_TEXT, voice="alloy", response_format="pcm", chunk_size=8192
    ) as audio:
        received = [chunk async for chunk in audio]
    assert b"".join(received) == whole
    async with aclient.speech.stream(LONG_TEXT, voice="alloy", response_format="pcm") as early:
        async for _ in early:
            break
    assert early.response.is_closed


# -- stream_events --------------------------------------------------------------------------------


def test_stream_events_are_typed_and_decode_to_the_audio(client: AudioClient, server: AudioServer) -> None:
    whole = client.speech.create("Events please.", voice="alloy", response_format="wav")
    with client.speech.stream_events("Events please.", voice="alloy", response_format="wav") as events:
        received = list(events)
    assert server.requests[-1].json["stream_format"] == "sse"
    deltas = [e for e in received if isinstance(e, SpeechAudioDeltaEvent)]
    assert deltas
    assert all(base64.b64decode(d.audio) == d.audio_bytes == d.data for d in deltas)
    assert b"".join(d.audio_bytes for d in deltas) == whole
    done = received[-1]
    assert isinstance(done, SpeechAudioDoneEvent)
    assert done.type == "speech.audio.done"
    assert done.usage.total_tokens == done.usage.input_tokens + done.usage.output_tokens > 0


async def test_async_stream_events(aclient: AsyncAudioClient) -> None:
    async with aclient.speech.stream_events("Async events.", voice="alloy") as events:
        received = [e async for e in events]
    assert isinstance(received[0], SpeechAudioDeltaEvent)
    assert isinstance(received[-1], SpeechAudioDoneEvent)


def test_stream_events_error_in_stream_raises_stream_error(client: AudioClient, server: AudioServer) -> None:
    server.inject("sse_error", path="/v1/audio/speech")
    with pytest.raises(StreamError, match="error while streaming"):
        list(client.speech.stream_events(LONG_TEXT, voice="alloy", response_format="pcm"))


def test_stream_events_without_done_raises(client: AudioClient, server: AudioServer) -> None:
    server.inject("sse_no_done", path="/v1/audio/speech")
    with pytest.raises(StreamError, match=r"speech\.audio\.done"):
        list(client.speech.stream_events("Short.", voice="alloy"))


# -- save -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("out.wav", "wav"), ("out.MP3", "mp3"), ("out.pcm", "pcm"), ("out.flac", "flac"), ("out.opus", "opus")],
)
def test_save_infers_the_format_from_the_suffix(
    client: AudioClient, server: AudioServer, tmp_path: Path, name: str, fmt: str
) -> None:
    _require_encoder(fmt)
    target = client.speech.save("Saved to disk.", tmp_path / name, voice="alloy")
    assert target == tmp_path / name
    assert server.requests[-1].json["response_format"] == fmt
    saved = target.read_bytes()
    if fmt in DETERMINISTIC:
        assert saved == client.speech.create("Saved to disk.", voice="alloy", response_format=fmt)  # type: ignore[arg-type]
    else:
        assert saved.startswith(MAGIC[fmt])
        assert client.transcriptions.create(("saved.ogg", saved)).text == "Saved to disk."
    assert _part_files(tmp_path) == []


def test_save_with_explicit_format_and_unknown_suffix(client: AudioClient, tmp_path: Path) -> None:
    target = client.speech.save("Raw.", str(tmp_path / "audio.bin"), voice="alloy", response_format="pcm")
    assert target.read_bytes()


def test_save_replaces_an_existing_file(client: AudioClient, tmp_path: Path) -> None:
    target = tmp_path / "speech.wav"
    target.write_bytes(b"old")
    client.speech.save("New content.", target, voice="alloy")
    assert target.read_bytes()[:4] == b"RIFF"


@pytest.mark.parametrize(
    ("name", "fmt"), [("out.wav", "mp3"), ("out.ogg", None), ("noext", None), ("out.flac", "pcm")]
)
def test_save_rejects_suffix_problems_before_sending(
    client: AudioClient, server: AudioServer, tmp_path: Path, name: str, fmt: str | None
) -> None:
    with pytest.raises(InvalidArgumentError):
        client.speech.save("Hi.", tmp_path / name, voice="alloy", response_format=fmt)  # type: ignore[arg-type]
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


def test_save_is_atomic_when_the_connection_drops(
    client: AudioClient, server: AudioServer, tmp_path: Path
) -> None:
    target = tmp_path / "speech.pcm"
    target.write_bytes(b"previous content")
    server.inject("drop", path="/v1/audio/speech")
    with pytest.raises(APIConnectionError):
        client.speech.save(LONG_TEXT, target, voice="alloy")
    assert target.read_bytes() == b"previous content"
    assert _part_files(tmp_path) == []


def test_save_is_atomic_on_http_error(client: AudioClient, server: AudioServer, tmp_path: Path) -> None:
    target = tmp_path / "speech.wav"
    server.inject("status", status=400, path="/v1/audio/speech")
    with pytest.raises(BadRequestError):
        client.speech.save("Hi.", target, voice="alloy")
    assert list(tmp_path.iterdir()) == []


def test_save_is_atomic_on_keyboard_interrupt(
    client: AudioClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_audio import _atomic

    target = tmp_path / "speech.pcm"
    target.write_bytes(b"keep me")

    def interrupted(self: object, data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_atomic.AtomicFile, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        client.speech.save(LONG_TEXT, target, voice="alloy")
    assert target.read_bytes() == b"keep me"
    assert _part_files(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="posix_fadvise is Linux/BSD only")
def test_a_large_save_starts_writeback_as_it_goes_and_keeps_every_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_audio import _atomic

    ranges: list[tuple[int, int]] = []
    real = os.posix_fadvise

    def recording(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        ranges.append((offset, length))
        real(fd, offset, length, advice)

    monkeypatch.setattr(_atomic.os, "posix_fadvise", recording)
    chunk = bytes(range(256)) * 4096  # 1 MiB
    target = tmp_path / "long.pcm"
    out = _atomic.AtomicFile(target)
    for _ in range(20):
        out.write(chunk)
    out.commit()
    assert target.read_bytes() == chunk * 20
    mib = 1024 * 1024
    # Contiguous ranges, every 8 MiB, each queued once; the rest is left to the final fsync.
    assert ranges == [(0, 8 * mib), (8 * mib, 8 * mib)]


def test_save_into_a_missing_folder_or_onto_a_folder_fails_early(
    client: AudioClient, server: AudioServer, tmp_path: Path
) -> None:
    with pytest.raises(InvalidArgumentError):
        client.speech.save("Hi.", tmp_path / "missing" / "a.wav", voice="alloy")
    (tmp_path / "dir.wav").mkdir()
    with pytest.raises(InvalidArgumentError):
        client.speech.save("Hi.", tmp_path / "dir.wav", voice="alloy")
    assert server.requests == []


async def test_async_save_success_and_atomic_failure(
    aclient: AsyncAudioClient, server: AudioServer, tmp_path: Path
) -> None:
    ok = await aclient.speech.save("Async save.", tmp_path / "ok.wav", voice="alloy")
    assert ok.read_bytes()[:4] == b"RIFF"
    target = tmp_path / "keep.pcm"
    target.write_bytes(b"previous")
    server.inject("drop", path="/v1/audio/speech")
    with pytest.raises(APIConnectionError):
        await aclient.speech.save(LONG_TEXT, target, voice="alloy")
    assert target.read_bytes() == b"previous"
    assert _part_files(tmp_path) == []


def test_make_wav_helper_is_a_valid_wav() -> None:
    assert make_wav(1.0)[:4] == b"RIFF"
