"""Fuzzed arguments for every public façade method, sync and async: only documented exceptions come out.

Bad input -> InvalidArgumentError / InvalidArgumentTypeError (ValueError / TypeError subclasses),
before any I/O; input that passes validation is sent to the shared local server, whose refusals
are APIStatusError. Never KeyError, AttributeError, IndexError, JSONDecodeError, UnicodeError,
OverflowError, OSError or an httpx exception.

Examples per test: 50 by default, ``HYPOTHESIS_PROFILE=full`` -> 1000 (or
``OPENAI_AUDIO_FUZZ_EXAMPLES=N``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import math
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openai_audio import AsyncAudioClient, AudioClient
from openai_audio.errors import APIStatusError, InvalidArgumentError, InvalidArgumentTypeError
from openai_audio.testing import AudioServer

from .conftest import FUZZ_EXAMPLES, text_wav

DOCUMENTED = (InvalidArgumentError, InvalidArgumentTypeError, APIStatusError)
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
WAV = text_wav("fuzz", 4_000)
CLIP = text_wav("speaker", 96_000)  # 2 s at 24 kHz: a valid known-speaker reference

# -- strategies -------------------------------------------------------------------------------------

NASTY_TEXT = st.sampled_from(
    ["", " ", "\t\n", "\x00", "\ud800", "a\udfffb", "x" * 5000, "..", "../voices", "%2e%2e", "/", "\\",
     "\u202e\u0301", "🎤" * 50, "null", "None", "0"]
)  # fmt: skip
TEXT = st.text(max_size=40) | NASTY_TEXT
# Every code point, lone surrogates and NUL included (st.text() alone leaves surrogates out).
ANY_CHAR = st.characters()
NUMBERS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, 0.25, 1, 4.0, 1e-300, -0.0, 10**400, -(10**400)])  # ints beyond float range
)
ANYTHING = (
    st.none()
    | st.booleans()
    | NUMBERS
    | TEXT
    | st.binary(max_size=20)
    | st.lists(st.integers(0, 3), max_size=3)
    | st.dictionaries(st.text(max_size=5), st.integers(), max_size=3)
    | st.just(object())
)
IDS = TEXT | st.from_regex(r"cons_[0-9a-f]{0,24}", fullmatch=True) | ANYTHING
FILENAMES = st.text(ANY_CHAR, max_size=30) | st.sampled_from(
    ["a.wav", "../../etc/passwd.wav", "x.txt", ".wav", "a/b/c.mp3"]
)
BYTES = (
    st.binary(max_size=2_000)
    | st.builds(lambda tail: WAV[:44] + tail, st.binary(max_size=500))
    | st.just(WAV)
)
FILES = (
    BYTES
    | st.builds(lambda data: io.BytesIO(data), BYTES)
    | st.tuples(FILENAMES, BYTES)
    | st.tuples(
        FILENAMES, BYTES, st.sampled_from(["audio/wav", "audio/x-wav", "text/plain", "", "audio/mp3"])
    )
    | st.tuples(FILENAMES)
    | ANYTHING
)
MODELS_TTS = st.sampled_from(["gpt-4o-mini-tts", "tts-1", "tts-1-hd", "made-up"]) | TEXT | ANYTHING
MODELS_STT = (
    st.sampled_from(
        ["gpt-4o-transcribe", "whisper-1", "gpt-4o-transcribe-diarize", "gpt-transcribe", "made-up"]
    )
    | TEXT
    | ANYTHING
)
FORMATS = (
    st.none()
    | st.sampled_from(["mp3", "wav", "pcm", "json", "text", "srt", "vtt", "verbose_json", "diarized_json"])
    | TEXT
    | ANYTHING
)
VOICES = (
    st.sampled_from(["alloy", "voice_123", "nobody"])
    | st.dictionaries(TEXT, TEXT, max_size=2)
    | TEXT
    | ANYTHING
)
STR_LISTS = st.none() | st.lists(TEXT, max_size=3) | ANYTHING
CHUNKING = (
    st.none()
    | st.just("auto")
    | st.dictionaries(
        st.sampled_from(["type", "threshold", "prefix_padding_ms", "silence_duration_ms", "other"]),
        st.just("server_vad") | NUMBERS | ANYTHING,
        max_size=4,
    )
    | ANYTHING
)
SPEAKER_NAMES = st.text(ANY_CHAR, max_size=8)
KNOWN_SPEAKERS = st.none() | st.dictionaries(SPEAKER_NAMES, st.just(CLIP) | FILES, max_size=5) | ANYTHING
TIMEOUTS = st.just(None) | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 10**6) | ANYTHING


def documented_only(call: Callable[[], Any]) -> Any:
    """Run ``call``; let only documented exceptions through (and swallow them)."""
    try:
        return call()
    except DOCUMENTED:
        return None


@pytest.fixture(scope="module")
def client(audio_server: AudioServer) -> Iterator[AudioClient]:
    with AudioClient(
        base_url=audio_server.base_url, api_key=audio_server.api_key, max_retries=0, timeout=30
    ) as c:
        yield c


@pytest.fixture(scope="module")
def tagged_client(audio_server: AudioServer) -> Iterator[AudioClient]:
    with AudioClient(
        base_url=audio_server.base_url,
        api_key=audio_server.api_key,
        max_retries=0,
        default_headers={"X-Fuzz-Run": "by-id"},
    ) as c:
        yield c


@pytest.fixture(scope="module")
def consent_id(client: AudioClient) -> str:
    return client.voice_consents.create(name="fuzz", recording=WAV, language="en").id


# -- client construction ----------------------------------------------------------------------------


@FUZZ
@given(
    api_key=st.none() | TEXT | ANYTHING,
    base_url=st.none()
    | TEXT
    | st.sampled_from(["http://[::1", "http://127.0.0.1:99999/v1", "https://"])
    | ANYTHING,
    timeout=TIMEOUTS,
    max_retries=st.integers(-3, 10) | ANYTHING,
    organization=st.none() | TEXT,
    headers=st.none() | st.dictionaries(TEXT, TEXT | ANYTHING, max_size=2),
)
def test_constructor(
    api_key: Any, base_url: Any, timeout: Any, max_retries: Any, organization: Any, headers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    try:
        client = AudioClient(
            api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries,
            organization=organization, default_headers=headers,
        )  # fmt: skip
    except (InvalidArgumentError, InvalidArgumentTypeError):
        return
    with client:
        assert "Authorization" not in client.http_client.headers  # added per request, for the base URL only
        copy = documented_only(lambda: client.with_options(timeout=timeout, max_retries=max_retries))
        assert copy is None or copy._pool is client._pool


# -- speech -----------------------------------------------------------------------------------------

SPEECH_ARGS = {
    "input": TEXT,
    "voice": VOICES,
    "model": MODELS_TTS,
    "instructions": st.none() | TEXT | ANYTHING,
    "response_format": FORMATS,
    "speed": NUMBERS | ANYTHING,
}


@FUZZ
@given(**SPEECH_ARGS, timeout=st.just(30) | TIMEOUTS)
def test_speech_create(client: AudioClient, timeout: Any, **kwargs: Any) -> None:
    result = documented_only(lambda: client.speech.create(kwargs.pop("input"), **kwargs, timeout=timeout))
    assert result is None or isinstance(result, bytes)


@FUZZ
@given(**SPEECH_ARGS, chunk_size=st.none() | st.integers(-2, 70_000) | ANYTHING)
def test_speech_stream(client: AudioClient, chunk_size: Any, **kwargs: Any) -> None:
    def call() -> bytes:
        with client.speech.stream(kwargs.pop("input"), **kwargs, chunk_size=chunk_size) as audio:
            return b"".join(audio)

    result = documented_only(call)
    assert result is None or isinstance(result, bytes)


@FUZZ
@given(**SPEECH_ARGS)
def test_speech_stream_events(client: AudioClient, **kwargs: Any) -> None:
    documented_only(lambda: list(client.speech.stream_events(kwargs.pop("input"), **kwargs)))


@FUZZ
@given(
    **SPEECH_ARGS,
    # NUL, lone surrogates and names beyond the file system's 255-byte limit included.
    name=st.text(ANY_CHAR, max_size=60) | st.builds(lambda n: "n" * n, st.integers(200, 300)),
    suffix=st.sampled_from([".wav", ".mp3", ".pcm", ".flac", ".txt", "", ".WAV"]),
)
def test_speech_save(
    client: AudioClient, tmp_path_factory: pytest.TempPathFactory, name: str, suffix: str, **kwargs: Any
) -> None:
    folder = tmp_path_factory.mktemp("save")
    result = documented_only(
        lambda: client.speech.save(kwargs.pop("input"), folder / (name + suffix), **kwargs)
    )
    assert result is None or result.is_file()
    assert not list(folder.rglob("*.part")), "no temporary file outlives the call"


# -- transcriptions and translations -------------------------------------------------------------------

STT_ARGS = {
    "file": FILES,
    "model": MODELS_STT,
    "response_format": FORMATS,
    "language": st.none() | TEXT | ANYTHING,
    "languages": STR_LISTS,
    "keywords": STR_LISTS,
    "prompt": st.none() | TEXT | ANYTHING,
    "temperature": st.none() | NUMBERS | ANYTHING,
    "include": st.none() | st.lists(st.sampled_from(["logprobs", "x"]) | ANYTHING, max_size=2) | ANYTHING,
    "chunking_strategy": CHUNKING,
    "known_speakers": KNOWN_SPEAKERS,
}


@FUZZ
@given(
    **STT_ARGS,
    timestamp_granularities=st.none()
    | st.lists(st.sampled_from(["word", "segment", "x"]), max_size=2)
    | ANYTHING,
)
def test_transcriptions_create(client: AudioClient, **kwargs: Any) -> None:
    result = documented_only(lambda: client.transcriptions.create(kwargs.pop("file"), **kwargs))
    assert result is None or isinstance(result, str) or isinstance(result.text, str)


@FUZZ
@given(**STT_ARGS)
def test_transcriptions_stream(client: AudioClient, **kwargs: Any) -> None:
    documented_only(lambda: list(client.transcriptions.stream(kwargs.pop("file"), **kwargs)))


@FUZZ
@given(
    file=FILES, model=MODELS_STT, prompt=st.none() | TEXT | ANYTHING, response_format=FORMATS,
    temperature=st.none() | NUMBERS | ANYTHING,
)  # fmt: skip
def test_translations_create(client: AudioClient, **kwargs: Any) -> None:
    result = documented_only(lambda: client.translations.create(kwargs.pop("file"), **kwargs))
    assert result is None or isinstance(result, str) or isinstance(result.text, str)


# -- consents and voices ----------------------------------------------------------------------------


@FUZZ
@given(name=TEXT | ANYTHING, recording=FILES, language=TEXT | ANYTHING)
def test_voice_consents_create(client: AudioClient, name: Any, recording: Any, language: Any) -> None:
    consent = documented_only(
        lambda: client.voice_consents.create(name=name, recording=recording, language=language)
    )
    assert consent is None or (consent.id.startswith("cons_") and consent.name == name)


@FUZZ
@given(consent=IDS, name=TEXT | ANYTHING)
def test_voice_consents_by_id(
    tagged_client: AudioClient, audio_server: AudioServer, consent: Any, name: Any
) -> None:
    client = tagged_client
    before = len(audio_server.requests)
    documented_only(lambda: client.voice_consents.retrieve(consent))
    documented_only(lambda: client.voice_consents.update(consent, name=name))
    documented_only(lambda: client.voice_consents.delete(consent))
    # Whatever got through went to this consent's own route, never elsewhere. Only this client's
    # requests count: a stalled request of an earlier test may be logged late on the shared server.
    for record in audio_server.requests[before:]:
        if record.headers.get("x-fuzz-run") == "by-id":
            assert record.path == f"/v1/audio/voice_consents/{consent}", record.path


@FUZZ
@given(
    limit=st.none() | st.integers(-5, 200) | ANYTHING,
    after=st.none() | IDS,
    page_size=st.integers(-1, 101) | ANYTHING,
)
def test_voice_consents_list_and_iter(client: AudioClient, limit: Any, after: Any, page_size: Any) -> None:
    page = documented_only(lambda: client.voice_consents.list(limit=limit, after=after))
    assert page is None or len(page.data) <= (limit or 20)
    documented_only(lambda: next(iter(client.voice_consents.iter(limit=page_size)), None))


@FUZZ
@given(name=TEXT | ANYTHING, audio_sample=FILES, consent=IDS, real_consent=st.booleans())
def test_voices_create(
    client: AudioClient, consent_id: str, name: Any, audio_sample: Any, consent: Any, real_consent: bool
) -> None:
    target = consent_id if real_consent else consent
    voice = documented_only(
        lambda: client.voices.create(name=name, audio_sample=audio_sample, consent=target)
    )
    assert voice is None or voice.id.startswith("voice_")


# -- async: the same inputs for every method of AsyncAudioClient -----------------------------------------


AsyncBody = Callable[[AsyncAudioClient], Awaitable[Any]]
RunAsync = Callable[..., Any]


@pytest.fixture(scope="module")
def run_async(audio_server: AudioServer) -> Iterator[RunAsync]:
    """``run_async(body, tagged=False)``: await ``body(client)`` on one loop, swallowing documented errors.

    One event loop and two clients serve every example: a new client costs ~25 ms (its TLS context).
    The tagged one marks its requests like ``tagged_client`` does.
    """

    def make(headers: dict[str, str] | None) -> AsyncAudioClient:
        return AsyncAudioClient(
            base_url=audio_server.base_url, api_key=audio_server.api_key, max_retries=0, timeout=30,
            default_headers=headers,
        )  # fmt: skip

    with asyncio.Runner() as runner:
        plain, marked = make(None), make({"X-Fuzz-Run": "by-id-async"})

        def run(body: AsyncBody, *, tagged: bool = False) -> Any:
            async def main() -> Any:
                try:
                    return await body(marked if tagged else plain)
                except DOCUMENTED:
                    return None

            return runner.run(main())

        try:
            yield run
        finally:
            runner.run(plain.close())
            runner.run(marked.close())


@FUZZ
@given(
    api_key=st.none() | TEXT | ANYTHING,
    base_url=st.none() | TEXT | st.sampled_from(["http://[::1", "https://"]) | ANYTHING,
    timeout=TIMEOUTS,
    max_retries=st.integers(-3, 10) | ANYTHING,
    headers=st.none() | st.dictionaries(TEXT, TEXT | ANYTHING, max_size=2),
)
def test_async_constructor(
    api_key: Any, base_url: Any, timeout: Any, max_retries: Any, headers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    async def main() -> None:
        try:
            aclient = AsyncAudioClient(
                api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries,
                default_headers=headers,
            )  # fmt: skip
        except (InvalidArgumentError, InvalidArgumentTypeError):
            return
        async with aclient:
            copy = documented_only(lambda: aclient.with_options(timeout=timeout, max_retries=max_retries))
            assert copy is None or copy._pool is aclient._pool

    asyncio.run(main())


@FUZZ
@given(**SPEECH_ARGS, timeout=st.just(30) | TIMEOUTS)
def test_async_speech_create(run_async: RunAsync, timeout: Any, **kwargs: Any) -> None:
    result = run_async(lambda c: c.speech.create(kwargs.pop("input"), **kwargs, timeout=timeout))
    assert result is None or isinstance(result, bytes)


@FUZZ
@given(**SPEECH_ARGS, chunk_size=st.none() | st.integers(-2, 70_000) | ANYTHING)
def test_async_speech_stream(run_async: RunAsync, chunk_size: Any, **kwargs: Any) -> None:
    async def body(c: AsyncAudioClient) -> bytes:
        async with c.speech.stream(kwargs.pop("input"), **kwargs, chunk_size=chunk_size) as audio:
            return b"".join([chunk async for chunk in audio])

    result = run_async(body)
    assert result is None or isinstance(result, bytes)


@FUZZ
@given(**SPEECH_ARGS)
def test_async_speech_stream_events(run_async: RunAsync, **kwargs: Any) -> None:
    async def body(c: AsyncAudioClient) -> list[Any]:
        async with c.speech.stream_events(kwargs.pop("input"), **kwargs) as events:
            return [event async for event in events]

    run_async(body)


@FUZZ
@given(
    **SPEECH_ARGS,
    name=st.text(ANY_CHAR, max_size=60) | st.builds(lambda n: "n" * n, st.integers(200, 300)),
    suffix=st.sampled_from([".wav", ".mp3", ".pcm", ".flac", ".txt", "", ".WAV"]),
)
def test_async_speech_save(
    run_async: RunAsync,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    suffix: str,
    **kwargs: Any,
) -> None:
    folder = tmp_path_factory.mktemp("save")
    result = run_async(lambda c: c.speech.save(kwargs.pop("input"), folder / (name + suffix), **kwargs))
    assert result is None or result.is_file()
    assert not list(folder.rglob("*.part")), "no temporary file outlives the call"


@FUZZ
@given(
    **STT_ARGS,
    timestamp_granularities=st.none()
    | st.lists(st.sampled_from(["word", "segment", "x"]), max_size=2)
    | ANYTHING,
)
def test_async_transcriptions_create(run_async: RunAsync, **kwargs: Any) -> None:
    result = run_async(lambda c: c.transcriptions.create(kwargs.pop("file"), **kwargs))
    assert result is None or isinstance(result, str) or isinstance(result.text, str)


@FUZZ
@given(**STT_ARGS)
def test_async_transcriptions_stream(run_async: RunAsync, **kwargs: Any) -> None:
    async def body(c: AsyncAudioClient) -> list[Any]:
        async with c.transcriptions.stream(kwargs.pop("file"), **kwargs) as events:
            return [event async for event in events]

    run_async(body)


@FUZZ
@given(
    file=FILES, model=MODELS_STT, prompt=st.none() | TEXT | ANYTHING, response_format=FORMATS,
    temperature=st.none() | NUMBERS | ANYTHING,
)  # fmt: skip
def test_async_translations_create(run_async: RunAsync, **kwargs: Any) -> None:
    result = run_async(lambda c: c.translations.create(kwargs.pop("file"), **kwargs))
    assert result is None or isinstance(result, str) or isinstance(result.text, str)


@FUZZ
@given(name=TEXT | ANYTHING, recording=FILES, language=TEXT | ANYTHING)
def test_async_voice_consents_create(run_async: RunAsync, name: Any, recording: Any, language: Any) -> None:
    consent = run_async(
        lambda c: c.voice_consents.create(name=name, recording=recording, language=language),
    )
    assert consent is None or (consent.id.startswith("cons_") and consent.name == name)


@FUZZ
@given(consent=IDS, name=TEXT | ANYTHING)
def test_async_voice_consents_by_id(
    run_async: RunAsync, audio_server: AudioServer, consent: Any, name: Any
) -> None:
    async def body(c: AsyncAudioClient) -> None:
        for call in (
            lambda: c.voice_consents.retrieve(consent),
            lambda: c.voice_consents.update(consent, name=name),
            lambda: c.voice_consents.delete(consent),
        ):
            with contextlib.suppress(*DOCUMENTED):
                await call()

    before = len(audio_server.requests)
    run_async(body, tagged=True)
    for record in audio_server.requests[before:]:
        if record.headers.get("x-fuzz-run") == "by-id-async":
            assert record.path == f"/v1/audio/voice_consents/{consent}", record.path


@FUZZ
@given(
    limit=st.none() | st.integers(-5, 200) | ANYTHING,
    after=st.none() | IDS,
    page_size=st.integers(-1, 101) | ANYTHING,
)
def test_async_voice_consents_list_and_iter(
    run_async: RunAsync, limit: Any, after: Any, page_size: Any
) -> None:
    async def body(c: AsyncAudioClient) -> None:
        with contextlib.suppress(*DOCUMENTED):
            page = await c.voice_consents.list(limit=limit, after=after)
            assert len(page.data) <= (limit or 20)
        with contextlib.suppress(*DOCUMENTED):
            await anext(aiter(c.voice_consents.iter(limit=page_size)), None)

    run_async(body)


@FUZZ
@given(name=TEXT | ANYTHING, audio_sample=FILES, consent=IDS, real_consent=st.booleans())
def test_async_voices_create(
    run_async: RunAsync, consent_id: str, name: Any, audio_sample: Any, consent: Any, real_consent: bool
) -> None:
    target = consent_id if real_consent else consent
    voice = run_async(lambda c: c.voices.create(name=name, audio_sample=audio_sample, consent=target))
    assert voice is None or voice.id.startswith("voice_")


# -- regressions: the exact inputs that once escaped as raw exceptions ----------------------------------


@pytest.mark.parametrize("call", ["speed", "temperature"])
def test_huge_int_numbers_are_argument_errors(client: AudioClient, call: str) -> None:
    calls: dict[str, Callable[[], Any]] = {
        "speed": lambda: client.speech.create("hi", voice="alloy", speed=10**400),
        "temperature": lambda: client.transcriptions.create(WAV, temperature=10**400),
    }
    with pytest.raises(InvalidArgumentError):
        calls[call]()


@pytest.mark.parametrize("where", ["filename", "speaker"])
def test_surrogates_in_filenames_and_speaker_names_are_argument_errors(
    client: AudioClient, where: str
) -> None:
    calls: dict[str, Callable[[], Any]] = {
        "filename": lambda: client.transcriptions.create(("\ud800.wav", WAV)),
        "speaker": lambda: client.transcriptions.create(
            WAV, model="gpt-4o-transcribe-diarize", known_speakers={"\ud800": CLIP}
        ),
    }
    with pytest.raises(InvalidArgumentError):
        calls[where]()


@pytest.mark.parametrize("name", ["a\x00b.wav", "n" * 300 + ".wav"])
def test_unusable_save_paths_are_argument_errors(client: AudioClient, tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidArgumentError):
        client.speech.save("hi", tmp_path / name, voice="alloy")


def test_fixed_inputs_that_used_to_escape_as_raw_exceptions(client: AudioClient) -> None:
    # Each of these raised UnicodeEncodeError, httpx.InvalidURL, OverflowError or TypeError before.
    for call in (
        lambda: client.voice_consents.retrieve("\ud800"),
        lambda: client.voice_consents.retrieve("x" * 100_000),
        lambda: client.voice_consents.list(after="\udfff"),
        lambda: client.speech.create("\ud800", voice="alloy"),
        lambda: client.transcriptions.create(WAV, prompt="\udfff"),
        lambda: client.voice_consents.list(timeout=math.nan),
        lambda: client.voice_consents.list(timeout=math.inf),
        lambda: client.voice_consents.list(timeout=10**400),
        lambda: AudioClient(api_key="k", base_url="http://[::1"),
        lambda: AudioClient(api_key="k", base_url=5),  # type: ignore[arg-type]
        lambda: AudioClient(api_key="kä"),
        lambda: AudioClient(api_key="k", organization="a\nb"),
        lambda: AudioClient(api_key="k", default_headers={"X-N": 1}),  # type: ignore[dict-item]
    ):
        with pytest.raises((InvalidArgumentError, InvalidArgumentTypeError)):
            call()
