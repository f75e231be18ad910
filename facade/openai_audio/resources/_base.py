"""What every resource shares: its client and argument checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO, Final, cast
from urllib.parse import quote

from openai_audio_api.types import File

from .._files import PreparedFile
from ..errors import InvalidArgumentError, InvalidArgumentTypeError

if TYPE_CHECKING:
    from .._client import AsyncAudioClient, AudioClient

# httpx refuses URLs over 64 KiB with its own exception; servers commonly stop at 8 KiB.
MAX_ENCODED_ID: Final = 8192


class SyncResource:
    def __init__(self, client: AudioClient) -> None:
        self._client = client


class AsyncResource:
    def __init__(self, client: AsyncAudioClient) -> None:
        self._client = client


def check_id(argument: str, value: Any) -> str:
    """An object id that is safe to put in a URL path.

    The generated client percent-encodes ids, but ``.`` and ``..`` survive
    encoding and would be resolved as dot segments, reaching another route.
    """
    if not isinstance(value, str):
        raise InvalidArgumentTypeError(argument, f"expected a str id, got {type(value).__name__}")
    if not value.strip():
        raise InvalidArgumentError(argument, "must not be empty")
    if value in {".", ".."} or "/" in value or "\\" in value or any(ord(ch) < 0x20 for ch in value):
        raise InvalidArgumentError(argument, f"{value!r} is not a valid id")
    _check_encodable(argument, value)
    if len(quote(value, safe="")) > MAX_ENCODED_ID:
        raise InvalidArgumentError(argument, f"is too long to be an id ({len(value)} characters)")
    return value


def _check_encodable(argument: str, value: str) -> None:
    # A lone surrogate cannot be sent as UTF-8: httpx would raise UnicodeEncodeError mid-request.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidArgumentError(
            argument, f"contains a character that is not valid Unicode text at position {exc.start}"
        ) from None


def check_str(argument: str, value: Any, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentTypeError(argument, f"expected a str, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise InvalidArgumentError(argument, "must not be empty")
    _check_encodable(argument, value)
    return value


def check_limit(value: Any, *, low: int = 1, high: int = 100) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentTypeError("limit", f"expected an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise InvalidArgumentError("limit", f"must be between {low} and {high}, got {value}")
    return value


def generated_file(prepared: PreparedFile) -> File:
    """The generated layer's upload type for a prepared file (same stream, name and type)."""
    return File(
        payload=cast(BinaryIO, prepared.stream), file_name=prepared.name, mime_type=prepared.content_type
    )


def check_number(argument: str, value: Any, low: float, high: float) -> float:
    """A real number within [low, high]; NaN, infinities and huge ints are out of range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentTypeError(argument, f"expected a number, got {type(value).__name__}")
    # The range test comes first: it is False for NaN and never overflows, unlike float(10**400).
    if not low <= value <= high:
        shown = repr(value) if isinstance(value, float) or abs(value) < 10**15 else "a huge integer"
        raise InvalidArgumentError(argument, f"must be between {low:g} and {high:g}, got {shown}")
    return float(value)
