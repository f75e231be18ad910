"""The ``openai-audio`` command line (needs the ``cli`` extra: click and rich).

Everything here imports click/rich; nothing outside this package imports it, so
``import openai_audio`` stays light.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    from ._app import run

    return run(argv)
