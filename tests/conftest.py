"""Shared fixtures for the whole test suite. Keep this small: suite-specific fixtures live in the
suite's own conftest.py, reusable code in tests/helpers/."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/helpers is imported as `helpers`; put tests/ on sys.path explicitly so that also works
# under --import-mode=importlib, where pytest does not add it.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from helpers import RecordingServer  # noqa: E402


@pytest.fixture
def recording_server() -> Iterator[RecordingServer]:
    """A fresh loopback HTTP server that records raw requests and answers ``{}`` (see .response)."""
    with RecordingServer() as server:
        yield server
