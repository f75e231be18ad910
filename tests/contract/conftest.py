"""Fixtures for the contract tests: one Prism mock server, built from openapi.yaml, per session."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from helpers import PRISM_BIN, SPEC, PrismError, PrismServer
from openai_audio_api import AuthenticatedClient

# Prism hangs on some malformed requests instead of answering: every client gets a timeout.
TIMEOUT = httpx.Timeout(10.0)
TOKEN = "sk-test"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def prism() -> Iterator[PrismServer]:
    """A running ``prism mock openapi.yaml`` on a free loopback port; ``.base_url`` has no ``/v1``."""
    if not PRISM_BIN.exists():
        message = f"Prism not installed at {PRISM_BIN}; run `make install` (npm ci)"
        if _in_ci():
            pytest.fail(message)  # CI must never pass by silently skipping the contract
        pytest.skip(message)
    server = PrismServer(PRISM_BIN, SPEC)
    try:
        server.start()
    except PrismError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _prism_survives(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test after which Prism is dead: Prism crashes on some bad input, and every later
    test would otherwise fail with a confusing connection error."""
    yield
    if "prism" not in request.fixturenames:
        return
    server: PrismServer = request.getfixturevalue("prism")
    if not server.is_alive():
        tail = "".join(server.output().splitlines(keepends=True)[-40:])
        pytest.fail(f"Prism died during this test (exit {server.returncode}); last output:\n{tail}")


@pytest.fixture
def api(prism: PrismServer) -> Iterator[AuthenticatedClient]:
    """The generated client, authenticated, pointed at Prism."""
    with AuthenticatedClient(base_url=prism.base_url, token=TOKEN, timeout=TIMEOUT) as client:
        yield client


@pytest.fixture
def http(prism: PrismServer) -> Iterator[httpx.Client]:
    """A bare httpx client at Prism (no auth header), for requests the generated client cannot make."""
    with httpx.Client(base_url=prism.base_url, timeout=TIMEOUT) as client:
        yield client
