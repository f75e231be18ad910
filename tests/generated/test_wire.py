"""What the generated functions put on the wire, captured by a real loopback HTTP server.

Each test pins one defect of the stock openapi-python-client output that scripts/templates fixes:
array fields, booleans, nulls, fixed boundaries, spec defaults sent as values, object fields in
multipart, text/plain answers, union order, closed enums, and path-parameter encoding.
"""

from __future__ import annotations

import io
from typing import Any, cast
from urllib.parse import unquote

import httpx
import pytest

from helpers import CannedResponse, Part, RecordingServer, boundary_of, parse_multipart
from openai_audio_api import AuthenticatedClient
from openai_audio_api.api.audio import (
    create_speech,
    create_transcription,
    create_translation,
    create_voice,
    delete_voice,
    delete_voice_consent,
    get_voice_consent,
    list_voice_consents,
    update_voice_consent,
)
from openai_audio_api.models import (
    CreateSpeechRequest,
    CreateTranscriptionRequest,
    CreateTranscriptionResponseDiarizedJson,
    CreateTranscriptionResponseJson,
    CreateTranscriptionResponseVerboseJson,
    CreateTranslationRequest,
    CreateVoiceRequest,
    CreateVoiceRequestType,
    TranscriptionInclude,
    UpdateVoiceConsentRequest,
    VadConfig,
    VoiceConsentListResource,
    VoiceConsentResource,
    VoiceDeleted,
    VoiceResource,
)
from openai_audio_api.models.voice_consent_resource_object import VOICE_CONSENT_RESOURCE_OBJECT_VALUES
from openai_audio_api.types import UNSET, File

AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt \x00\xff\r\n--not-a-boundary\r\n"  # awkward bytes on purpose
CONSENT = {
    "object": "audio.voice_consent",
    "id": "cons_1",
    "name": "Ada",
    "language": "en-US",
    "created_at": 1,
}


def audio_file() -> File:
    return File(payload=io.BytesIO(AUDIO), file_name="clip.wav", mime_type="audio/wav")


def transcribe(server: RecordingServer, client: AuthenticatedClient, **fields: Any) -> list[Part]:
    """Send a transcription with ``fields`` set and return the multipart parts that arrived."""
    server.response = CannedResponse.json({"text": "ok"})
    body = CreateTranscriptionRequest(file=audio_file(), model="whisper-1", **fields)
    response = create_transcription.sync_detailed(client=client, body=body)
    assert response.status_code == 200
    return received_parts(server)


def received_parts(server: RecordingServer) -> list[Part]:
    request = server.last
    content_type = request.header("Content-Type")
    assert content_type is not None
    assert content_type.startswith("multipart/form-data; boundary=")
    return parse_multipart(content_type, request.body)


def named(parts: list[Part], prefix: str) -> list[tuple[str, str]]:
    return [(p.name, p.text) for p in parts if p.name == prefix or p.name.startswith(prefix + "[")]


# Request encoding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("include", ["logprobs", "logprobs"]),
        ("timestamp_granularities", ["word", "segment"]),
        ("known_speaker_names", ["customer", "agent", "Zoë"]),
        ("known_speaker_references", ["data:audio/wav;base64,AAA=", "data:audio/wav;base64,BBB="]),
        ("languages", ["fr", "en", "de"]),
        ("keywords", ["zebra", "apple", "a, b"]),
    ],
)
def test_array_field_is_one_bracketed_part_per_element_in_order(
    recording_server: RecordingServer, client: AuthenticatedClient, field: str, values: list[str]
) -> None:
    # OpenAI's form parser keeps only the last of repeated bare `name` parts; `name[]` is an array.
    parts = transcribe(recording_server, client, **{field: values})
    assert named(parts, field) == [(f"{field}[]", v) for v in values]
    assert all(p.filename is None for p in parts if p.name == f"{field}[]")


