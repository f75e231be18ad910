"""The ``openai-audio`` command line (needs the ``cli`` extra: click and rich).

Everything here imports click/rich; nothing outside this package imports it, so
``import openai_audio`` stays light.
"""

from __future__ import annotations

import sys

from openai_audio import _extras

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    try:
        _extras.require("cli", "the openai-audio command")
    except _extras.ExtraNotInstalledError as exc:
        # A base install has the console script too: one line saying what to install, exit 2 (usage).
        print(f"openai-audio: {exc}", file=sys.stderr)
        return 2
    from ._app import run

    return run(argv)
