"""POST /v1/audio/transcriptions and /v1/audio/translations: formats, streaming, wire forms, validation."""

from __future__ import annotations

import hashlib
import io
import re
import wave
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from server_helpers import assert_error, conform, sse_events

from openai_audio.testing import AudioServer

TEXT = "Hello world. This is a test of the local server! Does it work? Yes."


@pytest.fixture
def wav(speak: Callable[..., bytes]) -> bytes:
    return speak(TEXT)


def _post(
    client: httpx.Client,
    audio: bytes,
    data: dict[str, Any] | list[tuple[str, str]],
    *,
    filename: str = "speech.wav",
    content_type: str | None = "audio/wav",
    endpoint: str = "transcriptions",
) -> httpx.Response:
    file = (filename, audio, content_type) if content_type else (filename, audio)
    fields: dict[str, list[str]] = {}
    for name, value in data.items() if isinstance(data, dict) else data:
        fields.setdefault(name, []).append(value)  # httpx wants repeated fields as a dict of lists
    return client.post(f"/audio/{endpoint}", files={"file": file}, data=fields)


def test_json_whisper_has_duration_usage(client: httpx.Client, wav: bytes) -> None:
    body = _post(client, wav, {"model": "whisper-1"}).json()
    conform("CreateTranscriptionResponseJson", body)
    assert body["text"] == TEXT
    assert body["usage"]["type"] == "duration"


@pytest.mark.parametrize(
    "model", ["gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-mini-transcribe-2025-12-15"]
)
def test_json_gpt_models_have_token_usage(client: httpx.Client, wav: bytes, model: str) -> None:
    body = _post(client, wav, {"model": model}).json()
    conform("CreateTranscriptionResponseJson", body)
    usage = body["usage"]
    conform("TranscriptTextUsageTokens", usage)
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_logprobs(client: httpx.Client, wav: bytes) -> None:
    body = _post(client, wav, [("model", "gpt-4o-transcribe"), ("include[]", "logprobs")]).json()
    assert "".join(lp["token"] for lp in body["logprobs"]) == " ".join(TEXT.split())
    assert all(lp["logprob"] <= 0 for lp in body["logprobs"])


def test_gpt_transcribe_languages(client: httpx.Client, wav: bytes) -> None:
    data = [("model", "gpt-transcribe"), ("languages[]", "en"), ("languages[]", "de"), ("keywords[]", "test")]
    body = _post(client, wav, data).json()
    assert body["languages"] == [{"code": "en"}, {"code": "de"}]


def test_text_format(client: httpx.Client, wav: bytes) -> None:
    response = _post(client, wav, {"model": "whisper-1", "response_format": "text"})
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == TEXT + "\n"


def _cue_times(text: str) -> list[tuple[str, str]]:
    return re.findall(r"(\d\d:\d\d:\d\d[,.]\d{3}) --> (\d\d:\d\d:\d\d[,.]\d{3})", text)


def test_srt(client: httpx.Client, wav: bytes) -> None:
    text = _post(client, wav, {"model": "whisper-1", "response_format": "srt"}).text
    cues = text.strip().split("\n\n")
    assert [c.split("\n")[0] for c in cues] == [str(i) for i in range(1, len(cues) + 1)]
    times = _cue_times(text)
    assert len(times) == len(cues) == 4
    assert times[0][0] == "00:00:00,000"
    assert all(start < end for start, end in times)
    assert " ".join(c.split("\n", 2)[2] for c in cues) == TEXT


def test_vtt(client: httpx.Client, wav: bytes) -> None:
    text = _post(client, wav, {"model": "whisper-1", "response_format": "vtt"}).text
    assert text.startswith("WEBVTT\n\n")
    times = _cue_times(text)
    assert len(times) == 4
    assert all("." in start for start, _ in times)


def test_verbose_json_segments_and_words(client: httpx.Client, wav: bytes) -> None:
    data = [
        ("model", "whisper-1"),
        ("response_format", "verbose_json"),
        ("timestamp_granularities[]", "word"),
        ("timestamp_granularities[]", "segment"),
        ("language", "en"),
    ]
    body = _post(client, wav, data).json()
    conform("CreateTranscriptionResponseVerboseJson", body)
    with wave.open(io.BytesIO(wav)) as w:
        assert body["duration"] == pytest.approx(w.getnframes() / w.getframerate(), abs=0.001)
    assert body["language"] == "english"
    assert [w["word"] for w in body["words"]] == TEXT.split()
    assert "".join(s["text"] for s in body["segments"]).strip() == TEXT
    ends = [s["end"] for s in body["segments"]]
    assert ends == sorted(ends)
    assert body["usage"]["type"] == "duration"


