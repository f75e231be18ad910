"""``AudioClient`` and ``AsyncAudioClient``: settings, one httpx client, the resources."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from . import _config
from ._call import APICall
from ._config import NOT_GIVEN, ClientConfig, NotGiven, TimeoutTypes
from ._logging import configure_from_env
from ._ratelimit import AsyncPacer, Pacer
from ._response import raise_for_status, transport_error
from ._transport import (
    MAX_RETRIES_EXTENSION,
    RATE_LIMIT_TIMEOUT_EXTENSION,
    STREAM_EXTENSION,
    AsyncRetryTransport,
    AsyncSharedTransport,
    RetryPolicy,
    RetryTransport,
    SharedTransport,
)
from ._version import __version__

if TYPE_CHECKING:
    # Resources, the generated client and its models load on first use (see the properties
    # below): `import openai_audio` and building a client stay cheap, and an app that only
    # transcribes never imports the speech code.
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
    _owns_http: bool
    _is_copy = False
    """Made by ``with_options``: shares another client's pool, with settings of its own."""

    def _request_kwargs(
        self, call: APICall[Any], timeout: TimeoutTypes | NotGiven, *, stream: bool
    ) -> dict[str, Any]:
        kwargs = dict(call.kwargs)
        effective = (
            self._config.timeout
            if isinstance(timeout, NotGiven)
            else _config.to_timeout(timeout, argument="timeout")
        )
        kwargs["timeout"] = effective
        kwargs["extensions"] = {
            MAX_RETRIES_EXTENSION: self._config.max_retries,
            STREAM_EXTENSION: stream,
            RATE_LIMIT_TIMEOUT_EXTENSION: self._config.rate_limit_timeout,
        }
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

    def __repr__(self) -> str:
        # Never the key: only where requests go and how they are sent.
        config = self._config
        return f"{type(self).__name__}(base_url={config.base_url!r}, max_retries={config.max_retries})"


def _add_retries(
    http: httpx.Client | httpx.AsyncClient, policy: RetryPolicy, requests_per_minute: float | None
) -> None:
    """Retries live in the transport: wrap the client's and every mounted one (proxies from the
    environment are mounts), unless one already retries (e.g. a RetryTransport with its own sleep).
    One pacer for all of them: the client's requests share the account's rate limit."""
    retrying: type[RetryTransport | AsyncRetryTransport] = (
        RetryTransport if isinstance(http, httpx.Client) else AsyncRetryTransport
    )
    pacer: Any = (
        Pacer(requests_per_minute=requests_per_minute)
        if isinstance(http, httpx.Client)
        else AsyncPacer(requests_per_minute=requests_per_minute)
    )

    def wrap(transport: Any) -> Any:
        if transport is None or isinstance(transport, retrying):
            return transport
        return retrying(transport, policy, pacer=pacer)

    http._transport = wrap(http._transport)
    http._mounts = {pattern: wrap(mounted) for pattern, mounted in http._mounts.items()}


def _timeout_from(
    http: httpx.Client | httpx.AsyncClient | None, timeout: TimeoutTypes | NotGiven
) -> TimeoutTypes | NotGiven:
    """The caller's ``timeout=``, else one they deliberately gave their own httpx client."""
    # httpx's own default (5 s) says nothing about the caller's intent: ours applies then.
    if isinstance(timeout, NotGiven) and http is not None and http.timeout != httpx.Timeout(5.0):
        return http.timeout
    return timeout


def _prepare_http_client(http: httpx.Client | httpx.AsyncClient, config: ClientConfig) -> None:
    http.base_url = httpx.URL(config.base_url + "/")
    http.headers.update({"User-Agent": USER_AGENT, **config.headers()})
    http.timeout = config.timeout


def _view_settings(
    http: httpx.Client | httpx.AsyncClient, config: ClientConfig, share: Callable[[Any], Any]
) -> dict[str, Any]:
    """Arguments for a second httpx client like ``http`` but with ``config``'s timeout, sending
    through ``http``'s transports (and mounts, proxies included) as ``share`` wraps them."""
    return {
        "transport": share(http._transport),
        "mounts": {
            pattern.pattern: None if mounted is None else share(mounted)
            for pattern, mounted in http._mounts.items()
        },
        "base_url": http.base_url,
        "headers": http.headers,
        "cookies": http.cookies,
        "auth": http.auth,
        "timeout": config.timeout,
        "follow_redirects": http.follow_redirects,
        "event_hooks": http.event_hooks,
        # The view takes the original's mounts (proxies included), not the environment's anew.
        "trust_env": False,
    }


def _make_raw(config: ClientConfig) -> AuthenticatedClient:
    from openai_audio_api import AuthenticatedClient

    return AuthenticatedClient(base_url=config.base_url, token=config.api_key, timeout=config.timeout)


