"""Fixtures for the generated-layer tests: the generated client wired to a recording loopback server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from helpers import RecordingServer
from openai_audio_api import AuthenticatedClient


@pytest.fixture
def client(recording_server: RecordingServer) -> Iterator[AuthenticatedClient]:
    """The generated client pointed at ``recording_server`` under ``/v1``, like the real API."""
    with AuthenticatedClient(
        base_url=recording_server.base_url + "/v1", token="sk-test", timeout=httpx.Timeout(10.0)
    ) as api:
        yield api
