"""What ``AudioClient`` and ``AsyncAudioClient`` share: settings, request arguments, the view's settings.

Each client sends through a private httpx client of its own (its *view*: base URL, headers,
default query, timeout, the key, retries), whose transport hands every attempt to the pool: the
caller's ``http_client``, never modified, or one we create and own. See ``_transport`` for why.
``AsyncAudioClient`` is written once in ``_async/client.py``; ``AudioClient`` is generated from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from . import _config
from ._call import APICall
from ._config import ClientConfig, NotGiven, TimeoutTypes
from ._retry_policy import STREAM_EXTENSION
from ._version import __version__

if TYPE_CHECKING:
    from openai_audio_api import AuthenticatedClient

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
