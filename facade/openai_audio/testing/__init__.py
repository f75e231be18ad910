"""A faithful, stateful local OpenAI Audio API server for tests, demos and benchmarks.

Needs the ``server`` extra (Starlette, uvicorn, python-multipart)::

    from openai_audio.testing import AudioServer

    with AudioServer() as server:
        ...  # point a client at server.base_url with server.api_key

Test-only extras, never part of the OpenAI API: the ``/__control`` endpoints (unauthenticated; faults,
request log, reset) and the ``x-test-audio-bytes`` request header of ``POST /v1/audio/speech``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from openai_audio import _extras

if TYPE_CHECKING:
    from openai_audio.testing._app import create_app
    from openai_audio.testing._faults import Fault
    from openai_audio.testing._log import RecordedRequest, UploadRecord
    from openai_audio.testing._server import AudioServer

__all__ = ["AudioServer", "Fault", "RecordedRequest", "UploadRecord", "create_app"]

# Exports load lazily: pytest imports this package (for the pytest_plugin submodule) in every run, and
# that must work without the server extra installed.
_EXPORTS = {
    "AudioServer": "openai_audio.testing._server",
    "Fault": "openai_audio.testing._faults",
    "RecordedRequest": "openai_audio.testing._log",
    "UploadRecord": "openai_audio.testing._log",
    "create_app": "openai_audio.testing._app",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _extras.require("server", f"openai_audio.testing.{name}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
