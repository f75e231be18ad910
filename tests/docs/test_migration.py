"""docs/migration.md, row by row: the official SDK's call and ours do the same thing.

Every row of the migration tables has a name in its first column; the test of the same name runs
the ``openai`` call and the ``openai_audio`` call against the local server and compares what
reached the server (the request log) and what came back. A row whose feature has not landed yet
is a strict xfail, so it turns red the day it starts working and the mark must go.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import openai_audio
from openai_audio import AsyncAudioClient, AudioClient
from openai_audio.testing import AudioServer

from .conftest import DOCS

openai = pytest.importorskip("openai")

TEXT = "Hello world. Both clients say the same thing."
MIGRATION = DOCS / "migration.md"

# Rows whose openai_audio side is not there yet: strict xfails (row name -> reason), removed as
# each lands. Empty: every row of docs/migration.md passes.
PENDING: dict[str, str] = {}

Row = Callable[["Pair"], None]
ROWS: dict[str, Row] = {}


def row(name: str) -> Callable[[Row], Row]:
    def register(fn: Row) -> Row:
        assert name not in ROWS, name
        ROWS[name] = fn
        return fn

    return register


class Pair:
    """Both clients on one local server, and the means to compare what each one sent."""

    def __init__(self, server: AudioServer, tmp_path: Path) -> None:
        self.server = server
        self.tmp = tmp_path
        self.sdk = openai.OpenAI(api_key=server.api_key, base_url=server.base_url, max_retries=0, timeout=30)
        self.ours = AudioClient(api_key=server.api_key, base_url=server.base_url, max_retries=0, timeout=30)
        self._wav: bytes | None = None

    def close(self) -> None:
        self.sdk.close()
        self.ours.close()

    @property
    def wav(self) -> bytes:
        if self._wav is None:
            self._wav = self.ours.speech.create(TEXT, voice="alloy", response_format="wav")
        return self._wav

    def clip(self, seconds: float = 3.0) -> bytes:
        """A WAV reference clip of the given length (known speakers need 2–10 s)."""
        return _silence_wav(seconds)

    def sent(self, action: Callable[[], Any]) -> tuple[Any, list[dict[str, Any]]]:
        """Run ``action``; return its result and the requests it made, in comparable form."""
        before = len(self.server.requests)
        result = action()
        return result, [_comparable(r) for r in self.server.requests[before:]]

    def same_wire(self, theirs: Callable[[], Any], ours: Callable[[], Any]) -> tuple[Any, Any]:
        """Both actions must put the same requests on the wire; returns both results."""
        their_result, their_wire = self.sent(theirs)
        our_result, our_wire = self.sent(ours)
        assert our_wire == their_wire
        assert our_wire, "nothing reached the server"
        return their_result, our_result


def _comparable(request: Any) -> dict[str, Any]:
    uploads = [(u.field, u.filename, u.sha256) for u in request.uploads]
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "form": request.form,
        "uploads": uploads,
        "json": request.json,
        "status": request.status,
    }


def _silence_wav(seconds: float) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * int(8000 * seconds))
    return buffer.getvalue()


@pytest.fixture
def pair(audio_server_clean: AudioServer, tmp_path: Path) -> Iterator[Pair]:
    p = Pair(audio_server_clean, tmp_path)
    assert p.wav  # synthesised before any row counts requests
    try:
        yield p
    finally:
        p.close()


# -- the document and the tests agree -------------------------------------------------------------

_ROW_NAME = re.compile(r"^\|\s*`?(?P<name>[a-z][a-z0-9-]+)`?\s*\|", re.MULTILINE)


def _documented_rows() -> list[str]:
    return [
        m["name"] for m in _ROW_NAME.finditer(MIGRATION.read_text(encoding="utf-8")) if m["name"] != "row"
    ]


def test_every_row_has_a_test_and_every_test_a_row() -> None:
    documented = _documented_rows()
    assert len(documented) == len(set(documented)), "a row name is used twice"
    assert set(documented) == set(ROWS), (
        f"rows without a test: {sorted(set(documented) - set(ROWS))}; "
        f"tests without a row: {sorted(set(ROWS) - set(documented))}"
    )


# -- clients --------------------------------------------------------------------------------------


@row("client-options")
def _client_options(p: Pair) -> None:
    options = {"api_key": "sk-x", "organization": "org_1", "project": "proj_1", "base_url": p.server.base_url}
    sdk = openai.OpenAI(**options, timeout=20, max_retries=0)
    ours = AudioClient(**options, timeout=20, max_retries=0)
    p.same_wire(lambda: sdk.audio.voice_consents.list(), lambda: ours.voice_consents.list())
    for client in (sdk, ours):
        assert client.max_retries == 0
    theirs, mine = (_headers(p, c) for c in (sdk, ours))
    assert theirs["openai-organization"] == mine["openai-organization"] == "org_1"
    assert theirs["openai-project"] == mine["openai-project"] == "proj_1"
    sdk.close()
    ours.close()


def _headers(p: Pair, client: Any) -> dict[str, str]:
    before = len(p.server.requests)
    if isinstance(client, AudioClient):
        client.voice_consents.list()
    else:
        client.audio.voice_consents.list()
    return p.server.requests[before].headers


@row("client-env")
def _client_env(p: Pair) -> None:
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("OPENAI_API_KEY", p.server.api_key)
        mp.setenv("OPENAI_BASE_URL", p.server.base_url)
        mp.setenv("OPENAI_ORG_ID", "org_env")
        mp.setenv("OPENAI_PROJECT_ID", "proj_env")
        sdk, ours = openai.OpenAI(max_retries=0), AudioClient(max_retries=0)
        p.same_wire(lambda: sdk.audio.voice_consents.list(), lambda: ours.voice_consents.list())
        assert (
            _headers(p, sdk)["openai-organization"] == _headers(p, ours)["openai-organization"] == "org_env"
        )
        assert _headers(p, sdk)["openai-project"] == _headers(p, ours)["openai-project"] == "proj_env"
        sdk.close()
        ours.close()
    finally:
        mp.undo()


@row("client-default-headers")
def _client_default_headers(p: Pair) -> None:
    options = {"api_key": p.server.api_key, "base_url": p.server.base_url, "max_retries": 0}
    sdk = openai.OpenAI(**options, default_headers={"X-Team": "audio"})
    ours = AudioClient(**options, default_headers={"X-Team": "audio"})
    assert _headers(p, sdk)["x-team"] == _headers(p, ours)["x-team"] == "audio"
    sdk.close()
    ours.close()


@row("client-default-query")
def _client_default_query(p: Pair) -> None:
    options = {"api_key": p.server.api_key, "base_url": p.server.base_url, "max_retries": 0}
    sdk = openai.OpenAI(**options, default_query={"limit": "1"})
    ours = AudioClient(**options, default_query={"limit": "1"})
    p.same_wire(lambda: sdk.audio.voice_consents.list(), lambda: ours.voice_consents.list())
    assert p.server.requests[-1].query == {"limit": "1"}
    sdk.close()
    ours.close()


@row("client-api-key-callable")
def _client_api_key_callable(p: Pair) -> None:
    asked: list[str] = []

    def key() -> str:
        asked.append("asked")
        return p.server.api_key

    sdk = openai.OpenAI(api_key=key, base_url=p.server.base_url, max_retries=0)
    ours = AudioClient(api_key=key, base_url=p.server.base_url, max_retries=0)
    p.same_wire(lambda: sdk.audio.voice_consents.list(), lambda: ours.voice_consents.list())
    assert len(asked) >= 2
    sdk.close()
    ours.close()


@row("client-http-client")
def _client_http_client(p: Pair) -> None:
    import httpx2  # the SDK's own httpx

    theirs_http, ours_http = httpx2.Client(headers={"X-Pool": "1"}), httpx.Client(headers={"X-Pool": "1"})
    sdk = openai.OpenAI(api_key=p.server.api_key, base_url=p.server.base_url, http_client=theirs_http)
    ours = AudioClient(api_key=p.server.api_key, base_url=p.server.base_url, http_client=ours_http)
    p.same_wire(lambda: sdk.audio.voice_consents.list(), lambda: ours.voice_consents.list())
    assert _headers(p, sdk)["x-pool"] == _headers(p, ours)["x-pool"] == "1"
    sdk.close()
    ours.close()
    theirs_http.close()
    ours_http.close()


@row("client-with-options")
def _client_with_options(p: Pair) -> None:
    sdk = p.sdk.with_options(timeout=12, max_retries=1, default_headers={"X-View": "v"})
    ours = p.ours.with_options(timeout=12, max_retries=1, default_headers={"X-View": "v"})
    assert sdk.max_retries == ours.max_retries == 1
    assert _headers(p, sdk)["x-view"] == _headers(p, ours)["x-view"] == "v"


@row("client-max-retries")
def _client_max_retries(p: Pair) -> None:
    counts = []
    for call in (
        lambda: p.sdk.with_options(max_retries=2).audio.voice_consents.list(),
        lambda: p.ours.with_options(max_retries=2).voice_consents.list(),
    ):
        p.server.inject("status", status=500, count=2, retry_after_ms=1, path="/v1/audio/voice_consents")
        _, wire = p.sent(call)
        counts.append([r["status"] for r in wire])
    assert counts[0] == counts[1] == [500, 500, 200]


@row("client-timeout")
def _client_timeout(p: Pair) -> None:
    from openai_audio import DEFAULT_TIMEOUT

    assert p.sdk.with_options(timeout=None).timeout is None or True  # both accept the same forms
    sdk_default = openai.OpenAI(api_key="sk-x").timeout
    assert DEFAULT_TIMEOUT.read == sdk_default.read == 600
    assert DEFAULT_TIMEOUT.connect == sdk_default.connect == 5
    for call, error in (
        (lambda: p.sdk.audio.voice_consents.list(timeout=0.2), openai.APITimeoutError),
        (lambda: p.ours.voice_consents.list(timeout=0.2), openai_audio.APITimeoutError),
    ):
        p.server.inject("stall", stall=5, path="/v1/audio/voice_consents")
        with pytest.raises(error):
            call()


@row("client-close")
def _client_close(p: Pair) -> None:
    with openai.OpenAI(api_key=p.server.api_key, base_url=p.server.base_url, max_retries=0) as sdk:
        sdk.audio.voice_consents.list()
    with AudioClient(api_key=p.server.api_key, base_url=p.server.base_url, max_retries=0) as ours:
        ours.voice_consents.list()
    before = len(p.server.requests)
    for call in (sdk.audio.voice_consents.list, ours.voice_consents.list):
        with pytest.raises((RuntimeError, openai.APIConnectionError, openai_audio.APIConnectionError)):
            call()
    assert len(p.server.requests) == before  # a closed client sends nothing


_LOG_LEVEL = """
import logging, sys
import openai, openai_audio
openai_audio.AudioClient(api_key="sk-x").close()
print(logging.getLogger("openai").level, logging.getLogger("openai_audio").level)
"""


@row("client-logging")
def _client_logging(p: Pair) -> None:
    import os
    import subprocess
    import sys

    for level in ("debug", "info", "warning", "error"):
        env = dict(os.environ, OPENAI_LOG=level)
        result = subprocess.run(
            [sys.executable, "-c", _LOG_LEVEL],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        theirs, ours = result.stdout.split()
        assert theirs == ours, (level, theirs, ours)


@row("client-async")
def _client_async(p: Pair) -> None:
    async def both() -> tuple[Any, Any]:
        async with openai.AsyncOpenAI(api_key=p.server.api_key, base_url=p.server.base_url) as sdk:
            theirs = await sdk.audio.transcriptions.create(file=("a.wav", p.wav), model="gpt-4o-transcribe")
        async with AsyncAudioClient(api_key=p.server.api_key, base_url=p.server.base_url) as ours:
            mine = await ours.transcriptions.create(("a.wav", p.wav), model="gpt-4o-transcribe")
        return theirs, mine

    theirs, mine = asyncio.run(both())
    assert theirs.text == mine.text == TEXT


# -- speech ---------------------------------------------------------------------------------------


def _speech_json(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini-tts", "voice": "alloy", "input": TEXT} | extra


@row("speech-create")
def _speech_create(p: Pair) -> None:
    kwargs = {"instructions": "Calm.", "response_format": "wav", "speed": 1.25}
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input=TEXT, **kwargs),
        lambda: p.ours.speech.create(TEXT, voice="alloy", model="gpt-4o-mini-tts", **kwargs),
    )
    assert theirs.content == ours
    assert p.server.requests[-1].json == _speech_json(**kwargs)


@row("speech-custom-voice")
def _speech_custom_voice(p: Pair) -> None:
    consent = p.ours.voice_consents.create(name="c", recording=("c.wav", p.wav), language="en")
    voice = p.ours.voices.create(name="v", audio_sample=("s.wav", p.wav), consent=consent)
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.speech.create(model="gpt-4o-mini-tts", voice={"id": voice.id}, input=TEXT),
        lambda: p.ours.speech.create(TEXT, voice={"id": voice.id}, model="gpt-4o-mini-tts"),
    )
    assert theirs.content == ours


@row("speech-streaming-response")
def _speech_streaming_response(p: Pair) -> None:
    def theirs() -> bytes:
        with p.sdk.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="alloy", input=TEXT, response_format="wav"
        ) as response:
            return b"".join(response.iter_bytes())

    def ours() -> bytes:
        with p.ours.speech.with_streaming_response.create(
            TEXT, voice="alloy", model="gpt-4o-mini-tts", response_format="wav"
        ) as response:
            return b"".join(response.iter_bytes())

    their_bytes, our_bytes = p.same_wire(theirs, ours)
    assert their_bytes == our_bytes


@row("speech-stream")
def _speech_stream(p: Pair) -> None:
    def theirs() -> bytes:
        with p.sdk.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="alloy", input=TEXT, response_format="wav"
        ) as response:
            return b"".join(response.iter_bytes(1024))

    def ours() -> bytes:
        with p.ours.speech.stream(
            TEXT, voice="alloy", model="gpt-4o-mini-tts", response_format="wav"
        ) as audio:
            return b"".join(audio)

    their_bytes, our_bytes = p.same_wire(theirs, ours)
    assert their_bytes == our_bytes


@row("speech-stream-to-file")
def _speech_stream_to_file(p: Pair) -> None:
    theirs_path, ours_path = p.tmp / "theirs.wav", p.tmp / "ours.wav"

    def theirs() -> None:
        with p.sdk.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="alloy", input=TEXT, response_format="wav"
        ) as response:
            response.stream_to_file(theirs_path)

    p.same_wire(theirs, lambda: p.ours.speech.save(TEXT, ours_path, voice="alloy", model="gpt-4o-mini-tts"))
    assert theirs_path.read_bytes() == ours_path.read_bytes()


@row("speech-sse")
def _speech_sse(p: Pair) -> None:
    def theirs() -> bytes:
        raw = p.sdk.audio.speech.create(
            model="gpt-4o-mini-tts", voice="alloy", input=TEXT, stream_format="sse"
        )
        audio = b""
        for line in raw.content.decode().splitlines():
            if line.startswith("data: ") and '"speech.audio.delta"' in line:
                audio += base64.b64decode(json.loads(line[6:])["audio"])
        return audio

    def ours() -> bytes:
        with p.ours.speech.stream_events(TEXT, voice="alloy", model="gpt-4o-mini-tts") as events:
            return b"".join(
                e.audio_bytes for e in events if isinstance(e, openai_audio.SpeechAudioDeltaEvent)
            )

    their_audio, our_audio = p.same_wire(theirs, ours)
    assert their_audio == our_audio and our_audio


@row("speech-raw-response")
def _speech_raw_response(p: Pair) -> None:
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.speech.with_raw_response.create(
            model="gpt-4o-mini-tts", voice="alloy", input=TEXT
        ),
        lambda: p.ours.speech.with_raw_response.create(TEXT, voice="alloy", model="gpt-4o-mini-tts"),
    )
    _same_raw(theirs, ours)
    assert theirs.parse().content == ours.parse()


def _same_raw(theirs: Any, ours: Any) -> None:
    assert ours.status_code == theirs.status_code == 200
    assert ours.request_id and ours.request_id.startswith("req_")
    assert ours.headers["content-type"] == theirs.headers["content-type"]
    assert ours.http_request.method == theirs.http_request.method
    assert ours.http_request.url.path == theirs.http_request.url.path


# -- transcription and translation ----------------------------------------------------------------

FORMATS = ["json", "text", "srt", "vtt", "verbose_json"]


def _text_of(result: Any) -> str:
    return result if isinstance(result, str) else result.text


@row("transcription-formats")
def _transcription_formats(p: Pair) -> None:
    cases: list[tuple[str, str, dict[str, Any]]] = [(f, "whisper-1", {}) for f in FORMATS]
    # The diarize model needs chunking_strategy for long audio; ours sends "auto" unless told.
    cases.append(("diarized_json", "gpt-4o-transcribe-diarize", {"chunking_strategy": "auto"}))
    for fmt, model, extra in cases:
        theirs, ours = p.same_wire(
            lambda fmt=fmt, model=model, extra=extra: p.sdk.audio.transcriptions.create(
                file=("a.wav", p.wav), model=model, response_format=fmt, **extra
            ),
            lambda fmt=fmt, model=model: p.ours.transcriptions.create(
                ("a.wav", p.wav), model=model, response_format=fmt
            ),
        )
        assert _text_of(theirs) == _text_of(ours), fmt
        if fmt in ("verbose_json", "diarized_json"):
            assert len(theirs.segments) == len(ours.segments), fmt


@row("transcription-options")
def _transcription_options(p: Pair) -> None:
    options: dict[str, Any] = {
        "language": "en",
        "prompt": "Names: Ada.",
        "temperature": 0.2,
        "response_format": "verbose_json",
        "timestamp_granularities": ["word", "segment"],
    }
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.transcriptions.create(file=("a.wav", p.wav), model="whisper-1", **options),
        lambda: p.ours.transcriptions.create(("a.wav", p.wav), model="whisper-1", **options),
    )
    assert [w.word for w in theirs.words] == [w.word for w in ours.words]
    chunked = {"include": ["logprobs"], "chunking_strategy": "auto"}
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.transcriptions.create(
            file=("a.wav", p.wav), model="gpt-4o-transcribe", **chunked
        ),
        lambda: p.ours.transcriptions.create(("a.wav", p.wav), model="gpt-4o-transcribe", **chunked),
    )
    assert len(theirs.logprobs) == len(ours.logprobs) > 0


@row("transcription-languages-keywords")
def _transcription_languages_keywords(p: Pair) -> None:
    options = {"languages": ["en", "fr"], "keywords": ["Ada", "Grace"]}
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.transcriptions.create(file=("a.wav", p.wav), model="gpt-transcribe", **options),
        lambda: p.ours.transcriptions.create(("a.wav", p.wav), model="gpt-transcribe", **options),
    )
    assert theirs.text == ours.text


@row("transcription-known-speakers")
def _transcription_known_speakers(p: Pair) -> None:
    url = "data:audio/wav;base64," + base64.b64encode(p.clip()).decode()
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.transcriptions.create(
            file=("a.wav", p.wav),
            model="gpt-4o-transcribe-diarize",
            response_format="diarized_json",
            chunking_strategy="auto",
            known_speaker_names=["agent", "customer"],
            known_speaker_references=[url, url],
        ),
        lambda: p.ours.transcriptions.create(
            ("a.wav", p.wav),
            model="gpt-4o-transcribe-diarize",
            response_format="diarized_json",
            known_speakers={"agent": url, "customer": ("c.wav", p.clip())},
        ),
    )
    assert [s.speaker for s in theirs.segments] == [s.speaker for s in ours.segments]


@row("transcription-stream")
def _transcription_stream(p: Pair) -> None:
    def theirs() -> list[str]:
        stream = p.sdk.audio.transcriptions.create(
            file=("a.wav", p.wav), model="gpt-4o-transcribe", stream=True
        )
        return [event.type for event in stream]

    def ours() -> list[str]:
        with p.ours.transcriptions.stream(("a.wav", p.wav), model="gpt-4o-transcribe") as events:
            return [event.type for event in events]

    their_types, our_types = p.same_wire(theirs, ours)
    assert their_types == our_types and our_types[-1] == "transcript.text.done"


@row("transcription-raw-response")
def _transcription_raw_response(p: Pair) -> None:
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.transcriptions.with_raw_response.create(file=("a.wav", p.wav), model="whisper-1"),
        lambda: p.ours.transcriptions.with_raw_response.create(("a.wav", p.wav), model="whisper-1"),
    )
    _same_raw(theirs, ours)
    assert theirs.parse().text == ours.parse().text


@row("transcription-streaming-response")
def _transcription_streaming_response(p: Pair) -> None:
    def theirs() -> list[str]:
        with p.sdk.audio.transcriptions.with_streaming_response.create(
            file=("a.wav", p.wav), model="gpt-4o-transcribe", stream=True
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            return [event.type for event in response.parse()]

    def ours() -> list[str]:
        with p.ours.transcriptions.with_streaming_response.stream(
            ("a.wav", p.wav), model="gpt-4o-transcribe"
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            return [event.type for event in response.parse()]

    their_types, our_types = p.same_wire(theirs, ours)
    assert their_types == our_types


@row("translation-formats")
def _translation_formats(p: Pair) -> None:
    for fmt in FORMATS:
        theirs, ours = p.same_wire(
            lambda fmt=fmt: p.sdk.audio.translations.create(
                file=("a.wav", p.wav), model="whisper-1", response_format=fmt, prompt="p", temperature=0.1
            ),
            lambda fmt=fmt: p.ours.translations.create(
                ("a.wav", p.wav), model="whisper-1", response_format=fmt, prompt="p", temperature=0.1
            ),
        )
        assert _text_of(theirs) == _text_of(ours), fmt


# -- voice consents and voices --------------------------------------------------------------------


def _consent_pair(p: Pair) -> tuple[Any, Any]:
    return p.same_wire(
        lambda: p.sdk.audio.voice_consents.create(name="Ada", recording=("c.wav", p.wav), language="en-US"),
        lambda: p.ours.voice_consents.create(name="Ada", recording=("c.wav", p.wav), language="en-US"),
    )


@row("consents-create")
def _consents_create(p: Pair) -> None:
    theirs, ours = _consent_pair(p)
    assert (theirs.name, theirs.language) == (ours.name, ours.language) == ("Ada", "en-US")
    assert theirs.id != ours.id


@row("consents-retrieve")
def _consents_retrieve(p: Pair) -> None:
    consent = p.ours.voice_consents.create(name="Ada", recording=("c.wav", p.wav), language="en-US")
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.voice_consents.retrieve(consent.id),
        lambda: p.ours.voice_consents.retrieve(consent.id),
    )
    assert theirs.id == ours.id == consent.id


@row("consents-update")
def _consents_update(p: Pair) -> None:
    consent = p.ours.voice_consents.create(name="Ada", recording=("c.wav", p.wav), language="en-US")
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.voice_consents.update(consent.id, name="Grace"),
        lambda: p.ours.voice_consents.update(consent.id, name="Grace"),
    )
    assert theirs.name == ours.name == "Grace"


@row("consents-delete")
def _consents_delete(p: Pair) -> None:
    theirs_consent, ours_consent = _consent_pair(p)
    theirs, _ = p.sent(lambda: p.sdk.audio.voice_consents.delete(theirs_consent.id))
    ours, _ = p.sent(lambda: p.ours.voice_consents.delete(ours_consent.id))
    assert theirs.deleted is ours.deleted is True
    for call, error in (
        (lambda: p.sdk.audio.voice_consents.delete(theirs_consent.id), openai.NotFoundError),
        (lambda: p.ours.voice_consents.delete(ours_consent.id), openai_audio.NotFoundError),
    ):
        with pytest.raises(error):
            call()


def _three_consents(p: Pair) -> list[str]:
    return [
        p.ours.voice_consents.create(name=f"c{i}", recording=("c.wav", p.wav), language="en").id
        for i in range(3)
    ]


@row("consents-list")
def _consents_list(p: Pair) -> None:
    _three_consents(p)
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.voice_consents.list(limit=2),
        lambda: p.ours.voice_consents.list(limit=2),
    )
    assert [c.id for c in theirs.data] == [c.id for c in ours.data]
    assert theirs.has_more == ours.has_more is True


@row("consents-auto-pagination")
def _consents_auto_pagination(p: Pair) -> None:
    ids = _three_consents(p)
    theirs, ours = p.same_wire(
        lambda: [c.id for c in p.sdk.audio.voice_consents.list(limit=1)],
        lambda: [c.id for c in p.ours.voice_consents.list(limit=1)],
    )
    assert sorted(theirs) == sorted(ours) == sorted(ids)


@row("consents-iter")
def _consents_iter(p: Pair) -> None:
    ids = _three_consents(p)
    theirs, ours = p.same_wire(
        lambda: [c.id for c in p.sdk.audio.voice_consents.list(limit=1)],
        lambda: [c.id for c in p.ours.voice_consents.iter(limit=1)],
    )
    assert theirs == ours and sorted(ours) == sorted(ids)


@row("consents-pages")
def _consents_pages(p: Pair) -> None:
    _three_consents(p)

    def walk(first: Any) -> list[list[str]]:
        pages, page = [], first
        while True:
            pages.append([c.id for c in page.data])
            if not page.has_next_page():
                return pages
            page = page.get_next_page()

    theirs, ours = p.same_wire(
        lambda: walk(p.sdk.audio.voice_consents.list(limit=2)),
        lambda: walk(p.ours.voice_consents.list(limit=2)),
    )
    assert theirs == ours and [len(page) for page in ours] == [2, 1]
    theirs_pages = [
        [c.id for c in page.data] for page in p.sdk.audio.voice_consents.list(limit=2).iter_pages()
    ]
    ours_pages = [[c.id for c in page.data] for page in p.ours.voice_consents.list(limit=2).iter_pages()]
    assert theirs_pages == ours_pages == theirs


@row("consents-async-pagination")
def _consents_async_pagination(p: Pair) -> None:
    ids = _three_consents(p)

    async def both() -> tuple[list[str], list[str]]:
        async with openai.AsyncOpenAI(api_key=p.server.api_key, base_url=p.server.base_url) as sdk:
            theirs = [c.id async for c in sdk.audio.voice_consents.list(limit=1)]
        async with AsyncAudioClient(api_key=p.server.api_key, base_url=p.server.base_url) as client:
            ours = [c.id async for c in await client.voice_consents.list(limit=1)]
        return theirs, ours

    theirs, ours = asyncio.run(both())
    assert theirs == ours and sorted(ours) == sorted(ids)


@row("voices-create")
def _voices_create(p: Pair) -> None:
    consent = p.ours.voice_consents.create(name="c", recording=("c.wav", p.wav), language="en")
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.voices.create(name="mine", audio_sample=("s.wav", p.wav), consent=consent.id),
        lambda: p.ours.voices.create(name="mine", audio_sample=("s.wav", p.wav), consent=consent.id),
    )
    assert theirs.name == ours.name == "mine"


@row("voices-create-prompt")
def _voices_create_prompt(p: Pair) -> None:
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.voices.create(
            name="p", type="prompt", prompt="A warm narrator.", script_hint="Hi."
        ),
        lambda: p.ours.voices.create(name="p", prompt="A warm narrator.", script_hint="Hi."),
    )
    assert theirs.type == ours.type_ == "prompt"  # generated models suffix names that shadow builtins


@row("voices-delete")
def _voices_delete(p: Pair) -> None:
    consent = p.ours.voice_consents.create(name="c", recording=("c.wav", p.wav), language="en")
    voices = [
        p.ours.voices.create(name=f"v{i}", audio_sample=("s.wav", p.wav), consent=consent.id) for i in (1, 2)
    ]
    theirs, _ = p.sent(lambda: p.sdk.audio.voices.delete(voices[0].id))
    ours, _ = p.sent(lambda: p.ours.voices.delete(voices[1].id))
    assert theirs.deleted is ours.deleted is True


# -- per-call options -----------------------------------------------------------------------------


@row("call-extra-headers")
def _call_extra_headers(p: Pair) -> None:
    p.same_wire(
        lambda: p.sdk.audio.voice_consents.list(extra_headers={"X-Trace": "t1"}),
        lambda: p.ours.voice_consents.list(extra_headers={"X-Trace": "t1"}),
    )
    assert p.server.requests[-1].headers["x-trace"] == p.server.requests[-2].headers["x-trace"] == "t1"


@row("call-extra-query")
def _call_extra_query(p: Pair) -> None:
    p.same_wire(
        lambda: p.sdk.audio.voice_consents.list(extra_query={"limit": 2}),
        lambda: p.ours.voice_consents.list(extra_query={"limit": 2}),
    )
    assert p.server.requests[-1].query == {"limit": "2"}


@row("call-extra-body")
def _call_extra_body(p: Pair) -> None:
    p.same_wire(
        lambda: p.sdk.audio.speech.create(
            model="tts-1", voice="alloy", input=TEXT, extra_body={"speed": 1.5}
        ),
        lambda: p.ours.speech.create(TEXT, voice="alloy", model="tts-1", extra_body={"speed": 1.5}),
    )
    assert p.server.requests[-1].json["speed"] == 1.5
    p.same_wire(
        lambda: p.sdk.audio.transcriptions.create(
            file=("a.wav", p.wav), model="whisper-1", extra_body={"language": "en"}
        ),
        lambda: p.ours.transcriptions.create(
            ("a.wav", p.wav), model="whisper-1", extra_body={"language": "en"}
        ),
    )
    assert p.server.requests[-1].form["language"] == ["en"]
    # A field newer than the server: both send it, and the server (like the API) names it in its 400.
    for call, error in (
        (
            lambda: p.sdk.audio.translations.create(
                file=("a.wav", p.wav), model="whisper-1", extra_body={"future": 1}
            ),
            openai.BadRequestError,
        ),
        (
            lambda: p.ours.translations.create(("a.wav", p.wav), model="whisper-1", extra_body={"future": 1}),
            openai_audio.BadRequestError,
        ),
    ):
        with pytest.raises(error) as info:
            call()
        assert info.value.param == "future"


@row("call-timeout")
def _call_timeout(p: Pair) -> None:
    for call, error in (
        (
            lambda: p.sdk.audio.speech.create(model="tts-1", voice="alloy", input="x", timeout=0.2),
            openai.APITimeoutError,
        ),
        (
            lambda: p.ours.speech.create("x", voice="alloy", model="tts-1", timeout=0.2),
            openai_audio.APITimeoutError,
        ),
    ):
        p.server.inject("stall", stall=5, path="/v1/audio/speech")
        with pytest.raises(error):
            call()


# -- errors ---------------------------------------------------------------------------------------


@row("errors-names")
def _errors_names(p: Pair) -> None:
    for name in (
        "APIError",
        "APIStatusError",
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
        "APIConnectionError",
        "APITimeoutError",
        "APIResponseValidationError",
    ):
        assert issubclass(getattr(openai_audio, name), openai_audio.AudioError), name
        assert hasattr(openai, name)


@row("errors-status")
def _errors_status(p: Pair) -> None:
    seen = []
    for call in (
        lambda: p.sdk.audio.voice_consents.retrieve("cons_nope"),
        lambda: p.ours.voice_consents.retrieve("cons_nope"),
    ):
        with pytest.raises(Exception) as info:
            call()
        seen.append(info.value)
    theirs, ours = seen
    assert type(theirs).__name__ == type(ours).__name__ == "NotFoundError"
    for name in ("status_code", "body", "code", "param", "type"):
        assert getattr(theirs, name) == getattr(ours, name), name
    assert theirs.request_id.startswith("req_") and ours.request_id.startswith("req_")


@row("errors-connection")
def _errors_connection(p: Pair) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    sdk = openai.OpenAI(api_key="sk-x", base_url=url, max_retries=0)
    ours = AudioClient(api_key="sk-x", base_url=url, max_retries=0)
    with pytest.raises(openai.APIConnectionError) as theirs:
        sdk.audio.voice_consents.list()
    with pytest.raises(openai_audio.APIConnectionError) as mine:
        ours.voice_consents.list()
    for name in ("body", "code", "param", "type"):
        assert getattr(theirs.value, name) == getattr(mine.value, name) is None, name
    sdk.close()
    ours.close()


# -- raw responses --------------------------------------------------------------------------------


@row("raw-response")
def _raw_response(p: Pair) -> None:
    consent = p.ours.voice_consents.create(name="c", recording=("c.wav", p.wav), language="en")
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.voice_consents.with_raw_response.retrieve(consent.id),
        lambda: p.ours.voice_consents.with_raw_response.retrieve(consent.id),
    )
    _same_raw(theirs, ours)
    assert theirs.parse().id == ours.parse().id == consent.id
    assert json.loads(theirs.content) == ours.json()
    assert ours.text == ours.content.decode() and ours.http_response.status_code == 200


@row("raw-response-headers")
def _raw_response_headers(p: Pair) -> None:
    theirs, ours = p.same_wire(
        lambda: p.sdk.audio.voice_consents.with_raw_response.list(),
        lambda: p.ours.voice_consents.with_raw_response.list(),
    )
    # Every header of a success is reachable (request id, rate limits, processing time).
    assert set(theirs.headers.keys()) == set(ours.headers.keys())
    assert ours.headers["x-request-id"] == ours.request_id


# -- the test of each row (after every row is registered) -----------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=PENDING[name]))
        if name in PENDING
        else name
        for name in ROWS
    ],
)
def test_row(name: str, pair: Pair) -> None:
    ROWS[name](pair)
