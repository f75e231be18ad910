"""Structural diff of two versions of ``openapi.yaml``, for reviewing an upstream spec update.

``diff_specs(old, new)`` compares the API *shape* — operations, parameters, request and response
fields (type and required-ness), enum values, component schemas and server-sent event types — and
returns a :class:`SpecDiff` whose ``render()`` is the human-readable report.

How references are treated: an inline schema is flattened into dotted field paths
(``usage.input_tokens``, ``segments[]``); a ``$ref`` to a component schema is *not* followed but
shown by name, and the component itself is compared once, under "Schemas", with the operations
that use it (request and/or response side). So a new voice name in ``VoiceIdsShared`` is reported
once, at ``VoiceIdsShared``, not at every operation that reaches it. Members of inline
``anyOf``/``oneOf``/``allOf`` contribute their fields and enum values to the enclosing path, so a
model enum nested as ``anyOf: [string, {enum: [...]}]`` shows up as enum values of that field.
References to ``components/parameters``, ``requestBodies`` and ``responses`` are inlined into
each operation (they carry no fields of their own).

Usage: python scripts/spec_diff.py OLD.yaml NEW.yaml   (exit 0 = same shape, 1 = changes)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_PREFIX = "#/components/schemas/"
EVENT_STREAM = "text/event-stream"
# Change kinds (the ``kind`` of a Change). Kept as plain strings so tests and tools can match them.
OPERATION_ADDED = "operation-added"
OPERATION_REMOVED = "operation-removed"
PARAMETER_ADDED = "parameter-added"
PARAMETER_REMOVED = "parameter-removed"
PARAMETER_CHANGED = "parameter-changed"
BODY_CHANGED = "request-body-changed"
MEDIA_TYPE_ADDED = "media-type-added"
MEDIA_TYPE_REMOVED = "media-type-removed"
RESPONSE_ADDED = "response-added"
RESPONSE_REMOVED = "response-removed"
FIELD_ADDED = "field-added"
FIELD_REMOVED = "field-removed"
TYPE_CHANGED = "type-changed"
REQUIRED_CHANGED = "required-changed"
VARIANTS_CHANGED = "variants-changed"
ENUM_ADDED = "enum-added"
ENUM_REMOVED = "enum-removed"
SCHEMA_ADDED = "schema-added"
SCHEMA_REMOVED = "schema-removed"
EVENT_ADDED = "event-added"
EVENT_REMOVED = "event-removed"
DOCS_CHANGED = "docs-changed"
INFO_CHANGED = "info-changed"
DOCUMENT = "document"


# -- schema flattening ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldShape:
    """What the diff compares for one field path of a schema."""

    types: tuple[str, ...]
    """The alternatives the value may take, sorted (``("null", "string")``, ``("VadConfig",)``)."""
    required: bool | None
    """Required in its parent object; None for a schema root, array items or a parameter-less node."""
    enum: frozenset[Any] | None
    """Enum/const values at this path, including those of inline anyOf/oneOf members."""

    @property
    def type_label(self) -> str:
        return " | ".join(self.types) if self.types else "any"


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _alternatives(schema: Any) -> tuple[str, ...]:
    """The type alternatives of ``schema``, without following component references."""
    if not isinstance(schema, Mapping):
        return ("any",)
    if isinstance(schema.get("$ref"), str):
        return (ref_name(schema["$ref"]),)
    found: set[str] = set()
    for key in ("anyOf", "oneOf"):
        for member in schema.get(key) or []:
            found.update(_alternatives(member))
    if schema.get("allOf"):
        # An intersection is one alternative; spell it so a change of any part shows.
        found.add(" & ".join(sorted("/".join(_alternatives(m)) for m in schema["allOf"])))
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if found and kinds == ["object"] and not schema.get("properties"):
        kinds = []  # `type: object` + `oneOf: [refs]` just restates the members
    for item in kinds:
        if item == "array":
            found.add(f"array<{'/'.join(_alternatives(schema.get('items', {})))}>")
        elif item in ("string", "integer", "number") and schema.get("format"):
            # The format is part of the wire type: integer(unixtime) -> string is a real change.
            found.add(f"{item}({schema['format']})")
        else:
            found.add(item)
    if "const" in schema and not kinds:
        found.add(type(schema["const"]).__name__.replace("str", "string"))
    if schema.get("nullable") is True:
        found.add("null")
    if not found and "enum" in schema:
        found.add("enum")
    return tuple(sorted(found)) if found else ("any",)


def _enum_values(schema: Any) -> set[Any]:
    """Enum/const values of ``schema`` and its inline union members (not of its properties)."""
    if not isinstance(schema, Mapping) or "$ref" in schema:
        return set()
    values: set[Any] = set()
    for value in schema.get("enum") or []:
        if value is not None:  # `null` in an enum is nullability, reported as a type
            values.add(value)
    if "const" in schema:
        values.add(schema["const"])
    for key in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(key) or []:
            values |= _enum_values(member)
    return values


def _object_parts(schema: Any) -> Iterator[Mapping[str, Any]]:
    """``schema`` and its inline union/intersection members, recursively: whatever can hold properties."""
    if not isinstance(schema, Mapping) or "$ref" in schema:
        return
    yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(key) or []:
            yield from _object_parts(member)


def _array_items(schema: Any) -> Iterator[Any]:
    for part in _object_parts(schema):
        if "items" in part:
            yield part["items"]


def flatten(schema: Any, required: bool | None = None, prefix: str = "") -> dict[str, FieldShape]:
    """Every field path of an inline schema (the root is ``""``) mapped to its shape."""
    enum = _enum_values(schema)
    out = {prefix: FieldShape(_alternatives(schema), required, frozenset(enum) if enum else None)}
    for part in _object_parts(schema):
        required_names = set(part.get("required") or [])
        for name, prop in (part.get("properties") or {}).items():
            path = f"{prefix}.{name}" if prefix else name
            for sub_path, shape in flatten(prop, name in required_names, path).items():
                out.setdefault(sub_path, shape)
    for items in _array_items(schema):
        for sub_path, shape in flatten(items, None, f"{prefix}[]").items():
            out.setdefault(sub_path, shape)
    return out


# -- the diff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference. ``scope`` is an operation id or ``schema Name``; ``path`` locates it within."""

    kind: str
    scope: str
    path: str
    old: Any = None
    new: Any = None
    breaking: bool = False
    """Likely to break existing callers or parsers (removals, type changes, newly required inputs)."""

    def describe(self) -> str:
        # "`field`: " inside a schema; nothing for the schema root itself.
        where = f"`{self.path}`: " if self.path else ""
        kind = self.kind
        if kind in (FIELD_ADDED, PARAMETER_ADDED):
            return f"+ {where}{self.new}"
        if kind in (FIELD_REMOVED, PARAMETER_REMOVED):
            return f"- {where}(was {self.old})"
        if kind in (TYPE_CHANGED, PARAMETER_CHANGED, BODY_CHANGED, INFO_CHANGED):
            return f"~ {where}{self.old} -> {self.new}"
        if kind == REQUIRED_CHANGED:
            return f"~ {where}{_req_word(self.old)} -> {_req_word(self.new)}"
        if kind == VARIANTS_CHANGED:
            bits = [f"+ {v}" for v in self.new] + [f"- {v}" for v in self.old]
            return f"~ {where}union members {', '.join(bits)}"
        if kind == ENUM_ADDED:
            return f"+ {where}enum values {_values(self.new)}"
        if kind == ENUM_REMOVED:
            return f"- {where}enum values {_values(self.old)}"
        if kind in (MEDIA_TYPE_ADDED, RESPONSE_ADDED):
            return f"+ {self.path}"
        if kind in (MEDIA_TYPE_REMOVED, RESPONSE_REMOVED):
            return f"- {self.path}"
        if kind == EVENT_ADDED:
            return f"+ event {self.new!r} ({self.path})"
        if kind == EVENT_REMOVED:
            return f"- event {self.old!r} ({self.path})"
        if kind == DOCS_CHANGED:
            return "~ descriptions/examples/metadata only (no change to the API shape)"
        return f"{kind} {self.path} {self.old!r} -> {self.new!r}"


