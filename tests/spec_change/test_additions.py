"""scripts/extract_spec.py: additions ahead of upstream, and components collected after every
override and addition, with each reference checked afterwards."""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture(scope="module")
def changes(extract_spec: ModuleType) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    overrides, additions = extract_spec.load_changes()
    assert additions
    return overrides, additions


def _guard(addition: dict[str, Any]) -> str:
    return str(addition.get("until_upstream_has", addition["pointer"]))


def _document_with(extract_spec: ModuleType, pointer: str) -> dict[str, Any]:
    """A minimal document in which ``pointer`` resolves."""
    doc: dict[str, Any] = {}
    node = doc
    for part in extract_spec.split_pointer(pointer):
        node = node.setdefault(part, {})
    return doc


def test_additions_are_in_the_extraction(
    extracted: Any, changes: tuple[list[dict[str, Any]], list[dict[str, Any]]], extract_spec: ModuleType
) -> None:
    doc = extracted()
    for addition in changes[1]:
        assert extract_spec.resolve(doc, addition["pointer"]) == addition["value"], addition["pointer"]
    # The component only an addition references was collected.
    assert "VoiceDeleted" in doc["components"]["schemas"]


def test_each_addition_fails_loudly_once_upstream_has_it(
    extract_spec: ModuleType, changes: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    additions = changes[1]
    for addition in additions:
        upstream = _document_with(extract_spec, _guard(addition))
        with pytest.raises(extract_spec.ExtractError, match="remove these entries") as info:
            extract_spec.check_ahead_of_upstream(upstream, additions)
        assert f"  {addition['pointer']} (upstream now has {_guard(addition)}; added from " in str(info.value)
        assert addition["source"] in str(info.value)
    extract_spec.check_ahead_of_upstream({"paths": {}, "components": {}}, additions)  # none there: fine


def test_a_real_upstream_gaining_the_delete_operation_fails_the_extraction(
    upstream_doc: dict[str, Any],
    extract_spec: ModuleType,
    changes: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    paths = dict(upstream_doc["paths"])  # shallow: the shared document stays untouched
    paths["/audio/voices/{voice_id}"] = {"delete": {"operationId": "deleteVoice", "responses": {}}}
    with pytest.raises(
        extract_spec.ExtractError, match=r"/paths/~1audio~1voices~1\{voice_id\} \(upstream now has"
    ):
        extract_spec.extract({**upstream_doc, "paths": paths}, *changes)


@pytest.mark.parametrize("missing", ["source", "reason"])
def test_an_addition_must_cite_its_source_and_reason(extract_spec: ModuleType, missing: str) -> None:
    addition = {"pointer": "/components/schemas/X", "op": "add", "value": {}, "source": "s", "reason": "r"}
    del addition[missing]
    with pytest.raises(extract_spec.ExtractError, match="needs a source and a reason"):
        extract_spec.check_ahead_of_upstream({}, [addition])


def _addition(pointer: str, value: Any, op: str = "add") -> dict[str, Any]:
    return {"pointer": pointer, "op": op, "value": value, "source": "test", "reason": "test"}


def test_a_dangling_reference_after_the_changes_is_an_error(
    upstream_doc: dict[str, Any],
    extract_spec: ModuleType,
    changes: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    ghost = _addition(
        "/components/schemas/VoiceResource/properties/ghost", {"$ref": "#/components/schemas/NoSuchThing"}
    )
    with pytest.raises(
        extract_spec.ExtractError, match="dangling reference '#/components/schemas/NoSuchThing'"
    ):
        extract_spec.extract(upstream_doc, changes[0], [*changes[1], ghost])


def test_components_are_collected_after_the_changes(
    upstream_doc: dict[str, Any],
    extract_spec: ModuleType,
    changes: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    baseline = extract_spec.extract(upstream_doc, *changes)["components"]["schemas"]
    outside = next(name for name in upstream_doc["components"]["schemas"] if name not in baseline)
    # One change drops the only reference to CreateVoiceRequest, another references a component
    # no audio path used: the first is pruned, the second (with what it references) collected.
    inline = _addition(
        "/paths/~1audio~1voices/post/requestBody/content/multipart~1form-data/schema",
        {"type": "object"},
        op="replace",
    )
    pull = _addition(
        "/components/schemas/VoiceResource/properties/extra", {"$ref": f"#/components/schemas/{outside}"}
    )
    additions = [a for a in changes[1] if "CreateVoiceRequest" not in a["pointer"]]
    doc = extract_spec.extract(upstream_doc, [*changes[0], inline], [*additions, pull])
    schemas = doc["components"]["schemas"]
    assert "CreateVoiceRequest" not in schemas
    assert schemas[outside] == extract_spec.strip(upstream_doc["components"]["schemas"][outside])
    assert outside not in upstream_doc["paths"]  # the shared document was not changed
    assert upstream_doc["components"]["schemas"]["VoiceResource"]["properties"].get("extra") is None


def test_a_change_to_a_component_no_path_uses_is_an_error(
    upstream_doc: dict[str, Any],
    extract_spec: ModuleType,
    changes: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    baseline = extract_spec.extract(upstream_doc, *changes)["components"]["schemas"]
    outside = next(name for name in upstream_doc["components"]["schemas"] if name not in baseline)
    unused = _addition(f"/components/schemas/{outside}/x-note", "never reaches openapi.yaml")
    with pytest.raises(extract_spec.ExtractError, match="targets a component no audio path uses"):
        extract_spec.extract(copy.deepcopy(upstream_doc), changes[0], [*changes[1], unused])
