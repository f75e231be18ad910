"""The generated client against Prism: every operation round-trips, and Prism (driven by openapi.yaml)
rejects what the spec forbids, so the spec's constraints really are in force for the other tests."""

from __future__ import annotations

import io
import json
import wave
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from helpers import SPEC
from openai_audio_api import AuthenticatedClient
from openai_audio_api.api.audio import (
    create_speech,
    create_transcription,
    create_translation,
    create_voice,
    create_voice_consent,
    delete_voice,
    delete_voice_consent,
    get_voice_consent,
    list_voice_consents,
    update_voice_consent,
)
from openai_audio_api.models import (
    CreateSpeechRequest,
    CreateTranscriptionRequest,
    CreateTranscriptionResponseJson,
    CreateTranscriptionResponseVerboseJson,
    CreateTranslationRequest,
    CreateTranslationResponseJson,
    CreateVoiceConsentRequest,
    CreateVoiceRequest,
    CustomVoice,
    UpdateVoiceConsentRequest,
    VadConfig,
    VoiceConsentDeletedResource,
    VoiceConsentListResource,
    VoiceConsentResource,
    VoiceDeleted,
    VoiceResource,
)
from openai_audio_api.types import File, Response

from .conftest import TOKEN

pytestmark = pytest.mark.prism

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _wav_bytes() -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 800)
    return buf.getvalue()


WAV = _wav_bytes()


def wav_file() -> File:
    # Always with a content type: Prism crashes on a file part without one.
    return File(payload=io.BytesIO(WAV), file_name="sample.wav", mime_type="audio/wav")


@dataclass(frozen=True)
class Operation:
    op_id: str
    module: ModuleType
    # A fresh (positional args, keyword args) per call: file payloads are consumed when sent.
    args: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]
    parsed_type: type

    def call(self, client: AuthenticatedClient) -> Response[Any]:
        args, kwargs = self.args()
        return self.module.sync_detailed(*args, client=client, **kwargs)  # type: ignore[no-any-return]

    def request_kwargs(self) -> dict[str, Any]:
        """The request the generated code builds, minus the client's auth header."""
        args, kwargs = self.args()
        return self.module._get_kwargs(*args, **kwargs)  # type: ignore[no-any-return]


OPERATIONS = [
    Operation(
        "createSpeech",
        create_speech,
        lambda: ((), {"body": CreateSpeechRequest(model="gpt-4o-mini-tts", input_="Hello.", voice="alloy")}),
        File,
    ),
    Operation(
        "createTranscription",
        create_transcription,
        lambda: ((), {"body": CreateTranscriptionRequest(file=wav_file(), model="whisper-1")}),
        CreateTranscriptionResponseJson,
    ),
    Operation(
        "createTranslation",
        create_translation,
        lambda: ((), {"body": CreateTranslationRequest(file=wav_file(), model="whisper-1")}),
        CreateTranslationResponseJson,
    ),
    Operation(
        "createVoiceConsent",
        create_voice_consent,
        lambda: ((), {"body": CreateVoiceConsentRequest(name="Ada", recording=wav_file(), language="en-US")}),
        VoiceConsentResource,
    ),
    Operation("listVoiceConsents", list_voice_consents, lambda: ((), {}), VoiceConsentListResource),
    Operation("getVoiceConsent", get_voice_consent, lambda: (("cons_1234",), {}), VoiceConsentResource),
    Operation(
        "updateVoiceConsent",
        update_voice_consent,
        lambda: (("cons_1234",), {"body": UpdateVoiceConsentRequest(name="Ada L.")}),
        VoiceConsentResource,
    ),
    Operation(
        "deleteVoiceConsent", delete_voice_consent, lambda: (("cons_1234",), {}), VoiceConsentDeletedResource
    ),
    Operation(
        "createVoice",
        create_voice,
        lambda: (
            (),
            {"body": CreateVoiceRequest(name="narrator", audio_sample=wav_file(), consent="cons_1234")},
        ),
        VoiceResource,
    ),
    Operation("deleteVoice", delete_voice, lambda: (("voice_1234",), {}), VoiceDeleted),
]


def _spec_operation_ids() -> set[str]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return {
        op["operationId"] for item in spec["paths"].values() for op in item.values() if "operationId" in op
    }


def test_every_spec_operation_is_exercised() -> None:
    assert {op.op_id for op in OPERATIONS} == _spec_operation_ids()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.op_id)
