"""The official ``openai`` SDK, unchanged, against the local server: its wire forms must be understood.

Each test also checks what reached the server (``server.requests``), so a call that only worked
because the server ignored a field would still fail.
"""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import Callable, Iterator
from typing import Any

import pytest

openai = pytest.importorskip("openai")

from openai_audio.testing import AudioServer  # noqa: E402

TEXT = "Hello world. This is a test of the official SDK."


@pytest.fixture
def sdk(server: AudioServer) -> Iterator[Any]:
    client = openai.OpenAI(api_key=server.api_key, base_url=server.base_url, max_retries=0, timeout=30)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def wav(speak: Callable[..., bytes]) -> bytes:
    return speak(TEXT)


def _last_form(server: AudioServer) -> dict[str, list[str]]:
    return server.requests[-1].form


def test_speech_streaming_response_is_a_wav(server: AudioServer, sdk: Any) -> None:
    with sdk.audio.speech.with_streaming_response.create(
        model="gpt-4o-mini-tts", voice="alloy", input=TEXT, response_format="wav"
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "audio/wav"
        audio = b"".join(response.iter_bytes())
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"
    with wave.open(io.BytesIO(audio)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (24000, 1, 2)
        assert w.getnframes() > 0
    assert server.requests[-1].json == {
        "model": "gpt-4o-mini-tts",
        "voice": "alloy",
        "input": TEXT,
        "response_format": "wav",
    }


def test_speech_plain_create_and_request_id(sdk: Any) -> None:
    response = sdk.audio.speech.create(model="tts-1", voice="nova", input="Hi.", speed=1.5)
    assert response.response.headers["content-type"] == "audio/mpeg"
    assert len(response.content) > 0
    assert response.response.headers["x-request-id"].startswith("req_")


def test_transcription_verbose_json_with_both_granularities(
    server: AudioServer, sdk: Any, wav: bytes
) -> None:
    result = sdk.audio.transcriptions.create(
        file=("speech.wav", wav, "audio/wav"),
        model="whisper-1",
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    assert _last_form(server)["timestamp_granularities[]"] == ["word", "segment"]  # the array form
    assert isinstance(result, openai.types.audio.TranscriptionVerbose)
    assert result.text == TEXT
    assert result.language == "english"
    assert result.duration > 0
    assert result.words and [w.word for w in result.words] == TEXT.split()
    assert result.segments and " ".join(s.text.strip() for s in result.segments) == TEXT


def test_transcription_include_logprobs(server: AudioServer, sdk: Any, wav: bytes) -> None:
    result = sdk.audio.transcriptions.create(
        file=("speech.wav", wav), model="gpt-4o-transcribe", include=["logprobs"]
    )
    assert _last_form(server)["include[]"] == ["logprobs"]
    assert result.text == TEXT
    assert result.logprobs and "".join(p.token for p in result.logprobs) == TEXT
    assert result.usage is not None and result.usage.type == "tokens"


def test_transcription_chunking_strategy_server_vad_object(server: AudioServer, sdk: Any, wav: bytes) -> None:
    result = sdk.audio.transcriptions.create(
        file=("speech.wav", wav),
        model="gpt-4o-mini-transcribe",
        chunking_strategy={"type": "server_vad", "threshold": 0.5, "silence_duration_ms": 200},
    )
    form = _last_form(server)
    assert form["chunking_strategy[type]"] == ["server_vad"]  # the bracketed object form
    assert form["chunking_strategy[threshold]"] == ["0.5"]
    assert form["chunking_strategy[silence_duration_ms]"] == ["200"]
    assert result.text == TEXT


def test_transcription_chunking_strategy_auto(server: AudioServer, sdk: Any, wav: bytes) -> None:
    result = sdk.audio.transcriptions.create(
        file=("speech.wav", wav), model="gpt-4o-transcribe", chunking_strategy="auto"
    )
    assert _last_form(server)["chunking_strategy"] == ["auto"]
    assert result.text == TEXT


def test_diarization_with_known_speakers(server: AudioServer, sdk: Any, wav: bytes) -> None:
    reference = "data:audio/wav;base64," + base64.b64encode(wav[:4096]).decode()
    result = sdk.audio.transcriptions.create(
        file=("speech.wav", wav),
        model="gpt-4o-transcribe-diarize",
        response_format="diarized_json",
        chunking_strategy="auto",
        known_speaker_names=["agent", "customer"],
        known_speaker_references=[reference, reference],
    )
    form = _last_form(server)
    assert form["known_speaker_names[]"] == ["agent", "customer"]
    assert form["known_speaker_references[]"] == [reference, reference]
    assert isinstance(result, openai.types.audio.TranscriptionDiarized)
    assert result.text == TEXT
    assert {s.speaker for s in result.segments} <= {"agent", "customer"}
    assert result.segments[0].speaker == "agent"


def test_transcription_stream_events(server: AudioServer, sdk: Any, wav: bytes) -> None:
    stream = sdk.audio.transcriptions.create(
        file=("speech.wav", wav), model="gpt-4o-mini-transcribe", stream=True, include=["logprobs"]
    )
    events = list(stream)
    assert _last_form(server)["stream"] == ["true"]
    types = [event.type for event in events]
    assert types[-1] == "transcript.text.done"
    assert set(types[:-1]) == {"transcript.text.delta"}
    assert "".join(event.delta for event in events[:-1]) == TEXT
    done = events[-1]
    assert done.text == TEXT
    assert done.logprobs and len(done.logprobs) == len(events) - 1
    assert done.usage is not None and done.usage.total_tokens > 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # recent SDKs mark translations deprecated
def test_translations(server: AudioServer, sdk: Any, wav: bytes) -> None:
    result = sdk.audio.translations.create(file=("speech.wav", wav), model="whisper-1")
    assert result.text == TEXT
    verbose = sdk.audio.translations.create(
        file=("speech.wav", wav), model="whisper-1", response_format="verbose_json"
    )
    assert verbose.language == "english" and verbose.segments
    text = sdk.audio.translations.create(file=("speech.wav", wav), model="whisper-1", response_format="text")
    assert text.strip() == TEXT
    assert [r.path for r in server.requests[-3:]] == ["/v1/audio/translations"] * 3


def test_voice_consents_lifecycle(server: AudioServer, sdk: Any, wav: bytes) -> None:
    consents = getattr(sdk.audio, "voice_consents", None)
    if consents is None:
        pytest.skip(f"openai {openai.__version__} has no client.audio.voice_consents")
    created = [
        consents.create(name=f"consent {i}", language="en-US", recording=(f"c{i}.wav", wav, "audio/wav"))
        for i in range(5)
    ]
    assert all(c.id.startswith("cons_") and c.object == "audio.voice_consent" for c in created)
    assert server.requests[-1].uploads[0].field == "recording"

    # limit=2 forces three pages; iterating the page fetches the rest with ?after=.
    listed = [c.id for c in consents.list(limit=2)]
    assert listed == [c.id for c in reversed(created)]
    assert [r.query for r in server.requests[-3:]] == [
        {"limit": "2"},
        {"limit": "2", "after": listed[1]},
        {"limit": "2", "after": listed[3]},
    ]

    first = created[0]
    assert consents.retrieve(first.id) == first
    renamed = consents.update(first.id, name="renamed")
    assert renamed.name == "renamed" and renamed.id == first.id
    assert server.requests[-1].json == {"name": "renamed"}
    deleted = consents.delete(first.id)
    assert (deleted.id, deleted.deleted) == (first.id, True)
    with pytest.raises(openai.NotFoundError) as info:
        consents.retrieve(first.id)
    assert info.value.status_code == 404


def test_custom_voice_from_sdk_is_usable_for_speech(sdk: Any, wav: bytes) -> None:
    if getattr(sdk.audio, "voice_consents", None) is None or getattr(sdk.audio, "voices", None) is None:
        pytest.skip(f"openai {openai.__version__} has no client.audio.voices/voice_consents")
    consent = sdk.audio.voice_consents.create(
        name="c", language="en-US", recording=("c.wav", wav, "audio/wav")
    )
    voice = sdk.audio.voices.create(name="mine", consent=consent.id, audio_sample=("s.wav", wav, "audio/wav"))
    assert voice.id.startswith("voice_") and voice.name == "mine"
    assert voice.type == "audio_sample" and voice.prompt is None
    speech = sdk.audio.speech.create(
        model="gpt-4o-mini-tts", voice={"id": voice.id}, input="Hi.", response_format="wav"
    )
    assert speech.content[:4] == b"RIFF"
    # Deleting the voice keeps the consent; a second delete is a 404.
    deleted = sdk.audio.voices.delete(voice.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (voice.id, True, "audio.voice.deleted")
    with pytest.raises(openai.NotFoundError) as info:
        sdk.audio.voices.delete(voice.id)
    assert info.value.param == "voice_id"
    assert sdk.audio.voice_consents.retrieve(consent.id).id == consent.id


def test_prompt_voice_from_sdk(server: AudioServer, sdk: Any) -> None:
    voice = sdk.audio.voices.create(
        name="calm",
        type="prompt",
        prompt="A calm, low voice.",
        model="2026-10-08",
        script_hint="Hello there.",
    )
    assert (voice.type, voice.prompt, voice.name) == ("prompt", "A calm, low voice.", "calm")
    assert _last_form(server) == {
        "name": ["calm"],
        "type": ["prompt"],
        "prompt": ["A calm, low voice."],
        "model": ["2026-10-08"],
        "script_hint": ["Hello there."],
    }
    # For Live sessions only: the speech endpoint refuses it, naming the voice.
    with pytest.raises(openai.BadRequestError) as info:
        sdk.audio.speech.create(model="gpt-4o-mini-tts", voice={"id": voice.id}, input="Hi.")
    assert info.value.param == "voice"
    assert voice.id in info.value.message
    assert sdk.audio.voices.delete(voice.id).deleted is True
    with pytest.raises(openai.BadRequestError) as blank:
        sdk.audio.voices.create(name="blank", type="prompt", prompt=" \n\t ")
    assert blank.value.param == "prompt"


def test_bad_speed_is_a_bad_request_error(sdk: Any) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        sdk.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hi.", speed=9)
    error = info.value
    assert error.status_code == 400
    assert error.param == "speed"
    assert error.type == "invalid_request_error"
    assert error.request_id is not None and error.request_id.startswith("req_")


def test_unsupported_response_format_for_model(sdk: Any, wav: bytes) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        sdk.audio.transcriptions.create(
            file=("speech.wav", wav), model="gpt-4o-transcribe", response_format="srt"
        )
    assert info.value.param == "response_format"


def test_wrong_key_is_an_authentication_error() -> None:
    with AudioServer(api_keys=["sk-right"]) as own:
        client = openai.OpenAI(api_key="sk-wrong", base_url=own.base_url, max_retries=0)
        with pytest.raises(openai.AuthenticationError) as info:
            client.audio.transcriptions.create(file=("a.wav", b"not audio"), model="whisper-1")
        client.close()
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key"


async def test_async_client(server: AudioServer, wav: bytes) -> None:
    async with openai.AsyncOpenAI(api_key=server.api_key, base_url=server.base_url, max_retries=0) as client:
        speech = await client.audio.speech.create(
            model="gpt-4o-mini-tts", voice="alloy", input="Hi.", response_format="wav"
        )
        assert speech.content[:4] == b"RIFF"
        stream = await client.audio.transcriptions.create(
            file=("speech.wav", wav), model="gpt-4o-transcribe", stream=True
        )
        types = [event.type async for event in stream]
        assert types[-1] == "transcript.text.done"
