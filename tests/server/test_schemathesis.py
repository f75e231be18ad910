"""Property-based conformance (schemathesis, positive mode) of the JSON operations: consents and speech.

The multipart operations (transcriptions, translations, consent and voice creation) are covered by
hand-written tests: random bytes are not audio, so generated uploads would only ever test rejection.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from server_helpers import SPEC_PATH, conform, sse_events

from openai_audio._capabilities import BUILTIN_VOICES as VOICES
from openai_audio._capabilities import SPEECH_MODELS
from openai_audio.testing import AudioServer, _audio

SCHEMA = schemathesis.openapi.from_path(SPEC_PATH)
OPERATIONS = [
    ("/audio/voice_consents", "GET"),
    ("/audio/voice_consents/{consent_id}", "GET"),
    ("/audio/voice_consents/{consent_id}", "POST"),
    ("/audio/voice_consents/{consent_id}", "DELETE"),
]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_positive_conformance(server: AudioServer, path: str, method: str) -> None:
    # Some calls hit a real consent, the rest random ids (404s, which must still be well-formed).
    consent = server._state.store.create_consent("seed", "en-US", "0" * 64, 1)
    operation = SCHEMA[path][method]
    headers = {"Authorization": f"Bearer {server.api_key}"}
    extra: dict[str, Any] = {}
    if "{consent_id}" in path:
        extra["path_parameters"] = {"consent_id": consent.id}

    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(base_url=server.base_url, headers=headers, timeout=10)
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )

    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(**extra))
    def run_known(case: Any) -> None:
        response = case.call(base_url=server.base_url, headers=headers, timeout=10)
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )
        if method == "DELETE" and response.status_code == 200:
            server._state.store.create_consent("seed", "en-US", "0" * 64, 1)

    run()
    if extra:
        run_known()


_MAGIC = {"wav": b"RIFF", "flac": b"fLaC", "opus": b"OggS"}


def _check_speech(case: Any, response: Any) -> None:
    """What the generic checks cannot say about createSpeech (see the test for why)."""
    body = case.body
    ctype = response.headers.get("content-type", [""])[0].split(";")[0]
    if response.status_code != 200:
        assert response.status_code == 400, response.text
        assert ctype == "application/json"
        conform("ErrorResponse", response.json())
        return
    fmt = body.get("response_format", "mp3")
    if body.get("stream_format") == "sse":
        assert ctype == "text/event-stream"
        events = sse_events(response.text)
        for event in events:
            conform("CreateSpeechResponseStreamEvent", event)
        assert [e["type"] for e in events][-1] == "speech.audio.done"
        audio = b"".join(base64.b64decode(e["audio"]) for e in events[:-1])
    else:
        assert ctype == _audio.CONTENT_TYPES[fmt]
        audio = response.content
    assert audio, "a 200 carries audio"
    if fmt in _MAGIC:
        assert audio.startswith(_MAGIC[fmt])


def test_create_speech_positive_conformance(server: AudioServer) -> None:
    # createSpeech runs with its own checks, because two generic ones cannot apply to it:
    # - content_type_conformance: the spec documents the audio as application/octet-stream, but
    #   OpenAI (and this server) label it by format (audio/mpeg, audio/wav, ...); _check_speech
    #   asserts the exact type per response_format instead.
    # - response_schema_conformance on SSE: schemathesis reads a text/event-stream `schema` the
    #   OpenAPI 3.2 way, as the schema of the whole event ({"data": ..., "event": "message"}), while
    #   OpenAI's 3.1 document means the JSON in `data`; every event would fail. _check_speech
    #   validates the data payloads against CreateSpeechResponseStreamEvent itself.
    # Left to the generator, `model` (any string is schema-valid) and `voice` would almost always be
    # unknown, so only 400s would be tested: they are drawn from the real models and voices, and a
    # custom voice object names a real voice. Everything else (input, instructions, formats, speed)
    # is as generated, so 400s remain (empty input, instructions or SSE with tts-1, aac, ...).
    consent = server._state.store.create_consent("seed", "en-US", "0" * 64, 1)
    custom = server._state.store.create_voice("seeded", consent.id, "0" * 64)
    operation = SCHEMA["/audio/speech"]["POST"]
    headers = {"Authorization": f"Bearer {server.api_key}"}

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        case=operation.as_strategy(),
        model=st.sampled_from(sorted(SPEECH_MODELS)),
        voice=st.sampled_from(sorted(VOICES)),
    )
    def run(case: Any, model: str, voice: str) -> None:
        case.body["model"] = model
        case.body["voice"] = voice if isinstance(case.body["voice"], str) else {"id": custom.id}
        response = case.call(base_url=server.base_url, headers=headers, timeout=30)
        case.validate_response(response, checks=[not_a_server_error])
        _check_speech(case, response)

    run()