def test_operation_round_trips(api: AuthenticatedClient, operation: Operation) -> None:
    response = operation.call(api)
    assert 200 <= response.status_code < 300, response.content
    assert type(response.parsed) is operation.parsed_type, response.content


def test_speech_returns_the_audio_bytes(api: AuthenticatedClient) -> None:
    body = CreateSpeechRequest(model="tts-1", input_="Hi", voice="alloy")
    response = create_speech.sync_detailed(client=api, body=body)
    assert response.status_code == 200
    assert isinstance(response.parsed, File)
    assert isinstance(response.content, bytes)
    assert response.content
    assert response.parsed.payload.read() == response.content


def test_delete_reports_deleted(api: AuthenticatedClient) -> None:
    parsed = delete_voice_consent.sync_detailed("cons_1234", client=api).parsed
    assert isinstance(parsed, VoiceConsentDeletedResource)
    assert parsed.deleted is True


def test_voice_delete_reports_deleted(api: AuthenticatedClient) -> None:
    parsed = delete_voice.sync_detailed("voice_1234", client=api).parsed
    assert isinstance(parsed, VoiceDeleted)
    assert parsed.deleted is True
    assert parsed.object_ == "audio.voice.deleted"


def test_prompt_voice_with_every_option_is_valid(api: AuthenticatedClient) -> None:
    body = CreateVoiceRequest(
        name="narrator", type_="prompt", prompt="A calm voice.", model="auto", script_hint="Hello."
    )
    response = create_voice.sync_detailed(client=api, body=body)
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, VoiceResource)


def test_list_items_are_consent_models(api: AuthenticatedClient) -> None:
    parsed = list_voice_consents.sync_detailed(client=api, after="cons_1", limit=2).parsed
    assert isinstance(parsed, VoiceConsentListResource)
    assert all(isinstance(item, VoiceConsentResource) for item in parsed.data)


# Every optional field set: Prism validates each one the generated code encodes.


def test_speech_with_every_option_is_valid(api: AuthenticatedClient) -> None:
    body = CreateSpeechRequest(
        model="gpt-4o-mini-tts",
        input_="Hello.",
        voice=CustomVoice(id="voice_1234"),
        instructions="Calm.",
        response_format="wav",
        speed=4.0,
        stream_format="audio",
    )
    response = create_speech.sync_detailed(client=api, body=body)
    assert response.status_code == 200, response.content


def test_transcription_with_every_option_is_valid(api: AuthenticatedClient) -> None:
    body = CreateTranscriptionRequest(
        file=wav_file(),
        model="gpt-4o-transcribe",
        language="en",
        languages=["en", "fr"],
        keywords=["Prism"],
        prompt="A test.",
        response_format="verbose_json",
        temperature=0.2,
        include=["logprobs"],
        timestamp_granularities=["word", "segment"],
        stream=False,
        chunking_strategy=VadConfig(type_="server_vad", threshold=0.4, prefix_padding_ms=300),
        known_speaker_names=["agent"],
        known_speaker_references=["data:audio/wav;base64,UklGRg=="],
    )
    response = create_transcription.sync_detailed(client=api, body=body)
    assert response.status_code == 200, response.content
    # Prism answers its first example whatever the format; the union parser must still pick a model.
    assert isinstance(
        response.parsed, CreateTranscriptionResponseJson | CreateTranscriptionResponseVerboseJson
    )


def test_translation_with_every_option_is_valid(api: AuthenticatedClient) -> None:
    body = CreateTranslationRequest(
        file=wav_file(), model="whisper-1", prompt="A test.", response_format="json", temperature=0.0
    )
    response = create_translation.sync_detailed(client=api, body=body)
    assert response.status_code == 200, response.content


# Negative cases. Sent with a bare httpx client, because the generated models cannot express them.


def _validation(response: httpx.Response) -> str:
    """Prism's validation findings for a 422, as text to search."""
    assert response.status_code == 422, (response.status_code, response.text)
    findings = response.json().get("validation")
    assert findings, response.text
    return json.dumps(findings)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.op_id)
def test_missing_bearer_token_is_401(http: httpx.Client, operation: Operation) -> None:
    response = http.request(**operation.request_kwargs())
    assert response.status_code == 401, response.text


def test_wrong_auth_scheme_is_401(http: httpx.Client) -> None:
    response = http.get("/audio/voice_consents", headers={"Authorization": f"Basic {TOKEN}"})
    assert response.status_code == 401, response.text


