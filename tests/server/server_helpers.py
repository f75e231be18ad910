"""Helpers for the local-server suite: openapi.yaml conformance checks and SSE parsing."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped,unused-ignore]
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
_SPEC_URI = "urn:openai-audio:openapi"


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded


@cache
def _registry() -> Registry[Any]:
    registry: Registry[Any] = Registry().with_resource(
        _SPEC_URI, Resource.from_contents(spec(), default_specification=DRAFT202012)
    )
    return registry


def conform(schema: str | dict[str, Any], instance: Any) -> None:
    """Validate ``instance`` against a component schema name or an inline schema using spec refs."""
    if isinstance(schema, str):
        schema = {"$ref": f"{_SPEC_URI}#/components/schemas/{schema}"}
    else:
        schema = json.loads(json.dumps(schema).replace('"#/components/', f'"{_SPEC_URI}#/components/'))
    jsonschema.Draft202012Validator(schema, registry=_registry()).validate(instance)


def _loosen(schema: dict[str, Any]) -> dict[str, Any]:
    # The transcription/translation variants overlap (none forbids extra keys), so a verbose_json body
    # also matches the plain json variant and `oneOf` would always fail: check "at least one" instead.
    if "oneOf" in schema:
        return {"anyOf": schema["oneOf"]}
    return schema


def _operation_schema(method: str, path: str, media_type: str) -> dict[str, Any] | None:
    for template, item in spec()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            content = item[method.lower()]["responses"]["200"].get("content", {})
            entry = content.get(media_type)
            return _loosen(entry["schema"]) if entry else None
    return None


def sse_events(text: str) -> list[dict[str, Any]]:
    """The JSON payloads of the ``data:`` lines of an SSE body (other lines are ignored as SSE says)."""
    events = []
    for block in text.split("\n\n"):
        data = [line[5:].lstrip(" ") for line in block.split("\n") if line.startswith("data:")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events


def check_response(response: httpx.Response) -> None:
    """Every JSON or SSE body from /v1 must match openapi.yaml (errors: ErrorResponse)."""
    response.read()
    path = response.request.url.path
    if not path.startswith("/v1/"):
        return
    ctype = response.headers.get("content-type", "").split(";")[0]
    if ctype == "application/json":
        body = response.json()
        if response.status_code != 200:
            conform("ErrorResponse", body)
            return
        schema = _operation_schema(response.request.method, path[3:], "application/json")
        assert schema is not None, f"no JSON response documented for {response.request.method} {path}"
        conform(schema, body)
    elif ctype == "text/event-stream":
        schema = _operation_schema(response.request.method, path[3:], "text/event-stream")
        assert schema is not None
        for event in sse_events(response.text):
            conform(schema, event)


def assert_error(
    response: httpx.Response, status: int, param: str | None = None, code: str | None = None
) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body["error"]) == {"message", "type", "param", "code"}
    conform("ErrorResponse", body)
    assert body["error"]["param"] == param, body
    if code is not None:
        assert body["error"]["code"] == code, body