def _req_word(required: Any) -> str:
    return "required" if required else "optional"


def _values(values: Iterable[Any]) -> str:
    return ", ".join(repr(v) for v in values)


def _shape_text(shape: FieldShape) -> str:
    text = shape.type_label
    if shape.required is not None:
        text += ", required" if shape.required else ", optional"
    if shape.enum:
        text += f", enum [{_values(sorted(shape.enum, key=repr))}]"
    return text


@dataclass
class SpecDiff:
    """All changes between two documents, plus what is needed to render them in context."""

    operations: dict[str, str] = field(default_factory=dict)
    """operationId -> ``METHOD /path`` (both versions)."""
    used_by: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """schema name -> {operationId: {"request", "response"}}."""
    changes: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def by_kind(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    def find(self, kind: str, scope: str, path: str = "") -> Change | None:
        return next((c for c in self.changes if (c.kind, c.scope, c.path) == (kind, scope, path)), None)

    def render(self) -> str:
        if self.is_empty:
            return "No changes to the API shape.\n"
        lines: list[str] = []
        ops = self.by_kind(OPERATION_ADDED, OPERATION_REMOVED)
        if ops:
            lines.append("Operations")
            for c in ops:
                sign = "+" if c.kind == OPERATION_ADDED else "-"
                lines.append(f"  {sign} {c.scope} ({self.operations.get(c.scope, '?')})")
            lines.append("")
        events = self.by_kind(EVENT_ADDED, EVENT_REMOVED)
        if events:
            lines.append("Server-sent event types")
            for scope in _unique(c.scope for c in events):
                lines.append(f"  {scope} ({self.operations.get(scope, '?')})")
                lines += [f"    {c.describe()}" for c in events if c.scope == scope]
            lines.append("")
        doc_changes = [c for c in self.changes if c.scope == DOCUMENT]
        if doc_changes:
            lines.append("Document")
            lines += [f"  {c.describe()}" for c in doc_changes]
            lines.append("")
        skip = {OPERATION_ADDED, OPERATION_REMOVED, EVENT_ADDED, EVENT_REMOVED}
        op_changes = [
            c
            for c in self.changes
            if c.kind not in skip and c.scope != DOCUMENT and not c.scope.startswith("schema ")
        ]
        if op_changes:
            lines.append("Operation changes (parameters, request bodies, responses)")
            for scope in _unique(c.scope for c in op_changes):
                lines.append(f"  {scope} ({self.operations.get(scope, '?')})")
                lines += [f"    {_mark(c)}{c.describe()}" for c in op_changes if c.scope == scope]
            lines.append("")
        schema_changes = [c for c in self.changes if c.scope.startswith("schema ")]
        if schema_changes:
            lines.append("Schema changes (each reported once; see 'used by')")
            for scope in _unique(c.scope for c in schema_changes):
                name = scope.removeprefix("schema ")
                kinds = {c.kind for c in schema_changes if c.scope == scope}
                status = (
                    " (new)" if SCHEMA_ADDED in kinds else " (removed)" if SCHEMA_REMOVED in kinds else ""
                )
                lines.append(f"  {name}{status}{self._context(name)}")
                for c in schema_changes:
                    if c.scope == scope and c.kind not in (SCHEMA_ADDED, SCHEMA_REMOVED):
                        lines.append(f"    {_mark(c)}{c.describe()}")
            lines.append("")
        total, breaking = len(self.changes), len(self.breaking)
        lines.append(f"{total} change(s), {breaking} possibly breaking (marked !).")
        return "\n".join(lines) + "\n"

    def _context(self, name: str) -> str:
        users = self.used_by.get(name)
        if not users:
            return " — not used by any operation"
        sides = {side for s in users.values() for side in s}
        side = "request+response" if len(sides) == 2 else next(iter(sides))
        ops = ", ".join(f"{op} ({'+'.join(sorted(s))})" for op, s in sorted(users.items()))
        return f" [{side}] — used by: {ops}"


def _mark(change: Change) -> str:
    return "! " if change.breaking else ""


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


class _Differ:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old, self.new = old, new
        self.result = SpecDiff()

    def add(self, kind: str, scope: str, path: str = "", old: Any = None, new: Any = None, **kw: Any) -> None:
        self.result.changes.append(Change(kind, scope, path, old, new, **kw))

    # -- documents --

    def run(self) -> SpecDiff:
        old_version = (self.old.get("info") or {}).get("version")
        new_version = (self.new.get("info") or {}).get("version")
        if old_version != new_version:
            self.add(INFO_CHANGED, DOCUMENT, "info.version", old_version, new_version)
        old_ops, new_ops = _operations(self.old), _operations(self.new)
        self.result.operations = {op: label for op, (label, _) in {**old_ops, **new_ops}.items()}
        self.result.used_by = _usage(self.new)
        for name, users in _usage(self.old).items():
            self.result.used_by.setdefault(name, users)  # removed schemas: where they were used
        for op_id in sorted(new_ops.keys() - old_ops.keys(), key=list(new_ops).index):
            self.add(OPERATION_ADDED, op_id)
        for op_id in sorted(old_ops.keys() - new_ops.keys(), key=list(old_ops).index):
            self.add(OPERATION_REMOVED, op_id, breaking=True)
        for op_id in [op for op in new_ops if op in old_ops]:
            self.operation(op_id, old_ops[op_id][1], new_ops[op_id][1])
        for op_id in new_ops:
            self.events(op_id, old_ops.get(op_id, (None, {}))[1], new_ops[op_id][1])
        for op_id in old_ops.keys() - new_ops.keys():
            self.events(op_id, old_ops[op_id][1], {})
        old_schemas = self.old.get("components", {}).get("schemas", {}) or {}
        new_schemas = self.new.get("components", {}).get("schemas", {}) or {}
        for name in _unique([*new_schemas, *old_schemas]):
            scope = f"schema {name}"
            if name not in old_schemas:
                self.add(SCHEMA_ADDED, scope)
                continue
            if name not in new_schemas:
                self.add(SCHEMA_REMOVED, scope, breaking=True)
                continue
            self.schema(scope, "", old_schemas[name], new_schemas[name], side=self._side(name))
        if not self.result.changes and self.old != self.new:
            # Whatever else differs (servers, tags, security, ...) still changes openapi.yaml.
            self.add(DOCS_CHANGED, DOCUMENT, old="", new="")
        return self.result

    def _side(self, schema: str) -> str:
        sides = {s for users in self.result.used_by.get(schema, {}).values() for s in users}
        return "response" if sides == {"response"} else "request" if sides == {"request"} else "both"

    def _docs_only(self, scope: str, old: Any, new: Any, before: int) -> None:
        if len(self.result.changes) == before and old != new:
            self.add(DOCS_CHANGED, scope)

    # -- operations --

    def operation(self, op_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        before = len(self.result.changes)
        old_params, new_params = self.parameters(old), self.parameters(new)
        for key in _unique([*new_params, *old_params]):
            label = f"{key[0]} parameter {key[1]}"
            if key not in old_params:
                shape = new_params[key]
                self.add(PARAMETER_ADDED, op_id, label, new=_shape_text(shape), breaking=bool(shape.required))
            elif key not in new_params:
                self.add(PARAMETER_REMOVED, op_id, label, old=_shape_text(old_params[key]), breaking=True)
            else:
                self.shape(op_id, label, old_params[key], new_params[key], side="request")
        # Operations come from _operations(), with component references already inlined.
        old_body, new_body = old.get("requestBody") or {}, new.get("requestBody") or {}
        if bool(old_body.get("required")) != bool(new_body.get("required")):
            self.add(BODY_CHANGED, op_id, "request body", _req(old_body), _req(new_body), breaking=True)
        self.content(op_id, "request body", old_body.get("content"), new_body.get("content"), "request")
        old_resp, new_resp = old.get("responses") or {}, new.get("responses") or {}
        for status in _unique([*map(str, new_resp), *map(str, old_resp)]):
            o, n = _get(old_resp, status), _get(new_resp, status)
            where = f"response {status}"
            if o is None:
                self.add(RESPONSE_ADDED, op_id, where)
            elif n is None:
                self.add(RESPONSE_REMOVED, op_id, where, breaking=True)
            else:
                self.content(op_id, where, (o or {}).get("content"), (n or {}).get("content"), "response")
        self._docs_only(op_id, old, new, before)

    def parameters(self, op: Mapping[str, Any]) -> dict[tuple[str, str], FieldShape]:
        out: dict[tuple[str, str], FieldShape] = {}
        for raw in op.get("parameters") or []:
            param = raw or {}
            shape = flatten(param.get("schema", {}), bool(param.get("required")))[""]
            out[(str(param.get("in")), str(param.get("name")))] = shape
        return out

    def content(self, op_id: str, where: str, old: Any, new: Any, side: str) -> None:
        old, new = old or {}, new or {}
        for media in _unique([*new, *old]):
            label = f"{where} {media}"
            if media not in old:
                self.add(MEDIA_TYPE_ADDED, op_id, label)
            elif media not in new:
                self.add(MEDIA_TYPE_REMOVED, op_id, label, breaking=side == "response")
            else:
                self.schema(op_id, label, old[media].get("schema"), new[media].get("schema"), side)

    def events(self, op_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        old_events, new_events = _event_types(self.old, old), _event_types(self.new, new)
        for value in sorted(new_events.keys() - old_events.keys(), key=str):
            self.add(EVENT_ADDED, op_id, new_events[value], new=value)
        for value in sorted(old_events.keys() - new_events.keys(), key=str):
            self.add(EVENT_REMOVED, op_id, old_events[value], old=value, breaking=True)

    # -- schemas --

    def schema(self, scope: str, prefix: str, old: Any, new: Any, side: str) -> None:
        before = len(self.result.changes)
        old_fields, new_fields = flatten(old or {}), flatten(new or {})
        for path in _unique([*new_fields, *old_fields]):
            label = f"{prefix} {path}".strip() if prefix else path
            if path not in old_fields:
                shape = new_fields[path]
                breaking = bool(shape.required) and side != "response"
                self.add(FIELD_ADDED, scope, label, new=_shape_text(shape), breaking=breaking)
            elif path not in new_fields:
                # A dropped request field breaks callers that send it; a dropped response field
                # breaks code that reads it. Either way it is worth a look.
                self.add(FIELD_REMOVED, scope, label, old=_shape_text(old_fields[path]), breaking=True)
            else:
                self.shape(scope, label, old_fields[path], new_fields[path], side)
        if not prefix:
            self._docs_only(scope, old, new, before)

    def shape(self, scope: str, label: str, old: FieldShape, new: FieldShape, side: str) -> None:
        if old.types != new.types:
            if len(old.types) > 1 and len(new.types) > 1:
                added = [t for t in new.types if t not in old.types]
                removed = [t for t in old.types if t not in new.types]
                self.add(VARIANTS_CHANGED, scope, label, removed, added, breaking=bool(removed))
            else:
                kind = PARAMETER_CHANGED if " parameter " in label else TYPE_CHANGED
                self.add(kind, scope, label, old.type_label, new.type_label, breaking=True)
        if old.required is not None and new.required is not None and old.required != new.required:
            # Newly required input breaks callers; newly optional output breaks readers.
            breaking = new.required if side == "request" else old.required if side == "response" else True
            self.add(REQUIRED_CHANGED, scope, label, old.required, new.required, breaking=breaking)
        old_enum, new_enum = old.enum or frozenset(), new.enum or frozenset()
        added = sorted(new_enum - old_enum, key=repr)
        removed = sorted(old_enum - new_enum, key=repr)
        if added:
            # A response that may now carry a value old code has never seen deserves a look.
            self.add(ENUM_ADDED, scope, label, new=added, breaking=side != "request")
        if removed:
            self.add(ENUM_REMOVED, scope, label, old=removed, breaking=side != "response")


def _req(body: Mapping[str, Any]) -> str:
    return "required" if body.get("required") else "optional"


def _get(mapping: Mapping[Any, Any], status: str) -> Any:
    # YAML may load an unquoted status code as an int.
    if status in mapping:
        return mapping[status]
    return mapping.get(int(status)) if status.isdigit() else None


def _pointer(doc: Mapping[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _operations(doc: Mapping[str, Any]) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """operationId (or ``METHOD /path`` when missing) -> (``METHOD /path``, operation)."""
    out: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for path, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = (item or {}).get(method)
            if isinstance(op, Mapping):
                label = f"{method.upper()} {path}"
                shared = item.get("parameters") or []
                if shared:  # path-level parameters apply to every operation below the path
                    op = {**op, "parameters": [*shared, *(op.get("parameters") or [])]}
                out[str(op.get("operationId") or label)] = (label, _inline_refs(doc, op))
    return out


def _inline_refs(doc: Mapping[str, Any], op: Mapping[str, Any]) -> Mapping[str, Any]:
    """The operation with references to parameters/requestBodies/responses components inlined."""

    def inline(node: Any) -> Any:
        for _ in range(10):
            ref = node.get("$ref") if isinstance(node, Mapping) else None
            if not isinstance(ref, str) or ref.startswith(SCHEMA_PREFIX):
                break
            node = _pointer(doc, ref) or {}
        return node

    out = dict(op)
    if "parameters" in out:
        out["parameters"] = [inline(p) for p in out["parameters"]]
    if "requestBody" in out:
        out["requestBody"] = inline(out["requestBody"])
    if isinstance(out.get("responses"), Mapping):
        out["responses"] = {code: inline(r) for code, r in out["responses"].items()}
    return out


def _schema_refs(node: Any) -> Iterator[str]:
    """Names of the component schemas ``node`` references directly (incl. discriminator mappings)."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            yield ref_name(ref)
        disc = node.get("discriminator")
        if isinstance(disc, Mapping) and isinstance(disc.get("mapping"), Mapping):
            yield from (ref_name(v) for v in disc["mapping"].values() if isinstance(v, str))
        for value in node.values():
            yield from _schema_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_refs(value)


def _usage(doc: Mapping[str, Any]) -> dict[str, dict[str, set[str]]]:
    """schema name -> {operationId: sides} for every schema reachable from an operation."""
    schemas = (doc.get("components") or {}).get("schemas") or {}
    usage: dict[str, dict[str, set[str]]] = {}
    for op_id, (_, op) in _operations(doc).items():
        roots = {
            "request": [op.get("parameters"), op.get("requestBody")],
            "response": [op.get("responses")],
        }
        for side, nodes in roots.items():
            pending, seen = list(_schema_refs(nodes)), set()
            while pending:
                name = pending.pop()
                if name in seen:
                    continue
                seen.add(name)
                usage.setdefault(name, {}).setdefault(op_id, set()).add(side)
                pending.extend(_schema_refs(schemas.get(name)))
    return usage


def _event_types(doc: Mapping[str, Any], op: Mapping[str, Any]) -> dict[Any, str]:
    """``type`` value -> event schema name, for the SSE events of an operation's 2xx responses."""
    schemas = (doc.get("components") or {}).get("schemas") or {}
    found: dict[Any, str] = {}

    def visit(schema: Any, name: str, depth: int) -> None:
        if not isinstance(schema, Mapping) or depth > 8:
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            visit(schemas.get(ref_name(ref)), ref_name(ref), depth + 1)
            return
        members = [*(schema.get("anyOf") or []), *(schema.get("oneOf") or [])]
        for member in members:
            visit(member, name, depth + 1)
        type_prop = (schema.get("properties") or {}).get("type")
        for value in sorted(_enum_values(type_prop), key=repr):
            found.setdefault(value, name)

    for status, response in (op.get("responses") or {}).items():
        if not str(status).startswith("2") or not isinstance(response, Mapping):
            continue
        media = (response.get("content") or {}).get(EVENT_STREAM)
        if isinstance(media, Mapping):
            visit(media.get("schema"), "inline", 0)
    return found


def diff_specs(old: Mapping[str, Any], new: Mapping[str, Any]) -> SpecDiff:
    """The structural changes from ``old`` to ``new`` (two OpenAPI 3 documents as loaded from YAML)."""
    return _Differ(old or {}, new or {}).run()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    old, new = (yaml.safe_load(Path(p).read_text(encoding="utf-8")) for p in args)
    result = diff_specs(old, new)
    sys.stdout.write(result.render())
    return 0 if result.is_empty else 1


if __name__ == "__main__":
    sys.exit(main())