def test_single_element_array_is_still_bracketed(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    parts = transcribe(recording_server, client, include=["logprobs"])
    assert named(parts, "include") == [("include[]", "logprobs")]


def test_empty_array_sends_no_part(recording_server: RecordingServer, client: AuthenticatedClient) -> None:
    parts = transcribe(recording_server, client, keywords=[])
    assert named(parts, "keywords") == []


@pytest.mark.parametrize(("value", "wire"), [(True, "true"), (False, "false")])
def test_boolean_is_lowercase_text(
    recording_server: RecordingServer, client: AuthenticatedClient, value: bool, wire: str
) -> None:
    parts = transcribe(recording_server, client, stream=value)
    assert named(parts, "stream") == [("stream", wire)]


def test_null_stream_sends_nothing(recording_server: RecordingServer, client: AuthenticatedClient) -> None:
    parts = transcribe(recording_server, client, stream=None, chunking_strategy=None)
    assert [p.name for p in parts] == ["file", "model"]
    assert b"None" not in recording_server.last.body


def test_boundary_is_random_per_request(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    transcribe(recording_server, client)
    transcribe(recording_server, client)
    first, second = (boundary_of(r.header("Content-Type") or "") for r in recording_server.requests)
    assert first != second
    for request, boundary in zip(recording_server.requests, (first, second), strict=True):
        assert "+++" not in boundary  # the stock template's fixed boundary
        assert request.body.startswith(b"--" + boundary.encode() + b"\r\n")
        assert request.body.count(boundary.encode()) == 3  # opening, between file and model, closing


def test_file_part_keeps_name_type_and_bytes(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    parts = transcribe(recording_server, client)
    assert parts[0] == Part("file", "clip.wav", "audio/wav", AUDIO)
    assert parts[1] == Part("model", None, "text/plain", b"whisper-1")


def test_unset_transcription_fields_are_not_sent(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    # The stock generator sent spec defaults (temperature=0.0, response_format=json) as if the
    # caller had chosen them; the server must apply its own.
    assert [p.name for p in transcribe(recording_server, client)] == ["file", "model"]


def test_set_scalars_are_sent_as_given(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    parts = transcribe(recording_server, client, temperature=0.0, response_format="json", language="en")
    assert {p.name: p.text for p in parts[2:]} == {
        "language": "en",
        "response_format": "json",
        "temperature": "0.0",
    }


def test_unset_translation_fields_are_not_sent(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json({"text": "ok"})
    create_translation.sync_detailed(
        client=client, body=CreateTranslationRequest(file=audio_file(), model="whisper-1")
    )
    assert [p.name for p in received_parts(recording_server)] == ["file", "model"]


def test_unset_speech_fields_are_not_sent(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse(200, b"ID3audio", {"Content-Type": "audio/mpeg"})
    body = CreateSpeechRequest(model="tts-1", input_="Hi", voice="alloy")
    response = create_speech.sync_detailed(client=client, body=body)
    request = recording_server.last
    assert (request.method, request.path) == ("POST", "/v1/audio/speech")
    assert request.header("Content-Type") == "application/json"
    assert request.json() == {
        "model": "tts-1",
        "input": "Hi",
        "voice": "alloy",
    }  # no speed/response_format/...
    assert response.content == b"ID3audio"


def test_set_speech_fields_are_sent(recording_server: RecordingServer, client: AuthenticatedClient) -> None:
    recording_server.response = CannedResponse(200, b"audio", {"Content-Type": "audio/wav"})
    body = CreateSpeechRequest(model="tts-1", input_="Hi", voice="alloy", speed=1.0, response_format="wav")
    create_speech.sync_detailed(client=client, body=body)
    assert recording_server.last.json() == {
        "model": "tts-1",
        "input": "Hi",
        "voice": "alloy",
        "speed": 1.0,
        "response_format": "wav",
    }


def test_unset_list_parameters_are_not_sent(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json({"object": "list", "data": [CONSENT], "has_more": False})
    parsed = list_voice_consents.sync_detailed(client=client).parsed
    assert recording_server.last.target == "/v1/audio/voice_consents"  # not even a bare "?"
    assert isinstance(parsed, VoiceConsentListResource)
    list_voice_consents.sync_detailed(client=client, limit=5)
    assert recording_server.last.query == {"limit": ["5"]}


def test_bearer_token_is_sent(recording_server: RecordingServer, client: AuthenticatedClient) -> None:
    transcribe(recording_server, client)
    assert recording_server.last.header("Authorization") == "Bearer sk-test"


def test_chunking_strategy_auto_is_a_plain_text_part(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    parts = transcribe(recording_server, client, chunking_strategy="auto")
    assert [(p.name, p.filename, p.content_type, p.text) for p in parts if p.name.startswith("chunking")] == [
        ("chunking_strategy", None, "text/plain", "auto")
    ]


def test_vad_config_is_bracketed_fields_only(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    # The stock generator sent the object's repr or a JSON blob under one name; OpenAI reads
    # `chunking_strategy[field]` parts, and defaults of unset fields must not be injected.
    parts = transcribe(
        recording_server, client, chunking_strategy=VadConfig(type_="server_vad", threshold=0.4)
    )
    assert sorted(named(parts, "chunking_strategy")) == [
        ("chunking_strategy[threshold]", "0.4"),
        ("chunking_strategy[type]", "server_vad"),
    ]
    assert [p.name for p in parts] == [
        "file",
        "model",
        "chunking_strategy[type]",
        "chunking_strategy[threshold]",
    ]


# Response parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain; charset=utf-8", "Text/Plain;charset=UTF-8"]
)
def test_text_plain_transcription_is_returned_as_str(
    recording_server: RecordingServer, client: AuthenticatedClient, content_type: str
) -> None:
    srt = "1\n00:00:00,000 --> 00:00:01,000\nHello {not json}\n"
    recording_server.response = CannedResponse.text(srt, content_type)
    body = CreateTranscriptionRequest(file=audio_file(), model="whisper-1", response_format="srt")
    parsed = create_transcription.sync_detailed(client=client, body=body).parsed
    assert parsed == srt


def test_text_plain_translation_is_returned_as_str(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.text("Hello.\n")
    body = CreateTranslationRequest(file=audio_file(), model="whisper-1", response_format="text")
    assert create_translation.sync_detailed(client=client, body=body).parsed == "Hello.\n"


WHISPER_SEGMENT = {
    "id": 0,
    "seek": 0,
    "start": 0.0,
    "end": 1.2,
    "text": "Hello.",
    "tokens": [50364, 2425],
    "temperature": 0.0,
    "avg_logprob": -0.2,
    "compression_ratio": 0.8,
    "no_speech_prob": 0.01,
}
VERBOSE = {
    "task": "transcribe",  # the real API sends it although the spec's verbose schema omits it
    "language": "english",
    "duration": 1.2,
    "text": "Hello.",
    "words": [{"word": "Hello", "start": 0.0, "end": 0.5}],
    "segments": [WHISPER_SEGMENT],
    "usage": {"type": "duration", "seconds": 2},
}
DIARIZED_SEGMENT = {
    "type": "transcript.text.segment",
    "id": "seg_0",
    "start": 0.0,
    "end": 0.6,
    "text": "Hello.",
    "speaker": "A",
}
DIARIZED = {
    "task": "transcribe",
    "duration": 1.2,
    "text": "Hello. Hi.",
    "segments": [
        DIARIZED_SEGMENT,
        {**DIARIZED_SEGMENT, "id": "seg_1", "start": 0.6, "end": 1.2, "speaker": "B"},
    ],
    "usage": {"type": "tokens", "input_tokens": 10, "output_tokens": 4, "total_tokens": 14},
}


def parse_transcription(body: dict[str, Any]) -> object:
    response = httpx.Response(200, json=body)
    client = AuthenticatedClient(base_url="http://unused.invalid", token="sk-test")
    return create_transcription._parse_response(client=client, response=response)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (VERBOSE, CreateTranscriptionResponseVerboseJson),
        (
            {k: v for k, v in VERBOSE.items() if k not in ("task", "words", "segments")},
            CreateTranscriptionResponseVerboseJson,
        ),
        (DIARIZED, CreateTranscriptionResponseDiarizedJson),
        ({"text": "Hello."}, CreateTranscriptionResponseJson),
        (
            {"text": "Hi", "logprobs": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105]}]},
            CreateTranscriptionResponseJson,
        ),
    ],
    ids=["verbose", "verbose-minimal", "diarized", "json", "json-logprobs"],
)
def test_transcription_union_picks_most_specific_model(body: dict[str, Any], expected: type) -> None:
    # Verbose and diarized bodies also satisfy the plain model (only `text` is required), so the
    # stock first-member-wins order returned CreateTranscriptionResponseJson and dropped the rest.
    assert type(parse_transcription(body)) is expected


def test_verbose_body_parses_over_the_wire(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json(VERBOSE)
    body = CreateTranscriptionRequest(file=audio_file(), model="whisper-1", response_format="verbose_json")
    parsed = create_transcription.sync_detailed(client=client, body=body).parsed
    assert isinstance(parsed, CreateTranscriptionResponseVerboseJson)
    assert (parsed.language, parsed.duration) == ("english", 1.2)


def test_verbose_body_with_empty_segments_is_verbose() -> None:
    # It satisfies the diarized model's required fields too; the member that explains
    # every key (language, words) wins.
    assert type(parse_transcription(VERBOSE | {"segments": []})) is CreateTranscriptionResponseVerboseJson
    with_task = VERBOSE | {"segments": [], "task": "transcribe"}
    assert type(parse_transcription(with_task)) is CreateTranscriptionResponseVerboseJson


def test_newer_fields_pick_the_closest_member() -> None:
    # Every member leaves keys unexplained: the one leaving the fewest wins.
    newer = VERBOSE | {"task": "transcribe", "segments": [], "confidence": 0.9}
    parsed = parse_transcription(newer)
    assert type(parsed) is CreateTranscriptionResponseVerboseJson
    assert parsed.additional_properties == {"confidence": 0.9}


def test_no_matching_member_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="no member"):
        parse_transcription({"unexpected": True})


def test_unknown_enum_values_in_responses_parse(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    # Closed stock enums raised ValueError on any value newer than this spec.
    recording_server.response = CannedResponse.json(CONSENT | {"object": "audio.voice_consent.v2"})
    consent = get_voice_consent.sync_detailed("cons_1", client=client).parsed
    assert isinstance(consent, VoiceConsentResource)
    # The Literal type cannot express the new value; the *_VALUES set is how callers detect it.
    assert str(consent.object_) == "audio.voice_consent.v2"
    assert consent.object_ not in VOICE_CONSENT_RESOURCE_OBJECT_VALUES

    voice = VoiceResource.from_dict(
        {"object": "audio.voice.v2", "id": "voice_1", "name": "n", "created_at": 1}
    )
    assert str(voice.object_) == "audio.voice.v2"

    segment = {**DIARIZED_SEGMENT, "type": "transcript.text.segment.v2"}
    parsed = parse_transcription(DIARIZED | {"segments": [segment]})
    assert isinstance(parsed, CreateTranscriptionResponseDiarizedJson)
    assert str(parsed.segments[0].type_) == "transcript.text.segment.v2"


def test_unknown_voice_name_round_trips() -> None:
    request = CreateSpeechRequest.from_dict({"model": "gpt-5-tts", "input": "Hi", "voice": "aurora"})
    assert (request.voice, request.model) == ("aurora", "gpt-5-tts")
    assert request.to_dict()["voice"] == "aurora"
    include = cast(TranscriptionInclude, "entities")  # a request value this spec does not list yet
    assert CreateTranscriptionRequest(file=audio_file(), model="m", include=[include]).to_dict()[
        "include"
    ] == ["entities"]


# Voices: both create modes and deletion (additions ahead of the upstream document) ------------------

VOICE = {"object": "audio.voice", "id": "voice_1", "name": "Ada", "created_at": 1}


def test_create_voice_audio_sample_mode_sends_exactly_its_fields(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json(VOICE | {"type": "audio_sample"})
    body = CreateVoiceRequest(name="Ada", audio_sample=audio_file(), consent="cons_1")
    voice = create_voice.sync_detailed(client=client, body=body).parsed
    parts = received_parts(recording_server)
    # No `type`: the API defaults to the audio-sample mode, as the SDK relies on.
    assert [(p.name, p.filename) for p in parts] == [
        ("name", None),
        ("audio_sample", "clip.wav"),
        ("consent", None),
    ]
    assert parts[1].data == AUDIO
    assert isinstance(voice, VoiceResource)
    assert (voice.type_, voice.prompt) == ("audio_sample", UNSET)


def test_create_voice_prompt_mode_sends_text_fields_only(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json(VOICE | {"type": "prompt", "prompt": "A calm, low voice"})
    mode: CreateVoiceRequestType = "prompt"
    body = CreateVoiceRequest(
        name="Ada", type_=mode, prompt="A calm, low voice", model="2026-10-08", script_hint="Hello there."
    )
    voice = create_voice.sync_detailed(client=client, body=body).parsed
    assert recording_server.last.target == "/v1/audio/voices"
    parts = received_parts(recording_server)
    assert [(p.name, p.text, p.filename) for p in parts] == [
        ("name", "Ada", None),
        ("type", "prompt", None),
        ("prompt", "A calm, low voice", None),
        ("model", "2026-10-08", None),
        ("script_hint", "Hello there.", None),
    ]
    assert isinstance(voice, VoiceResource)
    assert (voice.type_, voice.prompt) == ("prompt", "A calm, low voice")


def test_voice_without_type_still_parses() -> None:
    # Servers that predate the two modes answer without `type`.
    voice = VoiceResource.from_dict(VOICE)
    assert (voice.id, voice.type_, voice.prompt) == ("voice_1", UNSET, UNSET)


def test_delete_voice_is_a_delete_of_one_path_segment(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json(
        {"id": "voice/1", "deleted": True, "object": "audio.voice.deleted"}
    )
    deleted = delete_voice.sync_detailed("voice/1", client=client).parsed
    request = recording_server.last
    assert (request.method, request.target) == ("DELETE", "/v1/audio/voices/voice%2F1")
    assert request.body == b""
    assert isinstance(deleted, VoiceDeleted)
    assert (deleted.id, deleted.deleted, deleted.object_) == ("voice/1", True, "audio.voice.deleted")


# Path parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent_id", "segment"),
    [
        ("cons_1", "cons_1"),
        ("a/b", "a%2Fb"),
        ("a/../b", "a%2F..%2Fb"),
        ("../../v1/audio/voices", "..%2F..%2Fv1%2Faudio%2Fvoices"),
        ("..", "%2E%2E"),  # quote() keeps dots; a bare ".." would be resolved away by httpx
        (".", "%2E"),
        ("a b?c#d%", "a%20b%3Fc%23d%25"),
    ],
)
@pytest.mark.parametrize(
    "module", [get_voice_consent, delete_voice_consent, update_voice_consent], ids=["get", "delete", "update"]
)
def test_consent_id_is_exactly_one_path_segment(
    recording_server: RecordingServer, client: AuthenticatedClient, module: Any, consent_id: str, segment: str
) -> None:
    kwargs: dict[str, Any] = (
        {"body": UpdateVoiceConsentRequest(name="x")} if module is update_voice_consent else {}
    )
    assert module._get_kwargs(consent_id, **kwargs)["url"] == f"/audio/voice_consents/{segment}"

    recording_server.response = CannedResponse.json(CONSENT | {"deleted": True})
    module.sync_detailed(consent_id, client=client, **kwargs)
    target = recording_server.last.target
    assert target == f"/v1/audio/voice_consents/{segment}"
    assert unquote(target.rsplit("/", 1)[1]) == consent_id


# Fields newer than the spec ------------------------------------------------------------------------
# The request models are closed by the spec (additionalProperties: false), but the live API runs
# ahead of it; `additional_properties` is the raw client's route for the newer fields.


def test_multipart_request_sends_fields_newer_than_the_spec(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json({"text": "ok"})
    body = CreateTranscriptionRequest(file=audio_file(), model="whisper-1", prompt="declared")
    body["future_flag"] = True
    body["future_list"] = ["a", "b"]
    body["future_object"] = {"type": "server_vad", "threshold": 0.5}
    body["future_text"] = "x"
    body["prompt"] = "replaced"  # a same-named extra wins, like the SDK's extra_body
    body["nothing"] = None
    create_transcription.sync_detailed(client=client, body=body)
    parts = received_parts(recording_server)
    sent = [(p.name, p.text) for p in parts if p.name != "file"]
    assert sent == [
        ("model", "whisper-1"),
        ("future_flag", "true"),
        ("future_list[]", "a"),
        ("future_list[]", "b"),
        ("future_object[type]", "server_vad"),
        ("future_object[threshold]", "0.5"),
        ("future_text", "x"),
        ("prompt", "replaced"),
    ]


def test_multipart_extra_file_field_is_a_file_part(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse.json({"text": "ok"})
    body = CreateTranslationRequest(file=audio_file(), model="whisper-1")
    body["reference"] = File(payload=io.BytesIO(b"REF"), file_name="ref.wav", mime_type="audio/wav")
    create_translation.sync_detailed(client=client, body=body)
    (part,) = [p for p in received_parts(recording_server) if p.name == "reference"]
    assert (part.filename, part.content_type, part.data) == ("ref.wav", "audio/wav", b"REF")


def test_json_request_sends_fields_newer_than_the_spec_as_top_level_keys(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    recording_server.response = CannedResponse(200, b"RIFF", {"Content-Type": "audio/wav"})
    body = CreateSpeechRequest(model="gpt-4o-mini-tts", input_="Hi", voice="alloy")
    body.additional_properties.update({"future_option": {"a": [1, 2]}, "voice": "ash"})
    create_speech.sync_detailed(client=client, body=body)
    sent = recording_server.last.json()
    assert sent == {"model": "gpt-4o-mini-tts", "input": "Hi", "voice": "ash", "future_option": {"a": [1, 2]}}


def test_unsendable_extra_value_is_a_type_error_before_sending(
    recording_server: RecordingServer, client: AuthenticatedClient
) -> None:
    body = CreateTranscriptionRequest(file=audio_file(), model="whisper-1")
    body["bad"] = object()
    with pytest.raises(TypeError, match="bad"):
        create_transcription.sync_detailed(client=client, body=body)
    assert recording_server.requests == []
