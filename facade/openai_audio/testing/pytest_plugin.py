"""pytest plugin (entry point ``openai_audio``): fixtures running a local OpenAI-audio server.

This module is imported by pytest for every project that has ``openai-audio`` installed, so it must
stay import-light: the server (and its Starlette/uvicorn dependencies) is imported inside the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from openai_audio import _extras

if TYPE_CHECKING:
    from openai_audio.testing._server import AudioServer


@pytest.fixture(scope="session")
def audio_server() -> Iterator[AudioServer]:
    """A threaded local OpenAI-audio server on a free loopback port, shared by the session."""
    try:
        _extras.require("server", "the audio_server fixture")
    except _extras.ExtraNotInstalledError as exc:
        pytest.fail(str(exc), pytrace=False)
    from openai_audio.testing._server import AudioServer

    server = AudioServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def audio_server_clean(audio_server: AudioServer) -> Iterator[AudioServer]:
    """The session server with state, faults and request log reset before and after the test."""
    audio_server.reset()
    try:
        yield audio_server
    finally:
        audio_server.reset()
