"""Static expectations of the public API, checked by ``mypy --strict`` (tests/typing/test_typing.py).

Never run, only type-checked: every ``assert_type`` states what a user's type checker must infer,
and every ``# type: ignore[code]`` marks a call that must stay a type error (strict mode's
warn_unused_ignores fails the check if such a call ever starts to type-check).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any, assert_type

import httpx

from openai_audio import (
    APIResponse,
    AsyncAudioClient,
    AsyncAudioStream,
    AsyncEventStream,
    AsyncPage,
    AsyncStreamedAudioResponse,
    AudioClient,
    AudioStream,
    EventStream,
    Page,
    SpeechAudioDeltaEvent,
    SpeechAudioDoneEvent,
    SpeechStreamEvent,
    StreamedAudioResponse,
    Transcription,
    TranscriptionDiarized,
    TranscriptionStreamEvent,
    TranscriptionVerbose,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextSegmentEvent,
    Translation,
    TranslationVerbose,
    UnknownEvent,
    Voice,
    VoiceConsent,
    VoiceConsentDeleted,
    VoiceDeleted,
)
from openai_audio.types import AudioResponseFormat, TranslationResponseFormat

AUDIO = "speech.wav"


# -- transcriptions.create: the result type follows response_format ----------------------------------


def transcriptions(client: AudioClient, fmt: AudioResponseFormat) -> None:
    t = client.transcriptions
    assert_type(t.create(AUDIO), Transcription)
    assert_type(t.create(AUDIO, response_format=None), Transcription)
    assert_type(t.create(AUDIO, response_format="json"), Transcription)
    assert_type(t.create(AUDIO, model="whisper-1", response_format="verbose_json"), TranscriptionVerbose)
    assert_type(
        t.create(AUDIO, model="gpt-4o-transcribe-diarize", response_format="diarized_json"),
        TranscriptionDiarized,
    )
    assert_type(t.create(AUDIO, response_format="text"), str)
    assert_type(t.create(AUDIO, response_format="srt"), str)
    assert_type(t.create(AUDIO, response_format="vtt"), str)
    # A format only known at run time: the union of every result.
    assert_type(
        t.create(AUDIO, response_format=fmt),
        Transcription | TranscriptionVerbose | TranscriptionDiarized | str,
    )
    # Results are the real models, with typed fields.
    assert_type(t.create(AUDIO).text, str)
    assert_type(t.create(AUDIO, response_format="verbose_json").duration, float)

    t.create(AUDIO, response_format="xml")  # type: ignore[call-overload]
    t.create(AUDIO, timeout="soon")  # type: ignore[call-overload]
    t.create()  # type: ignore[call-overload]


async def async_transcriptions(client: AsyncAudioClient, fmt: AudioResponseFormat) -> None:
    t = client.transcriptions
    pending = t.create(AUDIO)
    _ = assert_type(pending, Coroutine[Any, Any, Transcription])
    assert_type(await pending, Transcription)
    assert_type(await t.create(AUDIO, response_format="verbose_json"), TranscriptionVerbose)
    assert_type(await t.create(AUDIO, response_format="diarized_json"), TranscriptionDiarized)
    assert_type(await t.create(AUDIO, response_format="vtt"), str)
    assert_type(
        await t.create(AUDIO, response_format=fmt),
        Transcription | TranscriptionVerbose | TranscriptionDiarized | str,
    )
    await t.create(AUDIO, response_format="xml")  # type: ignore[call-overload]


# -- translations.create ------------------------------------------------------------------------------


def translations(client: AudioClient, fmt: TranslationResponseFormat) -> None:
    t = client.translations
    assert_type(t.create(AUDIO), Translation)
    assert_type(t.create(AUDIO, response_format="json"), Translation)
    assert_type(t.create(AUDIO, response_format="verbose_json"), TranslationVerbose)
    assert_type(t.create(AUDIO, response_format="srt"), str)
    assert_type(t.create(AUDIO, response_format=fmt), Translation | TranslationVerbose | str)
    t.create(AUDIO, response_format="diarized_json")  # type: ignore[call-overload]


async def async_translations(client: AsyncAudioClient) -> None:
    assert_type(await client.translations.create(AUDIO), Translation)
    assert_type(await client.translations.create(AUDIO, response_format="verbose_json"), TranslationVerbose)
    assert_type(await client.translations.create(AUDIO, response_format="text"), str)


# -- streams of transcript events -----------------------------------------------------------------


def transcription_stream(client: AudioClient) -> None:
    stream = client.transcriptions.stream(AUDIO)
    assert_type(stream, EventStream[TranscriptionStreamEvent])
    with stream as events:
        assert_type(events, EventStream[TranscriptionStreamEvent])
        assert_type(events.response, httpx.Response)
        for event in events:
            assert_type(event, TranscriptionStreamEvent)
            assert_type(
                event,
                TranscriptTextDeltaEvent
                | TranscriptTextSegmentEvent
                | TranscriptTextDoneEvent
                | UnknownEvent,
            )
            if isinstance(event, TranscriptTextDeltaEvent):
                assert_type(event.delta, str)
            elif isinstance(event, TranscriptTextDoneEvent):
                assert_type(event.text, str)
            elif isinstance(event, UnknownEvent):
                assert_type(event.type, str)


async def async_transcription_stream(client: AsyncAudioClient) -> None:
    stream = client.transcriptions.stream(AUDIO)  # not a coroutine: opened by async with / async for
    assert_type(stream, AsyncEventStream[TranscriptionStreamEvent])
    async with stream as events:
        assert_type(events, AsyncEventStream[TranscriptionStreamEvent])
        async for event in events:
            assert_type(event, TranscriptionStreamEvent)
    closing = stream.close()
    _ = assert_type(closing, Coroutine[Any, Any, None])
    await closing


# -- speech -----------------------------------------------------------------------------------------


def speech(client: AudioClient) -> None:
    s = client.speech
    assert_type(s.create("Hi.", voice="alloy"), bytes)
    assert_type(s.create("Hi.", voice="alloy", response_format="flac", speed=1.5), bytes)
    assert_type(s.save("Hi.", "hi.wav", voice="alloy"), Path)
    assert_type(s.save("Hi.", Path("hi.wav"), voice={"id": "voice_123"}), Path)
    with s.stream("Hi.", voice="alloy", chunk_size=4096) as audio:
        assert_type(audio, AudioStream)
        assert_type(audio.iter_bytes(), Iterator[bytes])
        for chunk in audio:
            assert_type(chunk, bytes)
    with s.stream_events("Hi.", voice="alloy") as events:
        assert_type(events, EventStream[SpeechStreamEvent])
        for event in events:
            assert_type(event, SpeechAudioDeltaEvent | SpeechAudioDoneEvent | UnknownEvent)
            if isinstance(event, SpeechAudioDeltaEvent):
                assert_type(event.audio_bytes, bytes)

    s.create("Hi.", voice="alloy", response_format="ogg")  # type: ignore[arg-type]
    s.create("Hi.")  # type: ignore[call-arg]
    s.create(b"Hi.", voice="alloy")  # type: ignore[arg-type]


async def async_speech(client: AsyncAudioClient) -> None:
    s = client.speech
    pending = s.create("Hi.", voice="alloy")
    _ = assert_type(pending, Coroutine[Any, Any, bytes])
    assert_type(await pending, bytes)
    assert_type(await s.save("Hi.", "hi.wav", voice="alloy"), Path)
    async with s.stream("Hi.", voice="alloy") as audio:
        assert_type(audio, AsyncAudioStream)
        assert_type(audio.iter_bytes(), AsyncIterator[bytes])
        async for chunk in audio:
            assert_type(chunk, bytes)
    async with s.stream_events("Hi.", voice="alloy") as events:
        async for event in events:
            assert_type(event, SpeechStreamEvent)


# -- voice consents, pages and voices -----------------------------------------------------------------


def consents(client: AudioClient) -> None:
    vc = client.voice_consents
    assert_type(vc.create(name="n", recording=AUDIO, language="en"), VoiceConsent)
    assert_type(vc.retrieve("cons_1"), VoiceConsent)
    assert_type(vc.update("cons_1", name="m"), VoiceConsent)
    assert_type(vc.delete("cons_1"), VoiceConsentDeleted)
    assert_type(vc.delete("cons_1").deleted, bool)
    page = vc.list(limit=10)
    assert_type(page, Page[VoiceConsent])
    assert_type(page[0], VoiceConsent)
    assert_type(page.data, list[VoiceConsent])
    assert_type(page.next_page(), Page[VoiceConsent] | None)
    assert_type(page.iter_all(), Iterator[VoiceConsent])
    for consent in page:
        assert_type(consent, VoiceConsent)
        assert_type(consent.created_at, int)
    assert_type(vc.iter(limit=50), Iterator[VoiceConsent])
    assert_type(client.voices.create(name="v", audio_sample=AUDIO, consent=page[0]), Voice)
    assert_type(client.voices.create(name="v", audio_sample=AUDIO, consent="cons_1"), Voice)
    client.voices.create(name="v", audio_sample=AUDIO, consent=1)  # type: ignore[call-overload]
    assert_type(client.voices.create(name="v", prompt="Calm.", model="auto", script_hint="Hi."), Voice)
    client.voices.create(name="v", prompt="Calm.", audio_sample=AUDIO)  # type: ignore[call-overload]
    client.voices.create(name="v", audio_sample=AUDIO, consent="c", model="auto")  # type: ignore[call-overload]
    client.voices.create(name="v")  # type: ignore[call-overload]
    assert_type(client.voices.delete("voice_1"), VoiceDeleted)


async def async_consents(client: AsyncAudioClient) -> None:
    vc = client.voice_consents
    assert_type(await vc.retrieve("cons_1"), VoiceConsent)
    assert_type(await vc.delete("cons_1"), VoiceConsentDeleted)
    page = await vc.list()
    assert_type(page, AsyncPage[VoiceConsent])
    assert_type(page[0], VoiceConsent)
    assert_type(await page.next_page(), AsyncPage[VoiceConsent] | None)
    async for consent in page:
        assert_type(consent, VoiceConsent)
    async for consent in page.iter_all():
        assert_type(consent, VoiceConsent)
    assert_type(vc.iter(), AsyncIterator[VoiceConsent])  # async for, no await
    assert_type(await client.voices.create(name="v", audio_sample=AUDIO, consent="cons_1"), Voice)
    assert_type(await client.voices.create(name="v", prompt="Calm."), Voice)
    assert_type(await client.voices.delete("voice_1"), VoiceDeleted)


# -- clients ----------------------------------------------------------------------------------------


def clients() -> None:
    with AudioClient(api_key="sk-x", timeout=httpx.Timeout(10.0, connect=2.0)) as client:
        assert_type(client, AudioClient)
        assert_type(client.with_options(timeout=5.0, max_retries=0), AudioClient)
        assert_type(client.timeout, httpx.Timeout)
        assert_type(client.http_client, httpx.Client)
    AudioClient(timeout="5s")  # type: ignore[arg-type]
    AudioClient(http_client=httpx.AsyncClient())  # type: ignore[arg-type]


async def async_clients() -> None:
    async with AsyncAudioClient(api_key="sk-x", timeout=None) as client:
        assert_type(client, AsyncAudioClient)
        assert_type(client.with_options(max_retries=1), AsyncAudioClient)
        assert_type(client.http_client, httpx.AsyncClient)
    AsyncAudioClient(http_client=httpx.Client())  # type: ignore[arg-type]


def raw_and_streamed_responses(client: AudioClient) -> None:
    vc = client.voice_consents
    assert_type(vc.with_raw_response.retrieve("cons_1"), APIResponse[VoiceConsent])
    assert_type(vc.with_raw_response.list(limit=2).parse(), Page[VoiceConsent])
    assert_type(client.speech.with_raw_response.create("x", voice="alloy").parse(), bytes)
    raw_srt = client.transcriptions.with_raw_response.create("a.wav", response_format="srt")
    assert_type(raw_srt, APIResponse[str])  # the per-format overloads survive the wrapper
    assert_type(raw_srt.request_id, str | None)
    with client.speech.with_streaming_response.create("x", voice="alloy") as streamed:
        assert_type(streamed, StreamedAudioResponse)
        assert_type(streamed.parse(), bytes)
    with client.transcriptions.with_streaming_response.stream("a.wav") as events:
        assert_type(events.parse(), EventStream[TranscriptionStreamEvent])
    page = vc.list(extra_headers={"X-A": "1"}, extra_query={"q": 1}, extra_body={"b": [1]}, timeout=5)
    assert_type(page.get_next_page(), Page[VoiceConsent])
    assert_type(page.iter_pages(), Iterator[Page[VoiceConsent]])
    vc.list(extra_headers={"X-A": 1})  # type: ignore[dict-item]


async def async_raw_and_streamed_responses(client: AsyncAudioClient) -> None:
    raw = await client.transcriptions.with_raw_response.create("a.wav", response_format="verbose_json")
    assert_type(raw.parse(), TranscriptionVerbose)
    async with client.speech.with_streaming_response.create("x", voice="alloy") as streamed:
        assert_type(streamed, AsyncStreamedAudioResponse)
        assert_type(await streamed.parse(), bytes)
    page = await client.voice_consents.list()
    assert_type(await page.get_next_page(), AsyncPage[VoiceConsent])
    assert_type(page.iter_pages(), AsyncIterator[AsyncPage[VoiceConsent]])
