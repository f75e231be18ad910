"""Simulated processing time: a transcription takes as long as its audio divided by a speed.

Off unless asked for, so tests that do not ask are not slowed down. ``--processing-speed 30x`` makes
a 60-second recording take 2 seconds to transcribe, which is what benchmarks of concurrency and
users' own timeout tests need. The sleep is injectable: tests pass a recorder instead of waiting.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import anyio

Sleep = Callable[[float], Awaitable[None]]
_SPEED = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*[xX]?\s*")


def parse_speed(value: str | float | None) -> float | None:
    """``"30x"``, ``"30"`` or ``30.0`` -> 30.0 (times faster than real time); None, "off" or 0 -> off.

    Raises ``ValueError`` for anything else (negative, not a number).
    """
    if value is None:
        return None
    if isinstance(value, str):
        if value.strip().lower() in ("", "off", "none"):
            return None
        match = _SPEED.fullmatch(value)
        if match is None:
            raise ValueError(f"processing speed must look like '30x' (times real time), not {value!r}")
        speed = float(match.group(1))
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"processing speed must be a number, not {value!r}")
    else:
        speed = float(value)
    if speed < 0 or speed != speed or speed == float("inf"):
        raise ValueError(f"processing speed must be positive, not {value!r}")
    return speed or None


def describe(speed: float | None) -> str:
    return "off" if speed is None else f"{speed:g}x"


class Processing:
    """The server's simulated processing speed, changeable while it runs."""

    def __init__(self, speed: float | None = None, sleep: Sleep | None = None) -> None:
        self.speed = speed
        self.default = speed
        self._sleep: Sleep = sleep if sleep is not None else anyio.sleep

    def delay(self, duration: float) -> float:
        """Seconds that processing ``duration`` seconds of audio takes (0 when off)."""
        if not self.speed or duration <= 0:
            return 0.0
        return duration / self.speed

    async def simulate(self, duration: float) -> None:
        seconds = self.delay(duration)
        if seconds > 0:
            await self._sleep(seconds)

    def reset(self) -> None:
        self.speed = self.default