def test_verbose_json_defaults_to_segments_only(client: httpx.Client, wav: bytes) -> None:
    body = _post(client, wav, {"model": "whisper-1", "response_format": "verbose_json"}).json()
    assert "segments" in body
    assert "words" not in body


def test_bare_repeated_array_names(client: httpx.Client, wav: bytes) -> None:
    data = [("model", "whisper-1"), ("response_format", "verbose_json"), ("timestamp_granularities", "word")]
    assert "words" in _post(client, wav, data).json()


def test_diarized_json_uses_known_speaker_names(client: httpx.Client, wav: bytes) -> None:
    data = [
        ("model", "gpt-4o-transcribe-diarize"),
        ("response_format", "diarized_json"),
        ("known_speaker_names[]", "agent"),
        ("known_speaker_names[]", "customer"),
        ("known_speaker_references[]", "data:audio/wav;base64,AAAA"),
        ("known_speaker_references[]", "data:audio/wav;base64,BBBB"),
    ]
    body = _post(client, wav, data).json()
    conform("CreateTranscriptionResponseDiarizedJson", body)
    assert body["task"] == "transcribe"
    assert [s["speaker"] for s in body["segments"]] == ["agent", "customer", "agent", "customer"]
    assert " ".join(s["text"] for s in body["segments"]) == TEXT


def test_diarized_default_labels(client: httpx.Client, wav: bytes) -> None:
    body = _post(
        client, wav, {"model": "gpt-4o-transcribe-diarize", "response_format": "diarized_json"}
    ).json()
    assert {s["speaker"] for s in body["segments"]} == {"A", "B"}


@pytest.mark.parametrize(
    "chunking",
    [
        [("chunking_strategy", "auto")],
        [("chunking_strategy", '{"type": "server_vad", "threshold": 0.4}')],
        [
            ("chunking_strategy[type]", "server_vad"),
            ("chunking_strategy[threshold]", "0.4"),
            ("chunking_strategy[prefix_padding_ms]", "300"),
            ("chunking_strategy[silence_duration_ms]", "200"),
        ],
    ],
)
def test_chunking_strategy_wire_forms(
    client: httpx.Client, wav: bytes, chunking: list[tuple[str, str]]
) -> None:
    response = _post(client, wav, [("model", "gpt-4o-transcribe-diarize"), *chunking])
    assert response.status_code == 200, response.text


def test_diarize_needs_chunking_for_long_audio(client: httpx.Client, speak: Callable[..., bytes]) -> None:
    long_audio = speak("a" * 600)  # 36 s at 60 ms per character
    assert_error(_post(client, long_audio, {"model": "gpt-4o-transcribe-diarize"}), 400, "chunking_strategy")
    ok = _post(client, long_audio, {"model": "gpt-4o-transcribe-diarize", "chunking_strategy": "auto"})
    assert ok.status_code == 200


