"""Security properties, one test each: the key stays secret, ids stay in their route, redirects
do not carry the key, TLS is verified, clear-text remote URLs warn, and files are handled safely."""

from __future__ import annotations

import json
import logging
import os
import ssl
import stat
import subprocess
import sys
import textwrap
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_audio import AsyncAudioClient, AudioClient, InsecureBaseURLWarning
from openai_audio._files import audio_data_url
from openai_audio.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    InvalidArgumentError,
    NotFoundError,
)
from openai_audio.testing import AudioServer

from .conftest import RedirectServer, text_wav

KEY = "sk-reliability-SECRET-7f3a9c"
BAD_IDS = ["", ".", "..", "a/b", "../voices", "..\\voices", "cons_1/../../speech", " "]
CONSENTS = "/v1/audio/voice_consents"


@pytest.fixture
def keyed_server() -> Iterator[AudioServer]:
    """A server that accepts only KEY, so a request without it is visibly refused (401)."""
    with AudioServer(api_keys=[KEY]) as server:
        yield server


def _everything_about(exc: BaseException) -> str:
    """Every text an error exposes: str, repr, args, body, request/response reprs, full traceback."""
    parts = [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    if isinstance(exc, APIError):
        parts += [json.dumps(exc.body, default=repr), repr(exc.request)]
        response = getattr(exc, "response", None)
        if response is not None:
            parts += [repr(response), response.text]
    return "\n".join(parts)


def test_key_never_appears_in_errors(keyed_server: AudioServer) -> None:
    errors: list[BaseException] = []
    with AudioClient(base_url=keyed_server.base_url, api_key=KEY, max_retries=0, timeout=5) as client:
        for call in (
            lambda: client.voice_consents.retrieve("cons_missing"),  # 404
            lambda: client.speech.create("hi", voice="nobody"),  # 400
            lambda: client.transcriptions.create(text_wav("x", 100), model="no-such-model"),  # 400
        ):
            with pytest.raises(APIStatusError) as info:
                call()
            errors.append(info.value)
        keyed_server.inject("server_error")
        with pytest.raises(APIStatusError) as info:
            client.voice_consents.list()
        errors.append(info.value)
    with AudioClient(base_url="http://127.0.0.1:1/v1", api_key=KEY, max_retries=0) as dead:
        with pytest.raises(APIConnectionError) as conn:
            dead.voice_consents.list()
        errors.append(conn.value)
    # A key the server refuses: the 401 must not echo it either.
    with AudioClient(base_url=keyed_server.base_url, api_key=KEY + "-wrong", max_retries=0) as wrong:
        with pytest.raises(AuthenticationError) as auth:
            wrong.voice_consents.list()
        errors.append(auth.value)
    for exc in errors:
        text = _everything_about(exc)
        assert KEY not in text, type(exc).__name__


@pytest.mark.parametrize("bad_key", [KEY + "\n", KEY + "\r\nX-Injected: 1", KEY + "ä", KEY + "\x00"])
def test_unsendable_key_is_refused_at_construction_without_echoing_it(bad_key: str) -> None:
    # Before the fix, httpx raised mid-request with the header (and key) in the message.
    with pytest.raises(InvalidArgumentError, match="api_key") as info:
        AudioClient(api_key=bad_key, base_url="http://127.0.0.1:1/v1")
    assert KEY not in _everything_about(info.value)


def test_key_never_in_repr_of_clients_pages_or_results(keyed_server: AudioServer) -> None:
    with AudioClient(base_url=keyed_server.base_url, api_key=KEY) as client:
        page = client.voice_consents.list()
        texts = [
            repr(client),
            str(client),
            repr(client.with_options(max_retries=0)),
            repr(page),
            repr(client.raw),
        ]
    aclient = AsyncAudioClient(base_url=keyed_server.base_url, api_key=KEY)
    texts += [repr(aclient), str(aclient)]
    assert all(KEY not in text for text in texts)


def test_debug_logs_in_process_never_show_the_key(
    keyed_server: AudioServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_LOG", "debug")
    caplog.set_level(logging.DEBUG)  # every logger: httpx and httpcore too
    keyed_server.inject("rate_limit", retry_after_ms=1)
    with AudioClient(base_url=keyed_server.base_url, api_key=KEY, max_retries=2) as client:
        client.voice_consents.list()  # one retry, logged
        with pytest.raises(NotFoundError):
            client.voice_consents.retrieve("cons_missing")
    messages = [record.getMessage() for record in caplog.records]
    assert any("retrying" in m for m in messages), "the retry was logged: the test saw real logs"
    assert all(KEY not in m for m in messages)


def test_debug_logs_on_stderr_never_show_the_key(tmp_path: Path) -> None:
    # OPENAI_LOG is read when the client is made: a fresh process sees exactly what a user would.
    script = textwrap.dedent(
        f"""
        from openai_audio import AudioClient, errors
        from openai_audio.testing import AudioServer
        with AudioServer(api_keys=[{KEY!r}]) as server:
            server.inject("unavailable", retry_after_ms=1)
            with AudioClient(base_url=server.base_url, api_key={KEY!r}, max_retries=2) as client:
                client.voice_consents.list()
                try:
                    client.voice_consents.retrieve("cons_missing")
                except errors.NotFoundError as exc:
                    print("error:", exc, repr(exc))
        """
    )
    env = {**os.environ, "OPENAI_LOG": "debug", "OPENAI_API_KEY": KEY}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "retrying" in done.stderr and "voice_consents" in done.stderr
    assert KEY not in done.stderr and KEY not in done.stdout


@pytest.mark.parametrize("outcome", ["success", "server-error", "connection-error"])
def test_cli_output_never_shows_the_key(keyed_server: AudioServer, outcome: str) -> None:
    # OPENAI_LOG=debug logs every request: the key must be in none of it, whatever the outcome.
    base_url = "http://127.0.0.1:1/v1" if outcome == "connection-error" else keyed_server.base_url
    if outcome == "server-error":
        keyed_server.inject("status", status=500, path="/v1/audio/voice_consents")
    done = subprocess.run(
        [sys.executable, "-m", "openai_audio.cli", "--api-key", KEY, "--base-url", base_url,
         "--max-retries", "0", "consents", "list"],
        capture_output=True, text=True, timeout=60, check=False,
        env={k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"} | {"OPENAI_LOG": "debug"},
    )  # fmt: skip
    if outcome == "success":  # the key reached the server, which accepts only KEY
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("id\tname"), done.stdout
        assert "/v1/audio/voice_consents -> 200" in done.stderr
    else:
        assert done.returncode == 1, done.stderr
        expected = "InternalServerError" if outcome == "server-error" else "APIConnectionError"
        assert f"error: {expected}" in done.stderr, done.stderr
    assert KEY not in done.stdout and KEY not in done.stderr


# -- ids stay in their route ----------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", BAD_IDS)
async def test_unsafe_ids_never_reach_any_route(server: AudioServer, bad_id: str) -> None:
    wav = text_wav("v", 2_000)
    tag = {"X-Test": "unsafe-ids"}  # late-logged requests of earlier tests must not count
    with AudioClient(
        base_url=server.base_url, api_key=server.api_key, max_retries=0, default_headers=tag
    ) as client:
        for call in (
            lambda: client.voice_consents.list(after=bad_id),
            lambda: client.voices.create(name="v", audio_sample=wav, consent=bad_id),
        ):
            with pytest.raises(InvalidArgumentError):
                call()
    async with AsyncAudioClient(
        base_url=server.base_url, api_key=server.api_key, max_retries=0, default_headers=tag
    ) as aclient:
        for acall in (
            lambda: aclient.voice_consents.retrieve(bad_id),
            lambda: aclient.voice_consents.update(bad_id, name="x"),
            lambda: aclient.voice_consents.delete(bad_id),
            lambda: aclient.voice_consents.list(after=bad_id),
        ):
            with pytest.raises(InvalidArgumentError):
                await acall()
    assert [r for r in server.requests if r.headers.get("x-test") == "unsafe-ids"] == []


@pytest.mark.parametrize(
    "tricky", ["%2e%2e", "%2E.", "..%2fvoices", "%2F", "a%2Fb", "cons?x=1", "c#f", "é", "%00"]
)
def test_encoded_ids_stay_one_path_segment(client: AudioClient, server: AudioServer, tricky: str) -> None:
    # Sent, but percent-encoded: the server sees exactly this id under the consents route.
    with pytest.raises(NotFoundError):
        client.voice_consents.retrieve(tricky)
    with pytest.raises(NotFoundError):
        client.voice_consents.delete(tricky)
    # By-id requests only: a stalled list call of an earlier test may be logged late.
    mine = [r for r in server.requests if r.path.startswith(CONSENTS + "/")]
    assert [(r.method, r.path) for r in mine] == [
        ("GET", f"{CONSENTS}/{tricky}"),
        ("DELETE", f"{CONSENTS}/{tricky}"),
    ]
    assert all(r.query == {} for r in mine)


# -- redirects ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_to_another_origin_is_not_followed(keyed_server: AudioServer, status: int) -> None:
    origin = keyed_server.base_url.removesuffix("/v1")
    with RedirectServer(origin, status=status) as redirector:
        with AudioClient(base_url=redirector.base_url, api_key=KEY, max_retries=3) as client:
            with pytest.raises(APIStatusError) as info:
                client.voice_consents.list()
            with pytest.raises(APIStatusError):
                client.speech.create("hi", voice="alloy")  # a POST with a body: 307/308 would replay it
            raw = client.raw.get_httpx_client().get("/audio/voice_consents")  # the generated client's path
    assert info.value.status_code == status
    assert raw.status_code == status
    assert len(redirector.seen) == 3, "each call was sent once, not retried or followed"
    assert keyed_server.requests == [], "nothing reached the redirect target"


def test_redirect_followed_by_a_user_client_drops_the_key(keyed_server: AudioServer) -> None:
    # A caller may opt in to following: httpx then strips Authorization across origins (here: port).
    origin = keyed_server.base_url.removesuffix("/v1")
    with RedirectServer(origin, status=307) as redirector:
        http = httpx.Client(follow_redirects=True)
        with AudioClient(
            base_url=redirector.base_url, api_key=KEY, max_retries=0, http_client=http
        ) as client:
            with pytest.raises(AuthenticationError):  # the target refused: no key arrived
                client.voice_consents.list()
        http.close()
    assert redirector.seen[0]["authorization"] == f"Bearer {KEY}"
    assert [r.status for r in keyed_server.requests] == [401]


# -- transport security ---------------------------------------------------------------------------


def _ssl_context(client: AudioClient | AsyncAudioClient) -> ssl.SSLContext:
    # The pool the client created (its default transport): httpx keeps the context private.
    transport: Any = client._pool._transport
    return transport._pool._ssl_context  # type: ignore[no-any-return]


async def test_tls_certificates_are_verified_by_default() -> None:
    with AudioClient(api_key=KEY) as client:
        context = _ssl_context(client)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    async with AsyncAudioClient(api_key=KEY) as aclient:
        acontext = _ssl_context(aclient)
    assert acontext.verify_mode == ssl.CERT_REQUIRED and acontext.check_hostname is True


@pytest.mark.parametrize(
    "url", ["http://192.0.2.10/v1", "http://api.example.com:8080/v1", "http://[2001:db8::1]/v1"]
)
def test_plain_http_to_a_remote_host_warns_without_sending(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    http = httpx.Client(transport=httpx.MockTransport(record))
    with pytest.warns(InsecureBaseURLWarning) as caught:
        AudioClient(api_key=KEY, base_url=url, http_client=http).close()
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    with pytest.warns(InsecureBaseURLWarning):
        AudioClient(api_key=KEY, http_client=http).close()
    assert sent == []
    assert all(KEY not in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # https, and http to this machine, are silent
        AudioClient(api_key=KEY, base_url="https://api.example.com/v1").close()
        AudioClient(api_key=KEY, base_url="http://[::1]:8080/v1").close()


# -- files ----------------------------------------------------------------------------------------


class Untouchable:
    """A seekable binary file whose content must never be read."""

    mode = "rb"
    name = "big.wav"

    def __init__(self, size: int) -> None:
        self._size = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        self._pos = {0: offset, 1: self._pos + offset, 2: self._size + offset}[whence]
        return self._pos

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the content was read")


def test_data_url_builder_rejects_oversized_input_without_reading(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="at most 10 MiB"):
        audio_data_url(Untouchable(1 << 40), argument="ref")  # type: ignore[arg-type]
    sparse = tmp_path / "huge.wav"
    with open(sparse, "wb") as f:
        f.truncate(1 << 30)  # 1 GiB on paper, nothing on disk: only a stat can be afforded
    with pytest.raises(InvalidArgumentError, match="at most 10 MiB"):
        audio_data_url(sparse, argument="ref")


def _failing_speech(folder: Path, seen: list[tuple[str, int]]) -> httpx.MockTransport:
    """Audio that breaks after one chunk; while it flows, record the temporary files in ``folder``."""

    def body() -> Iterator[bytes]:
        yield b"ID3" + bytes(1000)
        for path in folder.iterdir():
            seen.append((path.name, stat.S_IMODE(path.stat().st_mode)))
        raise httpx.ReadError("connection lost mid-body")

    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body(), headers={"content-type": "audio/mpeg"})
    )


def test_save_writes_a_private_temp_file_beside_the_target_and_removes_it_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.mp3"
    target.write_bytes(b"previous")
    seen: list[tuple[str, int]] = []
    http = httpx.Client(transport=_failing_speech(tmp_path, seen))
    with AudioClient(
        api_key=KEY, base_url="http://127.0.0.1:9/v1", max_retries=0, http_client=http
    ) as client:
        with pytest.raises(APIConnectionError):
            client.speech.save("hi", target, voice="alloy")
    parts = [(name, mode) for name, mode in seen if name.endswith(".part")]
    assert len(parts) == 1 and parts[0][0].startswith(".out.mp3."), seen  # hidden, in the target's folder
    assert parts[0][1] & 0o077 == 0, "the partial audio is readable only by its owner"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp3"]
    assert target.read_bytes() == b"previous"


async def test_async_save_removes_the_temp_file_on_failure(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []

    def body() -> Any:
        async def chunks() -> Any:
            yield b"ID3" + bytes(1000)
            seen.extend((p.name, 0) for p in tmp_path.iterdir())
            raise httpx.ReadError("connection lost mid-body")

        return chunks()

    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=body(), headers={"content-type": "audio/mpeg"})
    )
    http = httpx.AsyncClient(transport=transport)
    async with AsyncAudioClient(
        api_key=KEY, base_url="http://127.0.0.1:9/v1", max_retries=0, http_client=http
    ) as client:
        with pytest.raises(APIConnectionError):
            await client.speech.save("hi", tmp_path / "out.mp3", voice="alloy")
    assert [name for name, _ in seen if name.endswith(".part")], "a temp file existed beside the target"
    assert list(tmp_path.iterdir()) == []
