"""What every command shares: the global options (as ``Settings``) and the ``--json`` flag."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from openai_audio import NOT_GIVEN, AsyncAudioClient, AudioClient

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    api_key: str | None
    base_url: str | None
    timeout: float | None
    max_retries: int
    json: bool

    def client_kwargs(self) -> dict[str, Any]:
        return {
            "api_key": self.api_key,
            "base_url": self.base_url,
            "timeout": NOT_GIVEN if self.timeout is None else self.timeout,
            "max_retries": self.max_retries,
        }

    def client(self) -> AudioClient:
        return AudioClient(**self.client_kwargs())

    def async_client(self, **extra: Any) -> AsyncAudioClient:
        return AsyncAudioClient(**self.client_kwargs(), **extra)


pass_settings = click.make_pass_decorator(Settings)


def json_option(command: F) -> F:
    """``--json`` on a command; the global ``openai-audio --json ...`` works the same."""
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(command)