def test_stream_events(client: httpx.Client, wav: bytes) -> None:
    response = _post(
        client, wav, [("model", "gpt-4o-mini-transcribe"), ("stream", "true"), ("include[]", "logprobs")]
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    deltas = events[:-1]
    assert all(e["type"] == "transcript.text.delta" for e in deltas)
    for e in deltas:
        conform("TranscriptTextDeltaEvent", e)
        assert len(e["logprobs"]) == 1
    assert "".join(e["delta"] for e in deltas) == " ".join(TEXT.split())
    done = events[-1]
    conform("TranscriptTextDoneEvent", done)
    assert done["type"] == "transcript.text.done"
    assert done["text"] == TEXT
    conform("TranscriptTextUsageTokens", done["usage"])


def test_stream_diarized_segments(client: httpx.Client, wav: bytes) -> None:
    data = {"model": "gpt-4o-transcribe-diarize", "stream": "true", "response_format": "diarized_json"}
    events = sse_events(_post(client, wav, data).text)
    segments = [e for e in events if e["type"] == "transcript.text.segment"]
    assert len(segments) == 4
    for e in segments:
        conform("TranscriptTextSegmentEvent", e)
    deltas = [e for e in events if e["type"] == "transcript.text.delta"]
    assert {e["segment_id"] for e in deltas} == {s["id"] for s in segments}
    assert events[-1]["type"] == "transcript.text.done"


def test_stream_is_ignored_for_whisper(client: httpx.Client, wav: bytes) -> None:
    response = _post(client, wav, {"model": "whisper-1", "stream": "true"})
    assert response.headers["content-type"] == "application/json"
    assert response.json()["text"] == TEXT


def test_foreign_audio_gets_a_deterministic_transcript(client: httpx.Client) -> None:
    audio = b"OggS" + bytes(range(256)) * 200
    first = _post(client, audio, {"model": "whisper-1"}, filename="a.ogg", content_type="audio/ogg").json()[
        "text"
    ]
    again = _post(client, audio, {"model": "whisper-1"}, filename="b.ogg", content_type="audio/ogg").json()[
        "text"
    ]
    other = _post(client, audio + b"x", {"model": "whisper-1"}, filename="a.ogg").json()["text"]
    assert first == again
    assert first != other
    assert re.fullmatch(r"([A-Z][a-z]+( [a-z]+)*\. ?)+", first)


@pytest.mark.parametrize(
    ("filename", "content_type", "head"),
    [
        ("clip.bin", None, b"RIFF\x00\x00\x00\x00WAVE"),
        ("clip", "audio/mpeg", b"\x00\x00"),
        ("clip.flac", None, b"\x00\x00"),
        ("clip", None, b"\x1a\x45\xdf\xa3"),
        ("clip", None, b"\x00\x00\x00\x18ftypmp42"),
    ],
)
def test_format_detection(client: httpx.Client, filename: str, content_type: str | None, head: bytes) -> None:
    response = _post(
        client, head + bytes(1000), {"model": "whisper-1"}, filename=filename, content_type=content_type
    )
    assert response.status_code == 200, response.text


def test_unsupported_file_format(client: httpx.Client) -> None:
    response = _post(
        client, b"just text", {"model": "whisper-1"}, filename="notes.txt", content_type="text/plain"
    )
    assert_error(response, 400, "file")
    assert response.json()["error"]["message"] == (
        "Invalid file format. Supported formats: "
        "['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']"
    )


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({}, "model"),
        ({"model": "whisper-9"}, "model"),
        ({"model": "whisper-1", "response_format": "xml"}, "response_format"),
        ({"model": "whisper-1", "response_format": "diarized_json"}, "response_format"),
        ({"model": "gpt-4o-transcribe", "response_format": "text"}, "response_format"),
        ({"model": "gpt-4o-transcribe-diarize", "response_format": "srt"}, "response_format"),
        ({"model": "gpt-4o-transcribe-diarize", "prompt": "hi"}, "prompt"),
        ({"model": "gpt-4o-transcribe-diarize", "include[]": "logprobs"}, "include[]"),
        (
            {"model": "gpt-4o-transcribe-diarize", "timestamp_granularities[]": "word"},
            "timestamp_granularities[]",
        ),
        ({"model": "whisper-1", "include[]": "logprobs"}, "include[]"),
        ({"model": "gpt-4o-transcribe", "include[]": "tokens"}, "include[]"),
        ({"model": "whisper-1", "timestamp_granularities[]": "word"}, "timestamp_granularities[]"),
        (
            {"model": "whisper-1", "response_format": "verbose_json", "timestamp_granularities[]": "char"},
            "timestamp_granularities[]",
        ),
        ({"model": "whisper-1", "temperature": "1.5"}, "temperature"),
        ({"model": "whisper-1", "temperature": "warm"}, "temperature"),
        ({"model": "gpt-4o-transcribe", "stream": "None"}, "stream"),
        ({"model": "gpt-4o-transcribe", "stream": "yes"}, "stream"),
        ({"model": "gpt-4o-transcribe", "chunking_strategy": "manual"}, "chunking_strategy"),
        ({"model": "gpt-4o-transcribe", "chunking_strategy[type]": "client_vad"}, "chunking_strategy[type]"),
        ({"model": "gpt-4o-transcribe", "chunking_strategy[threshold]": "0.5"}, "chunking_strategy[type]"),
        (
            {
                "model": "gpt-4o-transcribe",
                "chunking_strategy[type]": "server_vad",
                "chunking_strategy[x]": "1",
            },
            "chunking_strategy[x]",
        ),
        ({"model": "gpt-4o-transcribe", "languages[]": "en"}, "languages[]"),
        ({"model": "whisper-1", "verbose": "true"}, "verbose"),
        (
            {
                "model": "gpt-4o-transcribe-diarize",
                "known_speaker_names[]": "a",
                "known_speaker_references[]": "http://x",
            },
            "known_speaker_references[]",
        ),
    ],
)
def test_validation_errors(client: httpx.Client, wav: bytes, data: dict[str, str], param: str) -> None:
    assert_error(_post(client, wav, data), 400, param)