class AudioClient(_ClientBase):
    """Synchronous client for the OpenAI Audio API.

    Example::

        from openai_audio import AudioClient

        with AudioClient() as client:  # reads OPENAI_API_KEY
            client.speech.save("Hello!", "hello.mp3", voice="alloy")
            print(client.transcriptions.create("hello.mp3").text)
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        rate_limit_timeout: float = _config.DEFAULT_RATE_LIMIT_TIMEOUT,
        requests_per_minute: float | None = None,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
    ) -> None:
        configure_from_env()
        timeout = _timeout_from(http_client, timeout)
        config = _config.resolve_config(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            rate_limit_timeout=rate_limit_timeout,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
        )
        requests_per_minute = _config.check_requests_per_minute(requests_per_minute)
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.Client()
        _add_retries(http_client, RetryPolicy(config.max_retries), requests_per_minute)
        _prepare_http_client(http_client, config)
        self._setup(config, http_client)

    def _setup(self, config: ClientConfig, http: httpx.Client) -> None:
        self._config = config
        self._http = http

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
        """The generated client, sharing this client's connection pool, auth, headers, timeout and retries."""
        http = self._http
        if self._is_copy:
            # Generated calls take their timeout and retries from the httpx client, not per
            # call: a copy's raw client sends through a view of the pool with the copy's.
            retries = self._config.max_retries
            http = httpx.Client(**_view_settings(http, self._config, lambda t: SharedTransport(t, retries)))
        return _make_raw(self._config).set_httpx_client(http)

    @property
    def http_client(self) -> httpx.Client:
        """The underlying httpx client: base URL, auth headers, timeout and retries already set.

        A ``with_options`` copy returns the original's (the shared pool, with the original's
        defaults); the copy's own settings apply to its calls and to its ``raw`` client.
        """
        return self._http

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        rate_limit_timeout: float | NotGiven = NOT_GIVEN,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with other settings that shares this client's connection pool and request pacing."""
        copy = object.__new__(type(self))
        copy._owns_http = False
        copy._is_copy = True
        config = self._config.with_changes(
            timeout=timeout,
            max_retries=max_retries,
            rate_limit_timeout=rate_limit_timeout,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
        )
        copy._setup(config, self._http)
        return copy

    # -- sending (the only sync-specific part) --------------------------------

    def _execute(self, call: APICall[T], *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> T:
        try:
            kwargs = self._request_kwargs(call, timeout, stream=False)
            try:
                response = self._http.request(**kwargs)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise transport_error(exc) from exc
        finally:
            call.close()
        raise_for_status(response)
        return call.parse(response)

    @contextmanager
    def _stream(
        self, call: APICall[Any], *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> Iterator[httpx.Response]:
        kwargs = self._request_kwargs(call, timeout, stream=True)
        method, url = kwargs.pop("method"), kwargs.pop("url")
        try:
            with self._http.stream(method, url, **kwargs) as response:
                if response.status_code >= 300:  # redirects are not followed: an error too
                    response.read()
                    raise_for_status(response)
                yield response
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise transport_error(exc) from exc
        finally:
            call.close()

    def close(self) -> None:
        """Close the connection pool (a no-op on copies made by with_options)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAudioClient(_ClientBase):
    """Asynchronous client for the OpenAI Audio API; the same resources, awaited.

    Example::

        async with AsyncAudioClient() as client:
            consent = await client.voice_consents.retrieve("cons_123")
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        rate_limit_timeout: float = _config.DEFAULT_RATE_LIMIT_TIMEOUT,
        requests_per_minute: float | None = None,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
    ) -> None:
        configure_from_env()
        timeout = _timeout_from(http_client, timeout)
        config = _config.resolve_config(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            rate_limit_timeout=rate_limit_timeout,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
        )
        requests_per_minute = _config.check_requests_per_minute(requests_per_minute)
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient()
        _add_retries(http_client, RetryPolicy(config.max_retries), requests_per_minute)
        _prepare_http_client(http_client, config)
        self._setup(config, http_client)

    def _setup(self, config: ClientConfig, http: httpx.AsyncClient) -> None:
        self._config = config
        self._http = http

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
        """The generated client (use its ``asyncio*`` functions), sharing this client's pool and settings."""
        http = self._http
        if self._is_copy:  # see AudioClient.raw
            retries = self._config.max_retries
            http = httpx.AsyncClient(
                **_view_settings(http, self._config, lambda t: AsyncSharedTransport(t, retries))
            )
        return _make_raw(self._config).set_async_httpx_client(http)

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The underlying httpx client: base URL, auth headers, timeout and retries already set.

        A ``with_options`` copy returns the original's (the shared pool, with the original's
        defaults); the copy's own settings apply to its calls and to its ``raw`` client.
        """
        return self._http

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        rate_limit_timeout: float | NotGiven = NOT_GIVEN,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy with other settings that shares this client's connection pool and request pacing."""
        copy = object.__new__(type(self))
        copy._owns_http = False
        copy._is_copy = True
        config = self._config.with_changes(
            timeout=timeout,
            max_retries=max_retries,
            rate_limit_timeout=rate_limit_timeout,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
        )
        copy._setup(config, self._http)
        return copy

    # -- sending (the only async-specific part) -------------------------------

    async def _execute(self, call: APICall[T], *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN) -> T:
        try:
            kwargs = self._request_kwargs(call, timeout, stream=False)
            try:
                response = await self._http.request(**kwargs)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise transport_error(exc) from exc
        finally:
            call.close()
        raise_for_status(response)
        return call.parse(response)

    @asynccontextmanager
    async def _stream(
        self, call: APICall[Any], *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> AsyncIterator[httpx.Response]:
        kwargs = self._request_kwargs(call, timeout, stream=True)
        method, url = kwargs.pop("method"), kwargs.pop("url")
        try:
            async with self._http.stream(method, url, **kwargs) as response:
                if response.status_code >= 300:  # redirects are not followed: an error too
                    await response.aread()
                    raise_for_status(response)
                yield response
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise transport_error(exc) from exc
        finally:
            call.close()

    async def close(self) -> None:
        """Close the connection pool (a no-op on copies made by with_options)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
