"""Property-based conformance (schemathesis, positive mode) of the JSON consent operations."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from server_helpers import SPEC_PATH

from openai_audio.testing import AudioServer

SCHEMA = schemathesis.openapi.from_path(SPEC_PATH)
OPERATIONS = [
    ("/audio/voice_consents", "GET"),
    ("/audio/voice_consents/{consent_id}", "GET"),
    ("/audio/voice_consents/{consent_id}", "POST"),
    ("/audio/voice_consents/{consent_id}", "DELETE"),
]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_positive_conformance(server: AudioServer, path: str, method: str) -> None:
    # Some calls hit a real consent, the rest random ids (404s, which must still be well-formed).
    consent = server._state.store.create_consent("seed", "en-US", "0" * 64, 1)
    operation = SCHEMA[path][method]
    headers = {"Authorization": f"Bearer {server.api_key}"}
    extra: dict[str, Any] = {}
    if "{consent_id}" in path:
        extra["path_parameters"] = {"consent_id": consent.id}

    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(base_url=server.base_url, headers=headers, timeout=10)
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )

    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(**extra))
    def run_known(case: Any) -> None:
        response = case.call(base_url=server.base_url, headers=headers, timeout=10)
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )
        if method == "DELETE" and response.status_code == 200:
            server._state.store.create_consent("seed", "en-US", "0" * 64, 1)

    run()
    if extra:
        run_known()