def test_unknown_field_message(client: httpx.Client, wav: bytes) -> None:
    response = _post(client, wav, {"model": "whisper-1", "beam_size": "5"})
    assert response.json()["error"]["message"] == "Unrecognized request argument supplied: beam_size"


def test_missing_file(client: httpx.Client) -> None:
    response = client.post("/audio/transcriptions", files={"model": (None, "whisper-1")})
    assert_error(response, 400, "file")


def test_multipart_required(client: httpx.Client) -> None:
    assert_error(client.post("/audio/transcriptions", json={"model": "whisper-1"}), 415)


@pytest.mark.parametrize("fmt", ["json", "text", "srt", "vtt", "verbose_json"])
def test_translation_formats(client: httpx.Client, wav: bytes, fmt: str) -> None:
    response = _post(client, wav, {"model": "whisper-1", "response_format": fmt}, endpoint="translations")
    assert response.status_code == 200
    if fmt == "json":
        conform("CreateTranslationResponseJson", response.json())
        assert response.json()["text"] == TEXT
    elif fmt == "verbose_json":
        body = response.json()
        conform("CreateTranslationResponseVerboseJson", body)
        assert body["language"] == "english"
    else:
        assert TEXT.split()[0] in response.text


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({"model": "gpt-4o-transcribe"}, "model"),
        ({"model": "nope"}, "model"),
        ({"model": "whisper-1", "response_format": "diarized_json"}, "response_format"),
        ({"model": "whisper-1", "language": "de"}, "language"),
        ({"model": "whisper-1", "include[]": "logprobs"}, "include[]"),
    ],
)
def test_translation_validation(client: httpx.Client, wav: bytes, data: dict[str, str], param: str) -> None:
    assert_error(_post(client, wav, data, endpoint="translations"), 400, param)


def test_request_log_records_upload_hash(server: AudioServer, client: httpx.Client, wav: bytes) -> None:
    server.clear_requests()
    _post(
        client,
        wav,
        [
            ("model", "whisper-1"),
            ("language", "en"),
            ("timestamp_granularities[]", "word"),
            ("response_format", "verbose_json"),
        ],
    )
    (record,) = server.requests
    assert record.method == "POST"
    assert record.path == "/v1/audio/transcriptions"
    assert record.status == 200
    assert record.form == {
        "model": ["whisper-1"],
        "language": ["en"],
        "timestamp_granularities[]": ["word"],
        "response_format": ["verbose_json"],
    }
    (upload,) = record.uploads
    assert upload.field == "file"
    assert upload.filename == "speech.wav"
    assert upload.content_type == "audio/wav"
    assert upload.size == len(wav)
    assert upload.sha256 == hashlib.sha256(wav).hexdigest()
    assert "authorization" not in record.headers
    assert record.headers["content-type"].startswith("multipart/form-data")


def test_large_upload_is_hashed_from_disk(server: AudioServer, client: httpx.Client) -> None:
    blob = (
        b"RIFF" + bytes(4) + b"WAVE" + bytes(range(256)) * (12 * 4096)
    )  # ~12 MiB: beyond the in-memory spool
    response = _post(client, blob, {"model": "whisper-1"}, filename="big.wav")
    assert response.status_code == 200
    assert server.requests[-1].uploads[0].sha256 == hashlib.sha256(blob).hexdigest()