def _part(value: str) -> tuple[None, bytes, str]:
    return (None, value.encode(), "text/plain")


def _audio_part() -> tuple[str, bytes, str]:
    return ("sample.wav", WAV, "audio/wav")


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/audio/speech", {"model": "tts-1", "voice": "alloy"}, "input"),
        ("/audio/speech", {"input": "Hi", "voice": "alloy"}, "model"),
        ("/audio/voice_consents/cons_1234", {}, "name"),
    ],
    ids=["speech-input", "speech-model", "update-name"],
)
def test_missing_required_json_field_is_422(
    http: httpx.Client, url: str, payload: dict[str, Any], field: str
) -> None:
    assert field in _validation(http.post(url, json=payload, headers=AUTH))


@pytest.mark.parametrize(
    ("url", "files", "field"),
    [
        ("/audio/transcriptions", [("model", _part("whisper-1"))], "file"),
        ("/audio/translations", [("file", _audio_part())], "model"),
        ("/audio/voice_consents", [("name", _part("Ada")), ("recording", _audio_part())], "language"),
        # Each mode's own fields are checked by the façade and the server: the spec has one flat
        # schema for both (scripts/spec_overrides.yaml says why); `name` is required in both.
        ("/audio/voices", [("audio_sample", _audio_part()), ("consent", _part("cons_1"))], "name"),
    ],
    ids=["transcription-file", "translation-model", "consent-language", "voice-name"],
)
def test_missing_required_multipart_field_is_422(
    http: httpx.Client, url: str, files: list[Any], field: str
) -> None:
    assert field in _validation(http.post(url, files=files, headers=AUTH))


SPEECH = {"model": "tts-1", "input": "Hi", "voice": "alloy"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"response_format": "mp4"}, "response_format"),
        ({"stream_format": "mp3"}, "stream_format"),
    ],
)
def test_speech_value_outside_enum_is_422(http: httpx.Client, extra: dict[str, Any], field: str) -> None:
    assert field in _validation(http.post("/audio/speech", json=SPEECH | extra, headers=AUTH))


@pytest.mark.parametrize(
    ("url", "value"),
    [("/audio/transcriptions", "mp4"), ("/audio/translations", "diarized_json")],
    ids=["transcription", "translation-has-no-diarized"],
)
def test_multipart_value_outside_enum_is_422(http: httpx.Client, url: str, value: str) -> None:
    files = [("file", _audio_part()), ("model", _part("whisper-1")), ("response_format", _part(value))]
    assert "response_format" in _validation(http.post(url, files=files, headers=AUTH))


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/audio/speech", SPEECH | {"colour": "blue"}, "colour"),
        ("/audio/speech", SPEECH | {"voice": {"id": "voice_1234", "accent": "scouse"}}, "voice"),
        ("/audio/voice_consents/cons_1234", {"name": "Ada", "language": "en-GB"}, "language"),
    ],
    ids=["speech", "custom-voice", "update-consent"],
)
def test_unknown_json_field_is_422(http: httpx.Client, url: str, payload: dict[str, Any], field: str) -> None:
    # additionalProperties: false in the spec. (Prism does not enforce it on multipart bodies.)
    assert field in _validation(http.post(url, json=payload, headers=AUTH))


@pytest.mark.parametrize("speed", [0.24, 4.01, -1])
def test_speed_out_of_range_is_422(http: httpx.Client, speed: float) -> None:
    assert "speed" in _validation(http.post("/audio/speech", json=SPEECH | {"speed": speed}, headers=AUTH))


@pytest.mark.parametrize("speed", [0.25, 4.0])
def test_speed_at_the_limits_is_accepted(http: httpx.Client, speed: float) -> None:
    response = http.post("/audio/speech", json=SPEECH | {"speed": speed}, headers=AUTH)
    assert response.status_code == 200, response.text


def test_non_numeric_multipart_scalar_is_422(http: httpx.Client) -> None:
    files = [("file", _audio_part()), ("model", _part("whisper-1")), ("temperature", _part("warm"))]
    assert "temperature" in _validation(http.post("/audio/transcriptions", files=files, headers=AUTH))


def test_non_integer_query_parameter_is_422(http: httpx.Client) -> None:
    response = http.get("/audio/voice_consents", params={"limit": "ten"}, headers=AUTH)
    assert "limit" in _validation(response)
