"""Voice consents and voices, sync and async, against the local server."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from openai_audio import (
    AsyncAudioClient,
    AudioClient,
    BadRequestError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    NotFoundError,
    Voice,
    VoiceConsent,
    VoiceConsentDeleted,
    VoiceDeleted,
)
from openai_audio.testing import AudioServer

from .test_retries import _wav

SAMPLE = _wav(48_000)


@pytest.fixture
def server(audio_server: AudioServer) -> Iterator[AudioServer]:
    audio_server.clear_faults()
    audio_server.clear_requests()
    return audio_server


@pytest.fixture
def client(server: AudioServer) -> Iterator[AudioClient]:
    with AudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        yield client


@pytest.fixture
async def aclient(server: AudioServer) -> AsyncIterator[AsyncAudioClient]:
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        yield client


def test_consent_lifecycle(client: AudioClient, server: AudioServer, tmp_path: Path) -> None:
    path = tmp_path / "consent.wav"
    path.write_bytes(SAMPLE)
    created = client.voice_consents.create(name="Ada", recording=path, language="en-US")
    assert isinstance(created, VoiceConsent)
    assert created.id.startswith("cons_")
    assert (created.name, created.language, created.object_) == ("Ada", "en-US", "audio.voice_consent")
    upload = server.requests[-1].uploads[0]
    assert (upload.field, upload.filename, upload.content_type) == ("recording", "consent.wav", "audio/wav")
    assert upload.sha256 == hashlib.sha256(SAMPLE).hexdigest()

    assert client.voice_consents.retrieve(created.id) == created
    renamed = client.voice_consents.update(created.id, name="Ada L.")
    assert renamed.name == "Ada L." and renamed.id == created.id
    deleted = client.voice_consents.delete(created.id)
    assert isinstance(deleted, VoiceConsentDeleted)
    assert deleted.deleted is True and deleted.id == created.id
    with pytest.raises(NotFoundError):
        client.voice_consents.retrieve(created.id)


async def test_consent_lifecycle_async(aclient: AsyncAudioClient) -> None:
    created = await aclient.voice_consents.create(name="Bo", recording=("bo.wav", SAMPLE), language="sv-SE")
    assert (await aclient.voice_consents.retrieve(created.id)).name == "Bo"
    assert (await aclient.voice_consents.update(created.id, name="Bob")).name == "Bob"
    assert (await aclient.voice_consents.delete(created.id)).deleted is True
    with pytest.raises(NotFoundError):
        await aclient.voice_consents.delete(created.id)


@pytest.mark.parametrize("bad_id", ["", "   ", ".", "..", "a/b", "../voices", "cons_1/../../speech"])
def test_unsafe_ids_never_reach_the_server(client: AudioClient, server: AudioServer, bad_id: str) -> None:
    for call in (client.voice_consents.retrieve, client.voice_consents.delete):
        with pytest.raises(InvalidArgumentError, match="consent_id"):
            call(bad_id)
    with pytest.raises(InvalidArgumentError, match="consent_id"):
        client.voice_consents.update(bad_id, name="x")
    assert server.requests == []


def test_id_of_wrong_type(client: AudioClient) -> None:
    with pytest.raises(InvalidArgumentTypeError, match="consent_id"):
        client.voice_consents.retrieve(123)  # type: ignore[arg-type]


def test_percent_sensitive_ids_stay_one_path_segment(client: AudioClient, server: AudioServer) -> None:
    with pytest.raises(NotFoundError):
        client.voice_consents.retrieve("cons_?x=1#frag")
    assert server.requests[-1].path.startswith("/v1/audio/voice_consents/")
    assert server.requests[-1].query == {}


def test_bad_inputs_are_rejected_before_io(client: AudioClient, server: AudioServer, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="recording"):
        client.voice_consents.create(name="x", recording=tmp_path / "missing.wav", language="en")
    with pytest.raises(InvalidArgumentError, match="recording"):
        client.voice_consents.create(name="x", recording=b"definitely not audio", language="en")
    too_big = tmp_path / "big.wav"
    too_big.write_bytes(_wav(10 * 1024 * 1024))
    with pytest.raises(InvalidArgumentError, match="recording"):
        client.voice_consents.create(name="x", recording=too_big, language="en")
    with pytest.raises(InvalidArgumentError, match="name"):
        client.voice_consents.create(name="", recording=SAMPLE, language="en")
    with pytest.raises(InvalidArgumentTypeError, match="recording"):
        client.voice_consents.create(name="x", recording=12, language="en")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="name"):
        client.voice_consents.update("cons_1", name=" ")
    assert server.requests == []


def test_voice_needs_a_real_consent(client: AudioClient) -> None:
    consent = client.voice_consents.create(name="owner", recording=SAMPLE, language="en")
    by_object = client.voices.create(name="narrator", audio_sample=SAMPLE, consent=consent)
    by_id = client.voices.create(
        name="narrator 2", audio_sample=("s.wav", SAMPLE, "audio/wav"), consent=consent.id
    )
    for voice in (by_object, by_id):
        assert isinstance(voice, Voice)
        assert voice.id.startswith("voice_")
    assert by_object.name == "narrator"
    with pytest.raises((BadRequestError, NotFoundError)) as info:
        client.voices.create(name="x", audio_sample=SAMPLE, consent="cons_unknown")
    assert info.value.param == "consent"
    with pytest.raises(InvalidArgumentError, match="consent"):
        client.voices.create(name="x", audio_sample=SAMPLE, consent="../x")


async def test_voice_async(aclient: AsyncAudioClient) -> None:
    consent = await aclient.voice_consents.create(name="owner", recording=SAMPLE, language="en")
    voice = await aclient.voices.create(name="async narrator", audio_sample=SAMPLE, consent=consent)
    assert voice.id.startswith("voice_")


def test_prompt_voice_and_delete(client: AudioClient, server: AudioServer) -> None:
    voice = client.voices.create(
        name="calm", prompt="A calm, low voice.", model="2026-10-08", script_hint="Hello there."
    )
    assert isinstance(voice, Voice)
    assert (voice.type_, voice.prompt, voice.name) == ("prompt", "A calm, low voice.", "calm")
    sent = server.requests[-1]
    assert sent.form == {
        "name": ["calm"],
        "type": ["prompt"],
        "prompt": ["A calm, low voice."],
        "model": ["2026-10-08"],
        "script_hint": ["Hello there."],
    }
    assert sent.uploads == []
    deleted = client.voices.delete(voice.id)
    assert isinstance(deleted, VoiceDeleted)
    assert (deleted.id, deleted.deleted, deleted.object_) == (voice.id, True, "audio.voice.deleted")
    with pytest.raises(NotFoundError) as info:
        client.voices.delete(voice.id)
    assert info.value.param == "voice_id"


def test_audio_sample_voice_says_its_type_and_keeps_its_consent(client: AudioClient) -> None:
    consent = client.voice_consents.create(name="owner", recording=SAMPLE, language="en")
    voice = client.voices.create(name="narrator", audio_sample=SAMPLE, consent=consent)
    assert voice.type_ == "audio_sample"
    assert client.voices.delete(voice.id).deleted is True
    assert client.voice_consents.retrieve(consent.id).id == consent.id


def test_speech_with_a_prompt_voice_is_a_bad_request_naming_the_voice(client: AudioClient) -> None:
    voice = client.voices.create(name="calm", prompt="Warm.")
    with pytest.raises(BadRequestError) as info:
        client.speech.create("Hi", voice=voice)
    assert info.value.param == "voice"
    assert voice.id in info.value.message


def test_bad_voice_arguments_are_rejected_before_io(client: AudioClient, server: AudioServer) -> None:
    with pytest.raises(InvalidArgumentError, match="prompt"):
        client.voices.create(name="x", prompt=" \n ")
    with pytest.raises(InvalidArgumentError, match="script_hint"):
        client.voices.create(name="x", prompt="Warm.", script_hint="  ")
    with pytest.raises(InvalidArgumentError, match="audio_sample"):
        client.voices.create(name="x", prompt="Warm.", audio_sample=SAMPLE)  # type: ignore[call-overload]
    with pytest.raises(InvalidArgumentError, match="model"):
        client.voices.create(name="x", audio_sample=SAMPLE, consent="cons_1", model="auto")  # type: ignore[call-overload]
    with pytest.raises(InvalidArgumentError, match="audio_sample"):
        client.voices.create(name="x")  # type: ignore[call-overload]
    with pytest.raises(InvalidArgumentError, match="voice_id"):
        client.voices.delete("../voice_consents")
    assert server.requests == []


async def test_prompt_voice_and_delete_async(aclient: AsyncAudioClient) -> None:
    voice = await aclient.voices.create(name="calm", prompt="A calm voice.", model="auto")
    assert (voice.type_, voice.prompt) == ("prompt", "A calm voice.")
    deleted = await aclient.voices.delete(voice.id)
    assert deleted.deleted is True
    with pytest.raises(NotFoundError):
        await aclient.voices.delete(voice.id)
    with pytest.raises(InvalidArgumentError, match="prompt"):
        await aclient.voices.create(name="x", prompt="   ")
