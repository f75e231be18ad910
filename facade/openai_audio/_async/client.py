"""``AsyncAudioClient``: settings, a view over a connection pool, the resources.

Written once, async; scripts/unasync.py generates ``AudioClient`` (``_sync/client.py``). What the
two share without I/O is in ``_client_base``; how requests travel, in ``_transport``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from .. import _config
from .._auth import KeyAuth
from .._call import APICall
from .._client_base import _ClientBase, _make_raw, _timeout_from, _view_settings
from .._config import NOT_GIVEN, AsyncAPIKey, ClientConfig, NotGiven, TimeoutTypes
from .._logging import configure_from_env
from .._ratelimit import AsyncPacer
from .._response import raise_for_status, transport_error
from .._retry_policy import RetryPolicy
from .transport import AsyncPoolTransport, AsyncRetryTransport

if TYPE_CHECKING:
    # Resources, the generated client and its models load on first use (see the properties
    # below): `import openai_audio` and building a client stay cheap, and an app that only
    # transcribes never imports the speech code.
    from collections.abc import Awaitable, Callable

    from openai_audio_api import AuthenticatedClient

    from ..resources.speech import AsyncSpeech
    from ..resources.transcriptions import AsyncTranscriptions
    from ..resources.translations import AsyncTranslations
    from ..resources.voice_consents import AsyncVoiceConsents
    from ..resources.voices import AsyncVoices

T = TypeVar("T")


class AsyncAudioClient(_ClientBase):
    """Client for the OpenAI Audio API. The sync and async clients have the same resources and
    methods; the async client's are awaited.

    Example::

        from openai_audio import AsyncAudioClient

        async with AsyncAudioClient() as client:  # reads OPENAI_API_KEY
            await client.speech.save("Hello!", "hello.mp3", voice="alloy")
            transcription = await client.transcriptions.create("hello.mp3")
            print(transcription.text)

    ``http_client`` is used as a connection pool and never modified: its proxies, mounts, TLS
    settings and event hooks apply to our requests; our key, base URL, headers, timeout and
    retries never reach its other requests. Any number of clients may share one.
    """

    _pool: httpx.AsyncClient
    _pacer: AsyncPacer | None
    # Test hook: sleep, rand and clock for the retry transports (see _set_retry_clock).
    _retry_clock: Mapping[str, Any] = {}  # never mutated: replaced

    def __init__(
        self,
        *,
        api_key: AsyncAPIKey | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        rate_limit_timeout: float = _config.DEFAULT_RATE_LIMIT_TIMEOUT,
        requests_per_minute: float | None = None,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
    ) -> None:
        configure_from_env()
        config = _config.resolve_config(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            timeout=_timeout_from(http_client, timeout),
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            rate_limit_timeout=rate_limit_timeout,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
        )
        # One pacer for the client and its copies: they share the account's rate limit.
        self._pacer = AsyncPacer(requests_per_minute=_config.check_requests_per_minute(requests_per_minute))
        self._owns_pool = http_client is None
        self._pool = httpx.AsyncClient() if http_client is None else http_client
        self._setup(config)

    def _setup(self, config: ClientConfig) -> None:
        self._config = config
        self._auth = KeyAuth(config.api_key, config.base_url)
        self._transport = self._retrying(config)
        self._http = httpx.AsyncClient(
            transport=self._transport, auth=self._auth, **_view_settings(config, self._pool)
        )

    def _retrying(self, config: ClientConfig) -> AsyncRetryTransport:
        return AsyncRetryTransport(
            AsyncPoolTransport(self._pool),
            RetryPolicy(config.max_retries, rate_limit_timeout=config.rate_limit_timeout),
            pacer=self._pacer,
            **self._retry_clock,
        )

    def _view(self, config: ClientConfig) -> httpx.AsyncClient:
        """A private httpx client with ``config``'s settings that sends through the pool."""
        auth = KeyAuth(config.api_key, config.base_url)
        return httpx.AsyncClient(
            transport=self._retrying(config), auth=auth, **_view_settings(config, self._pool)
        )

    def _set_retry_clock(
        self,
        sleep: Callable[[float], Awaitable[None]],
        rand: Callable[[], float],
        *,
        clock: Callable[[], float] | None = None,
        pacer: AsyncPacer | None = None,
    ) -> None:
        """For tests: retry with these ``sleep``, ``rand`` and ``clock`` and this ``pacer`` (None:
        no pacing), in this client and the copies made after."""
        self._retry_clock = {"sleep": sleep, "rand": rand, **({} if clock is None else {"clock": clock})}
        self._pacer = pacer
        self._setup(self._config)
        self.__dict__.pop("raw", None)

    @cached_property
    def speech(self) -> AsyncSpeech:
        """Text to speech: ``create``, ``stream`` and ``save``."""
        from ..resources.speech import AsyncSpeech

        return AsyncSpeech(self)

    @cached_property
    def transcriptions(self) -> AsyncTranscriptions:
        """Speech to text: ``create`` (typed by ``response_format``) and ``stream``."""
        from ..resources.transcriptions import AsyncTranscriptions

        return AsyncTranscriptions(self)

    @cached_property
    def translations(self) -> AsyncTranslations:
        """Speech in any language to English text: ``create``."""
        from ..resources.translations import AsyncTranslations

        return AsyncTranslations(self)

    @cached_property
    def voice_consents(self) -> AsyncVoiceConsents:
        """Consent recordings for custom voices: create, retrieve, update, delete, list, iter."""
        from ..resources.voice_consents import AsyncVoiceConsents

        return AsyncVoiceConsents(self)

    @cached_property
    def voices(self) -> AsyncVoices:
        """Custom voices: ``create`` from a sample and a consent."""
        from ..resources.voices import AsyncVoices

        return AsyncVoices(self)

    @cached_property
    def raw(self) -> AuthenticatedClient:
        """The generated client, on this client's pool with its base URL, key, headers, timeout and retries.

        It sends through a view of its own (``with_headers``/``with_timeout`` on it change only it).
        """
        return _make_raw(self._config).set_async_httpx_client(self._view(self._config))

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The httpx client this client sends with: its own, over the connection pool.

        It has this client's base URL, headers, timeout, key (for the base URL's host only) and
        retries. It is not the ``http_client`` passed in, which is used unmodified as the pool.
        """
        return self._http

    def with_options(
        self,
        *,
        api_key: AsyncAPIKey | None = None,
        base_url: str | httpx.URL | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        rate_limit_timeout: float | NotGiven = NOT_GIVEN,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with other settings, on the same connection pool unless ``http_client`` is given.

        As the official SDK's ``copy``: ``default_headers``/``default_query`` are merged into this
        client's, ``set_default_headers``/``set_default_query`` replace them. The copy shares this
        client's request pacing (``rate_limit_timeout`` is its own); closing it leaves the pool open.
        """
        config = self._config.with_changes(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
            rate_limit_timeout=rate_limit_timeout,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
        )
        copy = object.__new__(type(self))
        copy._owns_pool = False
        copy._pool = self._pool if http_client is None else http_client
        copy._pacer = self._pacer
        copy._retry_clock = self._retry_clock
        copy._setup(config)
        return copy

    copy = with_options

    # -- sending ------------------------------------------------------------------
    # ``extra_headers``/``extra_query`` are merged over the client's defaults for one call; they are
    # the plumbing of the per-call options of the resource methods.

    async def _send(self, kwargs: dict[str, Any]) -> httpx.Response:
        """Build the request as the view would (URL, headers, query, timeout), add the key, send it
        through the retry transport. Skipping the view's ``send`` saves a second pass through
        httpx's send machinery (auth flow, hooks, cookies), ~1/4 of the client's cost per call."""
        if self._http.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        request = self._http.build_request(**kwargs)
        await self._auth.apply_async(request)
        return await self._transport.handle_async_request(request)

    async def _execute(
        self,
        call: APICall[T],
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
    ) -> T:
        try:
            kwargs = self._request_kwargs(call, timeout, extra_headers, extra_query, stream=False)
            try:
                response = await self._send(kwargs)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise transport_error(exc) from exc
        finally:
            call.close()
        raise_for_status(response)
        return call.parse(response)

    @asynccontextmanager
    async def _stream(
        self,
        call: APICall[Any],
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
    ) -> AsyncIterator[httpx.Response]:
        try:
            kwargs = self._request_kwargs(call, timeout, extra_headers, extra_query, stream=True)
            response = await self._send(kwargs)
            try:
                if response.status_code >= 300:  # redirects are not followed: an error too
                    await response.aread()
                    raise_for_status(response)
                yield response
            finally:
                await response.aclose()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise transport_error(exc) from exc
        finally:
            call.close()

    async def close(self) -> None:
        """Close this client (and the pool if it created it; an ``http_client`` passed in stays open)."""
        await self._http.aclose()
        raw = self.__dict__.get("raw")
        if raw is not None:
            await raw.get_async_httpx_client().aclose()
        if self._owns_pool:
            await self._pool.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
