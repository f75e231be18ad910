"""``AudioClient`` and ``AsyncAudioClient``: settings, a view over a connection pool, the resources.

Each client sends through a private httpx client of its own (its *view*: base URL, headers,
default query, timeout, the key, retries), whose transport hands every attempt to the pool: the
caller's ``http_client``, never modified, or one we create and own. See ``_transport`` for why.
The two classes are parallel line for line (same names, ``Async``/``await`` aside).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from . import _config
from ._auth import KeyAuth
from ._call import APICall
from ._config import NOT_GIVEN, APIKey, AsyncAPIKey, ClientConfig, NotGiven, TimeoutTypes
from ._logging import configure_from_env
from ._ratelimit import AsyncPacer, Pacer
from ._response import raise_for_status, transport_error
from ._transport import (
    STREAM_EXTENSION,
    AsyncPoolTransport,
    AsyncRetryTransport,
    PoolTransport,
    RetryPolicy,
    RetryTransport,
)
from ._version import __version__

if TYPE_CHECKING:
    # Resources, the generated client and its models load on first use (see the properties
    # below): `import openai_audio` and building a client stay cheap, and an app that only
    # transcribes never imports the speech code.
    from collections.abc import Awaitable, Callable

    from openai_audio_api import AuthenticatedClient

    from .resources.speech import AsyncSpeech, Speech
    from .resources.transcriptions import AsyncTranscriptions, Transcriptions
    from .resources.translations import AsyncTranslations, Translations
    from .resources.voice_consents import AsyncVoiceConsents, VoiceConsents
    from .resources.voices import AsyncVoices, Voices

T = TypeVar("T")

USER_AGENT = f"openai-audio/{__version__} python-httpx/{httpx.__version__}"


class _ClientBase:
    _config: ClientConfig
    _owns_pool: bool

    def _request_kwargs(
        self,
        call: APICall[Any],
        timeout: TimeoutTypes | NotGiven,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, object] | None,
        *,
        stream: bool,
    ) -> dict[str, Any]:
        kwargs = dict(call.kwargs)
        if not isinstance(timeout, NotGiven):  # otherwise the view's (the client's) timeout applies
            kwargs["timeout"] = _config.to_timeout(timeout, argument="timeout")
        if extra_headers:
            kwargs["headers"] = {
                **(kwargs.get("headers") or {}),
                **_config.check_headers(extra_headers, argument="extra_headers"),
            }
        if extra_query:
            kwargs["params"] = {
                **(kwargs.get("params") or {}),
                **_config.check_query(extra_query, argument="extra_query"),
            }
        if stream:
            kwargs["extensions"] = {STREAM_EXTENSION: True}
        return kwargs

    @property
    def base_url(self) -> str:
        """Where requests go, without a trailing slash (e.g. ``https://api.openai.com/v1``)."""
        return self._config.base_url

    @property
    def max_retries(self) -> int:
        """How many times a failed request is retried after the first attempt."""
        return self._config.max_retries

    @property
    def timeout(self) -> httpx.Timeout:
        """The default timeout of every request (a per-call ``timeout=`` overrides it)."""
        return self._config.timeout

    @property
    def default_headers(self) -> dict[str, str]:
        """Headers sent with every request besides the key (organization, project, ``default_headers``)."""
        return {"User-Agent": USER_AGENT, **self._config.headers()}

    @property
    def default_query(self) -> dict[str, object]:
        """Query parameters added to every request."""
        return dict(self._config.default_query)

    def __repr__(self) -> str:
        # Never the key: only where requests go and how they are sent.
        config = self._config
        return f"{type(self).__name__}(base_url={config.base_url!r}, max_retries={config.max_retries})"


def _timeout_from(
    http: httpx.Client | httpx.AsyncClient | None, timeout: TimeoutTypes | NotGiven
) -> TimeoutTypes | NotGiven:
    """The caller's ``timeout=``, else one they deliberately gave their own httpx client."""
    # httpx's own default (5 s) says nothing about the caller's intent: ours applies then.
    if isinstance(timeout, NotGiven) and http is not None and http.timeout != httpx.Timeout(5.0):
        return http.timeout
    return timeout


def _view_settings(config: ClientConfig, pool: httpx.Client | httpx.AsyncClient) -> dict[str, Any]:
    """Arguments of the httpx client a client sends with (its transport aside).

    As in the official SDK, the pool's own default headers and query parameters are sent too,
    under ours (read from its public attributes when the view is made). Its ``Authorization``
    never is: our requests carry our key, and the caller's credential is not for this API.
    """
    headers = httpx.Headers(
        [(name, value) for name, value in pool.headers.multi_items() if name.lower() != "authorization"]
    )
    headers.update({"User-Agent": USER_AGENT, **config.headers()})
    return {
        "base_url": config.base_url + "/",
        "headers": headers,
        "params": pool.params.merge(config.default_query),
        "timeout": config.timeout,
        "follow_redirects": False,
        # Proxies, certificates and the like are the pool's business; a view reads no environment.
        "trust_env": False,
    }


def _make_raw(config: ClientConfig) -> AuthenticatedClient:
    from openai_audio_api import AuthenticatedClient

    # The token is only used if the generated client builds an httpx client of its own (the sync
    # client's raw used with ``asyncio`` functions): ours authenticate through their view.
    token = config.api_key if isinstance(config.api_key, str) else ""
    return AuthenticatedClient(base_url=config.base_url, token=token, timeout=config.timeout)


class AudioClient(_ClientBase):
    """Synchronous client for the OpenAI Audio API.

    Example::

        from openai_audio import AudioClient

        with AudioClient() as client:  # reads OPENAI_API_KEY
            client.speech.save("Hello!", "hello.mp3", voice="alloy")
            print(client.transcriptions.create("hello.mp3").text)

    ``http_client`` is used as a connection pool and never modified: its proxies, mounts, TLS
    settings and event hooks apply to our requests; our key, base URL, headers, timeout and
    retries never reach its other requests. Any number of clients may share one.
    """

    _pool: httpx.Client
    _pacer: Pacer | None
    # Test hook: sleep, rand and clock for the retry transports (see _set_retry_clock).
    _retry_clock: Mapping[str, Any] = {}  # never mutated: replaced

    def __init__(
        self,
        *,
        api_key: APIKey | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
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
        self._pacer = Pacer(requests_per_minute=_config.check_requests_per_minute(requests_per_minute))
        self._owns_pool = http_client is None
        self._pool = httpx.Client() if http_client is None else http_client
        self._setup(config)

    def _setup(self, config: ClientConfig) -> None:
        self._config = config
        self._auth = KeyAuth(config.api_key, config.base_url)
        self._transport = self._retrying(config)
        self._http = httpx.Client(
            transport=self._transport, auth=self._auth, **_view_settings(config, self._pool)
        )

    def _retrying(self, config: ClientConfig) -> RetryTransport:
        return RetryTransport(
            PoolTransport(self._pool),
            RetryPolicy(config.max_retries, rate_limit_timeout=config.rate_limit_timeout),
            pacer=self._pacer,
            **self._retry_clock,
        )

    def _view(self, config: ClientConfig) -> httpx.Client:
        """A private httpx client with ``config``'s settings that sends through the pool."""
        auth = KeyAuth(config.api_key, config.base_url)
        return httpx.Client(transport=self._retrying(config), auth=auth, **_view_settings(config, self._pool))

    def _set_retry_clock(
        self,
        sleep: Callable[[float], None],
        rand: Callable[[], float],
        *,
        clock: Callable[[], float] | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        """For tests: retry with these ``sleep``, ``rand`` and ``clock`` and this ``pacer`` (None:
        no pacing), in this client and the copies made after."""
        self._retry_clock = {"sleep": sleep, "rand": rand, **({} if clock is None else {"clock": clock})}
        self._pacer = pacer
        self._setup(self._config)
        self.__dict__.pop("raw", None)

    @cached_property
    def speech(self) -> Speech:
        """Text to speech: ``create``, ``stream`` and ``save``."""
        from .resources.speech import Speech

        return Speech(self)

    @cached_property
    def transcriptions(self) -> Transcriptions:
        """Speech to text: ``create`` (typed by ``response_format``) and ``stream``."""
        from .resources.transcriptions import Transcriptions

        return Transcriptions(self)

    @cached_property
    def translations(self) -> Translations:
        """Speech in any language to English text: ``create``."""
        from .resources.translations import Translations

        return Translations(self)

    @cached_property
    def voice_consents(self) -> VoiceConsents:
        """Consent recordings for custom voices: create, retrieve, update, delete, list, iter."""
        from .resources.voice_consents import VoiceConsents

        return VoiceConsents(self)

    @cached_property
    def voices(self) -> Voices:
        """Custom voices: ``create`` from a sample and a consent."""
        from .resources.voices import Voices

        return Voices(self)

    @cached_property
    def raw(self) -> AuthenticatedClient:
        """The generated client, on this client's pool with its base URL, key, headers, timeout and retries.

        It sends through a view of its own (``with_headers``/``with_timeout`` on it change only it).
        """
        return _make_raw(self._config).set_httpx_client(self._view(self._config))

    @property
    def http_client(self) -> httpx.Client:
        """The httpx client this client sends with: its own, over the connection pool.

        It has this client's base URL, headers, timeout, key (for the base URL's host only) and
        retries. It is not the ``http_client`` passed in, which is used unmodified as the pool.
        """
        return self._http

    def with_options(
        self,
        *,
        api_key: APIKey | None = None,
        base_url: str | httpx.URL | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        http_client: httpx.Client | None = None,
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

    # -- sending (the only sync-specific part) --------------------------------
    # ``extra_headers``/``extra_query`` are merged over the client's defaults for one call; they are
    # the plumbing of the per-call options of the resource methods.

    def _send(self, kwargs: dict[str, Any]) -> httpx.Response:
        """Build the request as the view would (URL, headers, query, timeout), add the key, send it
        through the retry transport. Skipping the view's ``send`` saves a second pass through
        httpx's send machinery (auth flow, hooks, cookies), ~1/4 of the client's cost per call."""
        if self._http.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        request = self._http.build_request(**kwargs)
        self._auth.apply(request)
        return self._transport.handle_request(request)

    def _execute(
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
                response = self._send(kwargs)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise transport_error(exc) from exc
        finally:
            call.close()
        raise_for_status(response)
        return call.parse(response)

    @contextmanager
    def _stream(
        self,
        call: APICall[Any],
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
    ) -> Iterator[httpx.Response]:
        try:
            kwargs = self._request_kwargs(call, timeout, extra_headers, extra_query, stream=True)
            response = self._send(kwargs)
            try:
                if response.status_code >= 300:  # redirects are not followed: an error too
                    response.read()
                    raise_for_status(response)
                yield response
            finally:
                response.close()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise transport_error(exc) from exc
        finally:
            call.close()

    def close(self) -> None:
        """Close this client (and the pool if it created it; an ``http_client`` passed in stays open)."""
        self._http.close()
        raw = self.__dict__.get("raw")
        if raw is not None:
            raw.get_httpx_client().close()
        if self._owns_pool:
            self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAudioClient(_ClientBase):
    """Asynchronous client for the OpenAI Audio API; the same resources, awaited.

    Example::

        async with AsyncAudioClient() as client:
            consent = await client.voice_consents.retrieve("cons_123")

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
        """Text to speech: ``create``, ``stream`` and ``save``, awaited."""
        from .resources.speech import AsyncSpeech

        return AsyncSpeech(self)

    @cached_property
    def transcriptions(self) -> AsyncTranscriptions:
        """Speech to text: ``create`` (typed by ``response_format``) and ``stream``, awaited."""
        from .resources.transcriptions import AsyncTranscriptions

        return AsyncTranscriptions(self)

    @cached_property
    def translations(self) -> AsyncTranslations:
        """Speech in any language to English text: ``create``, awaited."""
        from .resources.translations import AsyncTranslations

        return AsyncTranslations(self)

    @cached_property
    def voice_consents(self) -> AsyncVoiceConsents:
        """Consent recordings for custom voices, awaited; ``iter`` is an async iterator."""
        from .resources.voice_consents import AsyncVoiceConsents

        return AsyncVoiceConsents(self)

    @cached_property
    def voices(self) -> AsyncVoices:
        """Custom voices: ``create`` from a sample and a consent, awaited."""
        from .resources.voices import AsyncVoices

        return AsyncVoices(self)

    @cached_property
    def raw(self) -> AuthenticatedClient:
        """The generated client (use its ``asyncio*`` functions), on this client's pool and settings.

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

    # -- sending (the only async-specific part) -------------------------------
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
