"""client.translations against the local server (sync and async)."""

from __future__ import annotations

import pytest

from openai_audio import (
    AsyncAudioClient,
    AudioClient,
    InvalidArgumentError,
    Translation,
    TranslationVerbose,
)
from openai_audio.testing import AudioServer

TEXT = "Hello from the test suite."


def test_json_default(client: AudioClient, server: AudioServer, speech_wav: bytes) -> None:
    result = client.translations.create(("speech.wav", speech_wav))
    assert isinstance(result, Translation)
    assert result.text == TEXT
    assert server.requests[-1].form["model"] == ["whisper-1"]


def test_verbose_json(client: AudioClient, speech_wav: bytes) -> None:
    result = client.translations.create(
        ("speech.wav", speech_wav), response_format="verbose_json", temperature=0.2
    )
    assert isinstance(result, TranslationVerbose)
    assert result.language == "english"
    assert result.segments


@pytest.mark.parametrize("fmt", ["text", "srt", "vtt"])
def test_text_formats(client: AudioClient, speech_wav: bytes, fmt: str) -> None:
    result = client.translations.create(("speech.wav", speech_wav), response_format=fmt, prompt="")  # type: ignore[call-overload]
    assert isinstance(result, str)
    assert TEXT in result


@pytest.mark.parametrize(
    "kwargs",
    [{"response_format": "diarized_json"}, {"temperature": 2}, {"model": ""}, {"response_format": "xml"}],
)
def test_rules_raise_before_sending(
    client: AudioClient, server: AudioServer, kwargs: dict[str, object]
) -> None:
    with pytest.raises(InvalidArgumentError):
        client.translations.create(("a.wav", b"RIFF....WAVE"), **kwargs)  # type: ignore[call-overload]
    assert server.requests == []


async def test_async_formats(aclient: AsyncAudioClient, speech_wav: bytes) -> None:
    assert (await aclient.translations.create(("speech.wav", speech_wav))).text == TEXT
    verbose = await aclient.translations.create(("speech.wav", speech_wav), response_format="verbose_json")
    assert verbose.duration > 0
    assert "WEBVTT" in await aclient.translations.create(("speech.wav", speech_wav), response_format="vtt")
