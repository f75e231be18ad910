"""Forward compatibility of the CURRENT generated code and façade: responses from an API that is
ahead of openapi.yaml (the additive changes of test_update_spec.py) must still parse, before
anyone regenerates."""

from __future__ import annotations

import io
import json
import wave

import httpx

from openai_audio import AudioClient
from openai_audio._streaming import TRANSCRIPTION_EVENTS, TranscriptTextDoneEvent, UnknownEvent, iter_events
from openai_audio_api.models import (
    CreateSpeechRequest,
    CreateTranscriptionRequest,
    VoiceConsentListResource,
    VoiceConsentResource,
)
from openai_audio_api.models.builtin_voice import BUILTIN_VOICE_VALUES, check_builtin_voice

CONSENT = {
    "object": "audio.voice_consent",
    "id": "cons_1",
    "name": "Ada",
    "language": "en-US",
    "created_at": 1_700_000_000,
}
FOO = {"type": "transcript.text.foo", "foo": "bar"}
DONE = {"type": "transcript.text.done", "text": "hello"}


def _sse(*events: dict[str, object]) -> bytes:
    return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events)


def test_new_response_field_is_ignored() -> None:
    consent = VoiceConsentResource.from_dict({**CONSENT, "status": "ok"})
    assert (consent.id, consent.created_at) == ("cons_1", 1_700_000_000)
    listing = VoiceConsentListResource.from_dict(
        {"object": "list", "data": [{**CONSENT, "status": "ok"}], "has_more": False}
    )
    assert listing.data[0].name == "Ada"


def test_unknown_enum_values_pass_through() -> None:
    assert "juniper" not in BUILTIN_VOICE_VALUES
    assert check_builtin_voice("juniper") == "juniper"
    request = CreateSpeechRequest.from_dict({"model": "tts-2", "input": "hi", "voice": "juniper"})
    assert (request.model, request.voice) == ("tts-2", "juniper")
    assert request.to_dict()["voice"] == "juniper"
    transcription = CreateTranscriptionRequest.from_dict({"file": b"x", "model": "gpt-5-transcribe"})
    assert transcription.model == "gpt-5-transcribe"


def test_new_event_type_is_an_unknown_event() -> None:
    response = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_sse(FOO, DONE))
    events = list(iter_events(response, TRANSCRIPTION_EVENTS))
    assert events[0] == UnknownEvent(type="transcript.text.foo", data=FOO)
    assert isinstance(events[1], TranscriptTextDoneEvent)
    assert events[1].text == "hello"


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(b"\0\0" * 1600)
    return buffer.getvalue()


def test_new_event_type_through_the_client() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/audio/transcriptions"
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_sse(FOO, DONE))

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with AudioClient(api_key="sk-test", base_url="http://127.0.0.1/v1", http_client=http) as client:
        with client.transcriptions.stream(("a.wav", _wav()), model="gpt-4o-transcribe") as events:
            received = list(events)
    assert [type(e).__name__ for e in received] == ["UnknownEvent", "TranscriptTextDoneEvent"]
    assert received[0] == UnknownEvent(type="transcript.text.foo", data=FOO)
