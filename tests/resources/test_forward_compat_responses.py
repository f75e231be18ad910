"""Answers from an API newer than this client: unknown fields and enum values must not break it.

The local server only speaks today's API, so these answers come from httpx.MockTransport, through
the façade clients exactly as users call them (sync and async).
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from openai_audio import (
    AsyncAudioClient,
    AudioClient,
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
    Translation,
    TranslationVerbose,
)
from openai_audio._streaming import (
    SpeechAudioDeltaEvent,
    SpeechAudioDoneEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextSegmentEvent,
    UnknownEvent,
)
from openai_audio.types import TranscriptTextUsageDuration, TranscriptTextUsageTokens

from .conftest import make_wav

Body = dict[str, Any] | bytes
Routes = dict[tuple[str, str], Body]
FILE = ("speech.wav", make_wav(0.2))

TRANSCRIPTIONS = ("POST", "/v1/audio/transcriptions")
TRANSLATIONS = ("POST", "/v1/audio/translations")
SPEECH = ("POST", "/v1/audio/speech")
CONSENTS = "/v1/audio/voice_consents"

# A voice consent as a newer API might send it: an object name this client has never seen and
# fields it does not know.
CONSENT = {
    "object": "audio.voice_consent.v2",
    "id": "cons_1",
    "name": "Ada",
    "language": "en-US",
    "created_at": 1_700_000_000,
    "status": "verified",
    "expires_at": 1_800_000_000,
    "metadata": {"team": "audio"},
}
TOKENS = {"type": "tokens", "input_tokens": 3, "output_tokens": 2, "total_tokens": 5}


def sse(*events: dict[str, Any]) -> bytes:
    return b"".join(f"data: {json.dumps(event)}\n\n".encode() for event in events)


def _handler(routes: Routes) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        body = routes[(request.method, request.url.path)]
        if isinstance(body, bytes):
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)
        return httpx.Response(200, json=body, headers={"x-request-id": "req_future"})

    return handle


@pytest.fixture
def routes() -> Routes:
    return {}


@pytest.fixture
def client(routes: Routes) -> Iterator[AudioClient]:
    http = httpx.Client(transport=httpx.MockTransport(_handler(routes)))
    with http, AudioClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1", http_client=http) as c:
        yield c


@pytest.fixture
async def aclient(routes: Routes) -> AsyncIterator[AsyncAudioClient]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(_handler(routes)))
    async with (
        http,
        AsyncAudioClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1", http_client=http) as c,
    ):
        yield c


# -- transcriptions -----------------------------------------------------------------------------------


def test_json_transcription_with_new_fields_everywhere(client: AudioClient, routes: Routes) -> None:
    routes[TRANSCRIPTIONS] = {
        "text": "Hello.",
        "confidence": 0.97,
        "logprobs": [{"token": "Hello", "logprob": -0.1, "bytes": [72], "rank": 1}],
        "usage": {**TOKENS, "input_token_details": {"audio_tokens": 3, "video_tokens": 0}, "cost": 0.01},
    }
    result = client.transcriptions.create(FILE)
    assert isinstance(result, Transcription)
    assert result.text == "Hello."
    assert result["confidence"] == 0.97  # unknown fields are kept, not dropped
    assert isinstance(result.logprobs, list)
    assert result.logprobs[0].logprob == -0.1
    assert result.logprobs[0]["rank"] == 1
    assert isinstance(result.usage, TranscriptTextUsageTokens)
    assert result.usage.total_tokens == 5
    assert result.usage["cost"] == 0.01
    assert result.to_dict()["confidence"] == 0.97


def test_json_transcription_with_an_unknown_usage_type_value(client: AudioClient, routes: Routes) -> None:
    # Same fields, a new discriminator value: parsed by shape, the new value kept as sent.
    routes[TRANSCRIPTIONS] = {"text": "Hello.", "usage": {**TOKENS, "type": "tokens_v2"}}
    result = client.transcriptions.create(FILE)
    assert isinstance(result.usage, TranscriptTextUsageTokens)
    assert result.usage.type_ == "tokens_v2"
    assert result.usage.total_tokens == 5


def test_verbose_transcription_with_new_fields_and_values(client: AudioClient, routes: Routes) -> None:
    routes[TRANSCRIPTIONS] = {
        "task": "transcribe_v2",
        "language": "klingon",
        "duration": 1.5,
        "text": "Hello there.",
        "language_probability": 0.9,
        "words": [{"word": "Hello", "start": 0.0, "end": 0.4, "probability": 0.99}],
        "segments": [
            {
                "id": 0,
                "seek": 0,
                "start": 0.0,
                "end": 1.5,
                "text": "Hello there.",
                "tokens": [1, 2],
                "temperature": 0.0,
                "avg_logprob": -0.2,
                "compression_ratio": 1.1,
                "no_speech_prob": 0.01,
                "speaker": "A",
            }
        ],
        "usage": {"type": "duration", "seconds": 2, "billed_seconds": 3},
    }
    result = client.transcriptions.create(FILE, model="whisper-1", response_format="verbose_json")
    assert isinstance(result, TranscriptionVerbose)
    assert (result.text, result.language, result.duration) == ("Hello there.", "klingon", 1.5)
    assert result["language_probability"] == 0.9
    assert isinstance(result.words, list)
    assert result.words[0]["probability"] == 0.99
    assert isinstance(result.segments, list)
    assert result.segments[0]["speaker"] == "A"
    assert isinstance(result.usage, TranscriptTextUsageDuration)
    assert result.usage.seconds == 2


def test_diarized_transcription_with_unknown_enum_values(client: AudioClient, routes: Routes) -> None:
    routes[TRANSCRIPTIONS] = {
        "task": "transcribe_v2",
        "duration": 1.0,
        "text": "Hi.",
        "speakers": ["A"],
        "segments": [
            {
                "type": "transcript.text.segment.v2",
                "id": "seg_0",
                "start": 0.0,
                "end": 1.0,
                "text": "Hi.",
                "speaker": "A",
                "confidence": 0.5,
            }
        ],
        "usage": {**TOKENS, "cached_tokens": 1},
    }
    result = client.transcriptions.create(
        FILE, model="gpt-4o-transcribe-diarize", response_format="diarized_json"
    )
    assert isinstance(result, TranscriptionDiarized)
    assert result.task == "transcribe_v2"
    assert result["speakers"] == ["A"]
    segment = result.segments[0]
    assert (segment.type_, segment.speaker, segment.text) == ("transcript.text.segment.v2", "A", "Hi.")
    assert segment["confidence"] == 0.5
    assert isinstance(result.usage, TranscriptTextUsageTokens)


def test_verbose_transcription_with_token_usage_keeps_the_transcript(
    client: AudioClient, routes: Routes
) -> None:
    routes[TRANSCRIPTIONS] = {
        "task": "transcribe",
        "language": "english",
        "duration": 1.0,
        "text": "Hi.",
        "usage": TOKENS,
    }
    result = client.transcriptions.create(FILE, model="whisper-1", response_format="verbose_json")
    assert result.text == "Hi."
    assert result["usage"] == TOKENS  # handed over raw: the spec gives verbose_json duration usage


# -- translations -------------------------------------------------------------------------------------


def test_translations_with_new_fields(client: AudioClient, routes: Routes) -> None:
    routes[TRANSLATIONS] = {"text": "Hello.", "source_language": "fr"}
    plain = client.translations.create(FILE)
    assert isinstance(plain, Translation)
    assert plain.text == "Hello."
    assert plain["source_language"] == "fr"
    routes[TRANSLATIONS] = {
        "task": "translate_v2",
        "language": "english",
        "duration": 1.0,
        "text": "Hello.",
        "segments": [],
        "source_language": "fr",
    }
    verbose = client.translations.create(FILE, response_format="verbose_json")
    assert isinstance(verbose, TranslationVerbose)
    assert (verbose.text, verbose.language) == ("Hello.", "english")
    assert verbose["source_language"] == "fr"


# -- voice consents and voices ----------------------------------------------------------------------------


def _known(consent: Any) -> tuple[Any, ...]:
    return (consent.object_, consent.id, consent.name, consent.language, consent.created_at)


EXPECTED = ("audio.voice_consent.v2", "cons_1", "Ada", "en-US", 1_700_000_000)


def test_voice_consent_calls_tolerate_extra_keys_and_new_object_names(
    client: AudioClient, routes: Routes
) -> None:
    routes[("POST", CONSENTS)] = CONSENT
    routes[("GET", f"{CONSENTS}/cons_1")] = CONSENT
    routes[("POST", f"{CONSENTS}/cons_1")] = {**CONSENT, "name": "Ada L."}
    routes[("DELETE", f"{CONSENTS}/cons_1")] = {
        "object": "audio.voice_consent.deleted.v2",
        "id": "cons_1",
        "deleted": True,
        "deleted_at": 1_700_000_100,
    }
    routes[("GET", CONSENTS)] = {
        "object": "list.v2",
        "data": [CONSENT],
        "first_id": "cons_1",
        "last_id": "cons_1",
        "has_more": False,
        "total_count": 1,
    }
    assert _known(client.voice_consents.create(name="Ada", recording=FILE, language="en-US")) == EXPECTED
    assert _known(client.voice_consents.retrieve("cons_1")) == EXPECTED
    assert client.voice_consents.update("cons_1", name="Ada L.").name == "Ada L."
    deleted = client.voice_consents.delete("cons_1")
    assert (deleted.id, deleted.deleted, deleted.object_) == (
        "cons_1",
        True,
        "audio.voice_consent.deleted.v2",
    )
    page = client.voice_consents.list()
    assert [_known(c) for c in page] == [EXPECTED]
    assert not page.has_next_page()
    assert [_known(c) for c in client.voice_consents.iter()] == [EXPECTED]
    # What the CLI prints with --json: the known fields, the new object name as sent.
    assert client.voice_consents.retrieve("cons_1").to_dict()["object"] == "audio.voice_consent.v2"


def test_voice_creation_tolerates_extra_keys_and_a_new_object_name(
    client: AudioClient, routes: Routes
) -> None:
    routes[("POST", "/v1/audio/voices")] = {
        "object": "audio.voice.v2",
        "id": "voice_1",
        "name": "Narrator",
        "created_at": 1_700_000_000,
        "status": "ready",
        "preview_url": "https://example.invalid/voice_1.mp3",
    }
    voice = client.voices.create(name="Narrator", audio_sample=FILE, consent="cons_1")
    assert (voice.object_, voice.id, voice.name, voice.created_at) == (
        "audio.voice.v2",
        "voice_1",
        "Narrator",
        1_700_000_000,
    )


# -- streamed events ----------------------------------------------------------------------------------


def test_known_transcript_events_with_new_fields(client: AudioClient, routes: Routes) -> None:
    routes[TRANSCRIPTIONS] = sse(
        {"type": "transcript.text.delta", "delta": "Hi", "confidence": 0.9, "logprobs": [
            {"token": "Hi", "logprob": -0.1, "bytes": [72, 105], "rank": 1}
        ]},
        {"type": "transcript.text.segment", "id": "s0", "start": 0, "end": 1, "text": "Hi", "speaker": "A",
         "confidence": 0.9},
        {"type": "transcript.text.done", "text": "Hi", "confidence": 0.9, "usage": {**TOKENS, "cost": 0.1},
         "languages": [{"code": "en", "probability": 0.98}]},
    )  # fmt: skip
    with client.transcriptions.stream(FILE) as events:
        received = list(events)
    delta, segment, done = received
    assert isinstance(delta, TranscriptTextDeltaEvent)
    assert delta.delta == "Hi"
    assert delta.logprobs is not None
    assert delta.logprobs[0]["rank"] == 1
    assert isinstance(segment, TranscriptTextSegmentEvent)
    assert segment.speaker == "A"
    assert isinstance(done, TranscriptTextDoneEvent)
    assert done.text == "Hi"
    assert done.usage is not None
    assert done.usage.total_tokens == 5
    assert done.languages is not None
    assert done.languages[0]["probability"] == 0.98


def test_unknown_transcript_event_types_pass_through_before_done(client: AudioClient, routes: Routes) -> None:
    future = {"type": "transcript.text.confidence", "value": 0.9}
    routes[TRANSCRIPTIONS] = sse(future, {"type": "transcript.text.done", "text": "Hi"})
    received = list(client.transcriptions.stream(FILE))
    assert received == [UnknownEvent(type="transcript.text.confidence", data=future), received[1]]
    assert isinstance(received[1], TranscriptTextDoneEvent)


@pytest.mark.parametrize(
    "usage", [{"type": "duration", "seconds": 2}, {"type": "minutes", "minutes": 1}], ids=["duration", "new"]
)
def test_done_event_with_another_usage_kind_keeps_the_transcript(
    client: AudioClient, routes: Routes, usage: dict[str, Any]
) -> None:
    routes[TRANSCRIPTIONS] = sse({"type": "transcript.text.done", "text": "Hi", "usage": usage})
    received = list(client.transcriptions.stream(FILE))
    done = received[-1]
    assert isinstance(done, TranscriptTextDoneEvent)
    assert done.text == "Hi"
    if usage["type"] == "duration":
        assert isinstance(done.usage, TranscriptTextUsageDuration) and done.usage.seconds == 2
    else:
        assert done.usage is None  # a kind newer than the client is dropped, not refused


def test_speech_events_with_new_fields_and_types(client: AudioClient, routes: Routes) -> None:
    audio = base64.b64encode(b"\x01\x02").decode()
    routes[SPEECH] = sse(
        {"type": "speech.audio.delta", "audio": audio, "sequence": 1},
        {"type": "speech.audio.transcript.delta", "delta": "Hi"},
        {"type": "speech.audio.done", "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3,
                                                "cost": 0.1}, "duration": 0.5},
    )  # fmt: skip
    with client.speech.stream_events("Hi.", voice="alloy") as events:
        received = list(events)
    delta, unknown, done = received
    assert isinstance(delta, SpeechAudioDeltaEvent)
    assert delta.audio_bytes == b"\x01\x02"
    assert unknown == UnknownEvent(type="speech.audio.transcript.delta", data={
        "type": "speech.audio.transcript.delta", "delta": "Hi"})  # fmt: skip
    assert isinstance(done, SpeechAudioDoneEvent)
    assert done.usage.total_tokens == 3
    assert done.usage["cost"] == 0.1


# -- the async client ------------------------------------------------------------------------------------


async def test_async_client_tolerates_the_same_answers(aclient: AsyncAudioClient, routes: Routes) -> None:
    routes[TRANSCRIPTIONS] = {"text": "Hello.", "confidence": 0.97, "usage": {**TOKENS, "type": "tokens_v2"}}
    result = await aclient.transcriptions.create(FILE)
    assert result.text == "Hello."
    assert result["confidence"] == 0.97
    routes[("GET", f"{CONSENTS}/cons_1")] = CONSENT
    assert _known(await aclient.voice_consents.retrieve("cons_1")) == EXPECTED
    routes[("GET", CONSENTS)] = {"object": "list.v2", "data": [CONSENT], "has_more": False, "next": None}
    assert [_known(c) async for c in aclient.voice_consents.iter()] == [EXPECTED]
    routes[TRANSCRIPTIONS] = sse(
        {"type": "transcript.text.delta", "delta": "Hi", "confidence": 0.9},
        {"type": "transcript.text.future"},
        {"type": "transcript.text.done", "text": "Hi", "confidence": 0.9},
    )
    async with aclient.transcriptions.stream(FILE) as events:
        kinds = [type(event).__name__ async for event in events]
    assert kinds == ["TranscriptTextDeltaEvent", "UnknownEvent", "TranscriptTextDoneEvent"]
