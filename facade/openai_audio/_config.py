"""Client settings: explicit arguments first, then the environment, then defaults."""

from __future__ import annotations

import ipaddress
import math
import os
import warnings
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Final

import httpx

from .errors import InvalidArgumentError, InvalidArgumentTypeError, MissingAPIKeyError

DEFAULT_BASE_URL: Final = "https://api.openai.com/v1"
# Audio calls are slow (long uploads, long syntheses): a short connect timeout
# finds a dead host fast, a long read timeout lets real work finish.
DEFAULT_TIMEOUT: Final = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
# How long one request keeps retrying 429 rate_limit_exceeded answers (pacing waits included).
DEFAULT_RATE_LIMIT_TIMEOUT: Final = 600.0
# A week: far beyond any real request, and well inside what socket timeouts accept.
MAX_TIMEOUT: Final = 7 * 24 * 3600.0

TimeoutTypes = float | httpx.Timeout | None
# A key, or a callable asked for it before each request (rotating credentials). The async client
# also takes a callable returning an awaitable.
APIKey = str | Callable[[], str]
AsyncAPIKey = str | Callable[[], str | Awaitable[str]]
# Values httpx can put in a query string.
QueryValue = str | int | float | bool | None


class NotGiven:
    """Marks an argument the caller did not pass (``None`` can be a real value)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class InsecureBaseURLWarning(UserWarning):
    """The base URL sends the API key in clear text to a host that is not this machine."""


@dataclass(frozen=True)
class ClientConfig:
    api_key: AsyncAPIKey = field(repr=False)
    base_url: str
    organization: str | None
    project: str | None
    timeout: httpx.Timeout
    max_retries: int
    default_headers: Mapping[str, str] = field(default_factory=dict)
    default_query: Mapping[str, QueryValue] = field(default_factory=dict)
    rate_limit_timeout: float = DEFAULT_RATE_LIMIT_TIMEOUT
    # Limits a recording is split to (None: no limit); not given: each model's own.
    max_upload_bytes: int | None | NotGiven = NOT_GIVEN
    max_duration: float | None | NotGiven = NOT_GIVEN

    def with_changes(
        self,
        *,
        api_key: AsyncAPIKey | None = None,
        base_url: str | httpx.URL | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        rate_limit_timeout: float | NotGiven = NOT_GIVEN,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
    ) -> ClientConfig:
        """A copy with the given settings (as the official SDK's ``copy``: ``default_headers`` and
        ``default_query`` are merged into the current ones, ``set_default_*`` replace them)."""
        if default_headers is not None and set_default_headers is not None:
            raise InvalidArgumentError("set_default_headers", "cannot be given with default_headers")
        if default_query is not None and set_default_query is not None:
            raise InvalidArgumentError("set_default_query", "cannot be given with default_query")
        changes: dict[str, object] = {}
        if not isinstance(max_upload_bytes, NotGiven):
            changes["max_upload_bytes"] = check_max_upload_bytes(max_upload_bytes)
        if not isinstance(max_duration, NotGiven):
            changes["max_duration"] = check_max_duration(max_duration)
        if not isinstance(rate_limit_timeout, NotGiven):
            changes["rate_limit_timeout"] = check_seconds("rate_limit_timeout", rate_limit_timeout)
        if api_key is not None:
            changes["api_key"] = check_api_key(api_key)
        if base_url is not None:
            changes["base_url"] = check_base_url(base_url)
        if organization is not None:
            changes["organization"] = check_header_value("organization", organization)
        if project is not None:
            changes["project"] = check_header_value("project", project)
        if not isinstance(timeout, NotGiven):
            changes["timeout"] = to_timeout(timeout, argument="timeout")
        if not isinstance(max_retries, NotGiven):
            changes["max_retries"] = check_max_retries(max_retries)
        if default_headers is not None:
            changes["default_headers"] = {**self.default_headers, **check_headers(default_headers)}
        if set_default_headers is not None:
            changes["default_headers"] = check_headers(set_default_headers, argument="set_default_headers")
        if default_query is not None:
            changes["default_query"] = {**self.default_query, **check_query(default_query)}
        if set_default_query is not None:
            changes["default_query"] = check_query(set_default_query, argument="set_default_query")
        return replace(self, **changes)  # type: ignore[arg-type]

    def headers(self) -> dict[str, str]:
        """Headers of every request, but the key (added per request by ``_auth.KeyAuth``)."""
        headers = {}
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        headers.update(self.default_headers)
        return headers


def check_max_upload_bytes(value: object) -> int | None | NotGiven:
    """The request size a recording is split to; at least 1 KiB, None for no limit."""
    if value is None or isinstance(value, NotGiven):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 1024:
        raise InvalidArgumentError(
            "max_upload_bytes", f"expected an int of at least 1024 bytes, or None; got {value!r}"
        )
    return value


def check_max_duration(value: object) -> float | None | NotGiven:
    """Seconds of audio per request a recording is split to; at least 1, None for no limit."""
    if value is None or isinstance(value, NotGiven):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 1:
        raise InvalidArgumentError(
            "max_duration", f"expected a number of seconds >= 1, or None; got {value!r}"
        )
    return float(value)


def to_timeout(value: TimeoutTypes, *, argument: str) -> httpx.Timeout:
    if value is None:
        return httpx.Timeout(None)
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentTypeError(
            argument, f"expected seconds or httpx.Timeout, got {type(value).__name__}"
        )
    # NaN, infinity and ints beyond float range would fail later, inside httpx or the socket layer.
    if value <= 0 or value > MAX_TIMEOUT or not math.isfinite(value):  # int-vs-float compares never overflow
        raise InvalidArgumentError(argument, f"must be positive seconds up to {MAX_TIMEOUT:g}, got {value}")
    return httpx.Timeout(float(value), connect=min(float(value), DEFAULT_TIMEOUT.connect or 5.0))


def check_seconds(argument: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentTypeError(argument, f"expected seconds, got {type(value).__name__}")
    if not 0 <= value <= MAX_TIMEOUT or not math.isfinite(value):
        raise InvalidArgumentError(argument, f"must be seconds from 0 to {MAX_TIMEOUT:g}, got {value}")
    return float(value)


def check_requests_per_minute(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentTypeError(
            "requests_per_minute", f"expected a number, got {type(value).__name__}"
        )
    if not 0 < value < math.inf:
        raise InvalidArgumentError("requests_per_minute", f"must be a positive number, got {value}")
    return float(value)


def check_max_retries(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentTypeError("max_retries", f"expected an int, got {type(value).__name__}")
    if value < 0:
        raise InvalidArgumentError("max_retries", f"must be >= 0, got {value}")
    return value


def _is_loopback(host: str) -> bool:
    if host in {"localhost", "localhost."} or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_header_value(argument: str, value: object, *, secret: bool = False) -> str:
    """A value httpx can send in a header (visible ASCII and tabs); never echoes a secret."""
    if not isinstance(value, str):
        raise InvalidArgumentTypeError(argument, f"expected a str, got {type(value).__name__}")
    if not all(ch == "\t" or " " <= ch <= "~" for ch in value):
        shown = "" if secret else f": {value!r}"
        raise InvalidArgumentError(
            argument, f"contains characters that cannot be sent in an HTTP header (ASCII only){shown}"
        )
    return value


def check_base_url(value: str | httpx.URL) -> str:
    if not isinstance(value, str | httpx.URL):
        raise InvalidArgumentTypeError("base_url", f"expected a str, got {type(value).__name__}")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise InvalidArgumentError("base_url", f"{value!r} is not a valid URL: {exc}") from None
    if url.scheme not in {"http", "https"} or not url.host:
        raise InvalidArgumentError("base_url", f"expected an http(s) URL with a host, got {value!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        warnings.warn(
            f"base_url {value!r} is plain http to a non-local host: the API key would travel unencrypted",
            InsecureBaseURLWarning,
            stacklevel=4,
        )
    return str(url).rstrip("/")


def check_api_key(value: object) -> AsyncAPIKey:
    """A key (checked now) or a callable (its keys are checked as it returns them)."""
    if callable(value):
        return value
    if not isinstance(value, str):
        raise InvalidArgumentTypeError("api_key", f"expected a str or a callable, got {type(value).__name__}")
    if not value:
        raise MissingAPIKeyError()
    return check_header_value("api_key", value, secret=True)


def check_headers(value: Mapping[str, str], *, argument: str = "default_headers") -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentTypeError(argument, f"expected a mapping, got {type(value).__name__}")
    headers = dict(value)
    for name, item in headers.items():
        if not isinstance(name, str) or not name or not all("!" <= ch <= "~" and ch != ":" for ch in name):
            raise InvalidArgumentError(argument, f"{name!r} is not a valid header name")
        check_header_value(f"{argument}[{name}]", item)
    return headers


def check_query(value: Mapping[str, object], *, argument: str = "default_query") -> dict[str, QueryValue]:
    if not isinstance(value, Mapping):
        raise InvalidArgumentTypeError(argument, f"expected a mapping, got {type(value).__name__}")
    query: dict[str, QueryValue] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not name:
            raise InvalidArgumentError(argument, f"{name!r} is not a valid parameter name")
        if item is not None and not isinstance(item, str | int | float | bool):
            raise InvalidArgumentTypeError(
                f"{argument}[{name}]", f"expected a str, number, bool or None, got {type(item).__name__}"
            )
        query[name] = item
    return query


def resolve_config(
    *,
    api_key: AsyncAPIKey | None,
    base_url: str | None,
    organization: str | None,
    project: str | None,
    timeout: TimeoutTypes | NotGiven,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    default_query: Mapping[str, object] | None = None,
    rate_limit_timeout: float = DEFAULT_RATE_LIMIT_TIMEOUT,
    max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
    max_duration: float | None | NotGiven = NOT_GIVEN,
) -> ClientConfig:
    key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
    if not key:
        raise MissingAPIKeyError()
    url = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    org = organization if organization is not None else os.environ.get("OPENAI_ORG_ID")
    proj = project if project is not None else os.environ.get("OPENAI_PROJECT_ID")
    return ClientConfig(
        api_key=check_api_key(key),
        base_url=check_base_url(url),
        organization=None if org is None else check_header_value("organization", org),
        project=None if proj is None else check_header_value("project", proj),
        timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else to_timeout(timeout, argument="timeout"),
        max_retries=check_max_retries(max_retries),
        default_headers=check_headers(default_headers or {}),
        default_query=check_query(default_query or {}),
        rate_limit_timeout=check_seconds("rate_limit_timeout", rate_limit_timeout),
        max_upload_bytes=check_max_upload_bytes(max_upload_bytes),
        max_duration=check_max_duration(max_duration),
    )
