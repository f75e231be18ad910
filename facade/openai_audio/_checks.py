"""Argument checks shared by every resource: each raises a typed error naming the argument,
before any network I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import quote

from .errors import InvalidArgumentError, InvalidArgumentTypeError

# httpx refuses URLs over 64 KiB with its own exception; servers commonly stop at 8 KiB.
MAX_ENCODED_ID: Final = 8192


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


def check_choice(argument: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str):
        raise InvalidArgumentTypeError(argument, f"expected a str, got {type(value).__name__}")
    if value not in choices:
        raise InvalidArgumentError(argument, f"must be one of {', '.join(choices)}; got {value!r}")
    return value


def check_str_list(argument: str, value: Any, *, choices: Sequence[str] | None = None) -> list[str]:
    """A non-empty list of strings (each one of ``choices`` when given)."""
    # A bare str is a sequence of characters: almost certainly a mistake here.
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidArgumentTypeError(argument, f"expected a list of str, got {type(value).__name__}")
    items = list(value)
    if not items:
        raise InvalidArgumentError(argument, "must not be empty (pass None to leave it out)")
    for item in items:
        if choices is not None:
            check_choice(argument, item, choices)
        else:
            check_str(argument, item)
    return items


def check_limit(value: Any, *, low: int = 1, high: int = 100) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentTypeError("limit", f"expected an int, got {type(value).__name__}")
    if not low <= value <= high:
        raise InvalidArgumentError("limit", f"must be between {low} and {high}, got {value}")
    return value


def check_number(argument: str, value: Any, low: float, high: float) -> float:
    """A real number within [low, high]; NaN, infinities and huge ints are out of range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidArgumentTypeError(argument, f"expected a number, got {type(value).__name__}")
    # The range test comes first: it is False for NaN and never overflows, unlike float(10**400).
    if not low <= value <= high:
        shown = repr(value) if isinstance(value, float) or abs(value) < 10**15 else "a huge integer"
        raise InvalidArgumentError(argument, f"must be between {low:g} and {high:g}, got {shown}")
    return float(value)


def check_temperature(value: Any) -> float | None:
    """The sampling temperature of transcriptions and translations, 0–1 (None leaves it out)."""
    if value is None:
        return None
    return check_number("temperature", value, 0.0, 1.0)
