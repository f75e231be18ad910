"""The capability table: read from the spec's enumerations, and obeyed alike by the façade's
checks, the CLI and the local server (every model and format of the table, both ways)."""

from __future__ import annotations

from typing import get_args

import httpx
import pytest

from openai_audio import AudioClient, InvalidArgumentError
from openai_audio import _capabilities as caps
from openai_audio.cli import _app as cli_app
from openai_audio.testing import AudioServer
from openai_audio_api.models import (
    AudioResponseFormat,
    BuiltinVoice,
    SpeechModel,
    SpeechResponseFormat,
    TimestampGranularity,
    TranscriptionInclude,
    TranscriptionModel,
    TranslationModel,
    TranslationResponseFormat,
)

from .conftest import make_wav

WAV = make_wav(0.5)


def test_every_spec_model_has_its_facts_written_once() -> None:
    # A model the spec gains fails here until its row is added to _capabilities.
    assert set(caps.TRANSCRIPTION_MODELS) == set(get_args(TranscriptionModel))
    assert set(caps.TRANSLATION_MODELS) == set(get_args(TranslationModel))
    assert set(caps.SPEECH_MODELS) == set(get_args(SpeechModel))


def test_enumerations_come_from_the_generated_types() -> None:
    assert get_args(AudioResponseFormat) == caps.TRANSCRIPTION_FORMATS
    assert get_args(TranslationResponseFormat) == caps.TRANSLATION_FORMATS
    assert get_args(SpeechResponseFormat) == caps.SPEECH_FORMATS
    assert get_args(TimestampGranularity) == caps.TIMESTAMP_GRANULARITIES
    assert get_args(TranscriptionInclude) == caps.TRANSCRIPTION_INCLUDES
    assert set(get_args(BuiltinVoice)) <= set(caps.BUILTIN_VOICES)
    for model in caps.TRANSCRIPTION_MODELS.values():
        assert set(model.response_formats) <= set(caps.TRANSCRIPTION_FORMATS)


def test_limits_are_those_openai_enforces() -> None:
    limits = {
        name: (m.max_upload_bytes, m.max_duration_seconds) for name, m in caps.TRANSCRIPTION_MODELS.items()
    }
    assert limits["whisper-1"] == (26_214_400, None)
    assert limits["gpt-4o-transcribe"] == (26_214_400, 1500)
    assert limits["gpt-4o-mini-transcribe"] == (26_214_400, 1500)
    assert limits["gpt-4o-transcribe-diarize"] == (26_214_400, 1400)


def test_the_cli_offers_the_table_formats_and_picks_a_model_that_answers_each() -> None:
    assert set(cli_app.TRANSCRIBE_FORMATS) == set(caps.TRANSCRIPTION_FORMATS)
    assert set(cli_app.TRANSLATE_FORMATS) == set(caps.TRANSLATION_FORMATS)
    for fmt in caps.TRANSCRIPTION_FORMATS:
        model = caps.model_for_format(fmt)
        assert fmt in caps.TRANSCRIPTION_MODELS[model].response_formats
    assert caps.model_for_format("json") == caps.DEFAULT_TRANSCRIPTION_MODEL


def _server_status(server: AudioServer, path: str, data: list[tuple[str, str]]) -> int:
    files = {"file": ("a.wav", WAV, "audio/wav")}
    headers = {"authorization": f"Bearer {server.api_key}"}
    fields: dict[str, list[str]] = {}
    for name, value in data:
        fields.setdefault(name, []).append(value)
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        return http.post(path, data=fields, files=files).status_code


@pytest.mark.parametrize("model", sorted(caps.TRANSCRIPTION_MODELS))
@pytest.mark.parametrize("fmt", caps.TRANSCRIPTION_FORMATS)
def test_facade_and_server_agree_on_formats_per_model(
    client: AudioClient, server: AudioServer, model: str, fmt: AudioResponseFormat
) -> None:
    allowed = fmt in caps.TRANSCRIPTION_MODELS[model].response_formats
    status = _server_status(
        server,
        "/audio/transcriptions",
        [("model", model), ("response_format", fmt), ("chunking_strategy", "auto")],
    )
    assert (status == 200) is allowed, status
    if allowed:
        client.transcriptions.create(WAV, model=model, response_format=fmt)
    else:
        with pytest.raises(InvalidArgumentError) as info:
            client.transcriptions.create(WAV, model=model, response_format=fmt)
        assert info.value.argument == "response_format"


@pytest.mark.parametrize("model", sorted(caps.TRANSCRIPTION_MODELS))
@pytest.mark.parametrize(
    ("feature", "argument", "form", "kwargs"),
    [
        ("prompt", "prompt", [("prompt", "hi")], {"prompt": "hi"}),
        ("languages_and_keywords", "keywords", [("keywords[]", "x")], {"keywords": ["x"]}),
        ("logprobs", "include", [("include[]", "logprobs")], {"include": ["logprobs"]}),
    ],
)
def test_facade_and_server_agree_on_features_per_model(
    client: AudioClient,
    server: AudioServer,
    model: str,
    feature: str,
    argument: str,
    form: list[tuple[str, str]],
    kwargs: dict[str, object],
) -> None:
    allowed = getattr(caps.TRANSCRIPTION_MODELS[model], feature)
    status = _server_status(server, "/audio/transcriptions", [("model", model), *form])
    assert (status == 200) is allowed, status
    if allowed:
        client.transcriptions.create(WAV, model=model, **kwargs)  # type: ignore[arg-type]
    else:
        with pytest.raises(InvalidArgumentError) as info:
            client.transcriptions.create(WAV, model=model, **kwargs)  # type: ignore[arg-type]
        assert info.value.argument == argument


@pytest.mark.parametrize("model", sorted(caps.SPEECH_MODELS))
def test_facade_and_server_agree_on_speech_features(
    client: AudioClient, server: AudioServer, model: str
) -> None:
    features = caps.SPEECH_MODELS[model]
    headers = {"authorization": f"Bearer {server.api_key}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        body = {"model": model, "input": "hi", "voice": "alloy", "response_format": "wav"}
        with_instructions = http.post("/audio/speech", json={**body, "instructions": "softly"})
        with_sse = http.post("/audio/speech", json={**body, "stream_format": "sse"})
    assert (with_instructions.status_code == 200) is features.instructions
    assert (with_sse.status_code == 200) is features.sse
    if features.instructions:
        client.speech.create("hi", voice="alloy", model=model, instructions="softly", response_format="wav")
    else:
        with pytest.raises(InvalidArgumentError):
            client.speech.create(
                "hi", voice="alloy", model=model, instructions="softly", response_format="wav"
            )
