"""scripts/spec_diff.py on real extractions of modified upstream documents (no regeneration)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from .conftest import (
    add_request_field,
    add_response_field_and_event,
    add_voice,
    change_response_type,
    remove_request_field,
    schemas,
)

Extracted = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def baseline(extracted: Extracted) -> dict[str, Any]:
    return extracted()


def test_unchanged_upstream_gives_an_empty_diff(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    result = spec_diff.diff_specs(baseline, extracted())
    assert result.is_empty
    assert result.changes == []
    assert result.render() == "No changes to the API shape.\n"


def test_new_voice_is_reported_once_at_the_component(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    result = spec_diff.diff_specs(baseline, extracted(add_voice))
    # Reached from createSpeech through two references, yet reported once, at VoiceIdsShared.
    assert [(c.kind, c.scope, c.path, c.new) for c in result.changes] == [
        (spec_diff.ENUM_ADDED, "schema VoiceIdsShared", "", ["juniper"])
    ]
    assert not result.breaking
    assert result.used_by["VoiceIdsShared"] == {"createSpeech": {"request"}}
    text = result.render()
    assert "VoiceIdsShared [request] — used by: createSpeech (request)" in text
    assert "+ enum values 'juniper'" in text


def test_new_optional_request_field(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    result = spec_diff.diff_specs(baseline, extracted(add_request_field))
    change = result.find(spec_diff.FIELD_ADDED, "schema CreateSpeechRequest", "speed_mode")
    assert change is not None
    assert change.new == "string, optional"
    assert not change.breaking
    assert len(result.changes) == 1
    assert "+ `speed_mode`: string, optional" in result.render()


def test_new_response_field_and_new_event_type(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    result = spec_diff.diff_specs(baseline, extracted(add_response_field_and_event))
    status = result.find(spec_diff.FIELD_ADDED, "schema VoiceConsentResource", "status")
    assert status is not None
    assert status.new == "string, optional"
    event = result.find(spec_diff.EVENT_ADDED, "createTranscription", "TranscriptTextFooEvent")
    assert event is not None
    assert event.new == "transcript.text.foo"
    assert result.find(spec_diff.SCHEMA_ADDED, "schema TranscriptTextFooEvent") is not None
    union = result.find(spec_diff.VARIANTS_CHANGED, "schema CreateTranscriptionResponseStreamEvent")
    assert union is not None
    assert (union.old, union.new) == ([], ["TranscriptTextFooEvent"])
    # The speech stream is untouched.
    assert not [c for c in result.by_kind(spec_diff.EVENT_ADDED) if c.scope == "createSpeech"]
    assert not result.breaking
    text = result.render()
    assert "Server-sent event types\n  createTranscription (POST /audio/transcriptions)\n" in text
    assert "+ event 'transcript.text.foo' (TranscriptTextFooEvent)" in text
    assert "+ `status`: string, optional" in text
    users = result.used_by["VoiceConsentResource"]
    assert set(users) == {"createVoiceConsent", "getVoiceConsent", "listVoiceConsents", "updateVoiceConsent"}
    assert all(sides == {"response"} for sides in users.values())
    assert "VoiceConsentResource [response] — used by: createVoiceConsent (response)" in text


def test_removed_request_field_is_breaking(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    result = spec_diff.diff_specs(baseline, extracted(remove_request_field))
    change = result.find(spec_diff.FIELD_REMOVED, "schema CreateVoiceConsentRequest", "language")
    assert change is not None
    assert change.old == "string, required"
    assert change.breaking
    assert len(result.changes) == 1
    assert "! - `language`: (was string, required)" in result.render()
    assert "1 change(s), 1 possibly breaking" in result.render()


def test_changed_response_type_is_breaking(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    result = spec_diff.diff_specs(baseline, extracted(change_response_type))
    change = result.find(spec_diff.TYPE_CHANGED, "schema VoiceConsentResource", "created_at")
    assert change is not None
    assert (change.old, change.new) == ("integer(unixtime)", "string")
    assert change.breaking
    assert "! ~ `created_at`: integer(unixtime) -> string" in result.render()


def test_model_enum_inside_anyof_and_required_flip(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    def mutate(doc: dict[str, Any]) -> None:
        model = schemas(doc)["CreateTranscriptionRequest"]["properties"]["model"]
        next(m for m in model["anyOf"] if "enum" in m)["enum"].remove("whisper-1")
        schemas(doc)["CreateSpeechRequest"]["required"].append("speed")
        schemas(doc)["VoiceConsentResource"]["required"].remove("language")

    result = spec_diff.diff_specs(baseline, extracted(mutate))
    removed = result.find(spec_diff.ENUM_REMOVED, "schema CreateTranscriptionRequest", "model")
    assert removed is not None
    assert removed.old == ["whisper-1"]
    assert removed.breaking  # callers may still send it
    speed = result.find(spec_diff.REQUIRED_CHANGED, "schema CreateSpeechRequest", "speed")
    assert speed is not None
    assert (speed.old, speed.new, speed.breaking) == (False, True, True)
    language = result.find(spec_diff.REQUIRED_CHANGED, "schema VoiceConsentResource", "language")
    assert language is not None
    assert (language.old, language.new, language.breaking) == (True, False, True)
    assert "~ `speed`: optional -> required" in result.render()


def test_description_only_change_is_not_empty(
    spec_diff: ModuleType, baseline: dict[str, Any], extracted: Extracted
) -> None:
    def mutate(doc: dict[str, Any]) -> None:
        schemas(doc)["VoiceConsentResource"]["description"] = "Reworded."

    result = spec_diff.diff_specs(baseline, extracted(mutate))
    assert [(c.kind, c.scope) for c in result.changes] == [
        (spec_diff.DOCS_CHANGED, "schema VoiceConsentResource")
    ]
    assert "descriptions/examples/metadata only" in result.render()


# -- operations and parameters, on small hand-written documents ------------------------------------


def _doc(paths: dict[str, Any], **schemas_: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"version": "1"}, "paths": paths, "components": {"schemas": schemas_}}


def _get(op_id: str, *params: dict[str, Any], event: str | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
    if event:
        content["text/event-stream"] = {"schema": {"$ref": "#/components/schemas/Stream"}}
    return {
        "get": {
            "operationId": op_id,
            "parameters": list(params),
            "responses": {"200": {"description": "OK", "content": content}},
        }
    }


def _param(name: str, type_: str = "string", required: bool = False) -> dict[str, Any]:
    return {"in": "query", "name": name, "required": required, "schema": {"type": type_}}


def _event(value: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"type": {"type": "string", "enum": [value]}}}


def test_operations_parameters_and_events(spec_diff: ModuleType) -> None:
    common = {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}
    old = _doc(
        {"/a": _get("getA", _param("limit", "integer"), _param("gone")), "/b": _get("getB", event="x")},
        **common,
        Stream={"anyOf": [{"$ref": "#/components/schemas/E1"}, {"$ref": "#/components/schemas/E2"}]},
        E1=_event("thing.one"),
        E2=_event("thing.two"),
    )
    new = _doc(
        {
            "/a": _get("getA", _param("limit", "string"), _param("order", required=True)),
            "/b": _get("getB", event="x"),
            "/c": _get("getC"),
        },
        **common,
        Stream={"oneOf": [{"$ref": "#/components/schemas/E1"}, {"$ref": "#/components/schemas/E3"}]},
        E1=_event("thing.one"),
        E3=_event("thing.three"),
    )
    result = spec_diff.diff_specs(old, new)
    assert result.find(spec_diff.OPERATION_ADDED, "getC") is not None
    changed = result.find(spec_diff.PARAMETER_CHANGED, "getA", "query parameter limit")
    assert changed is not None
    assert (changed.old, changed.new) == ("integer", "string")
    added = result.find(spec_diff.PARAMETER_ADDED, "getA", "query parameter order")
    assert added is not None
    assert added.breaking  # a new required parameter
    assert result.find(spec_diff.PARAMETER_REMOVED, "getA", "query parameter gone") is not None
    assert result.find(spec_diff.EVENT_ADDED, "getB", "E3") is not None
    assert result.find(spec_diff.EVENT_REMOVED, "getB", "E2") is not None
    text = result.render()
    assert "Operations\n  + getC (GET /c)\n" in text
    assert "+ event 'thing.three' (E3)" in text
    assert "- event 'thing.two' (E2)" in text
    assert "! ~ `query parameter limit`: integer -> string" in text

    back = spec_diff.diff_specs(new, old)
    assert back.find(spec_diff.OPERATION_REMOVED, "getC") is not None
    assert "  - getC (GET /c)" in back.render()
