"""Extract the audio subset of OpenAI's OpenAPI document into ``openapi.yaml``.

The output holds every ``/audio/*`` path, the transitive closure of the
components they reference and the bearer security scheme, with the fixes and
the additions ahead of upstream listed in ``scripts/spec_overrides.yaml``
applied first (components are collected afterwards, and every reference must
resolve). Running it twice on the
same input gives byte-identical output; ``spec.lock.json`` records the input's
sha256 so a reviewer can see which upstream document a build came from.

Usage: python scripts/extract_spec.py [--upstream PATH] [--output PATH]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
# The pinned upstream document, kept in the repository (see spec/upstream/PROVENANCE.md).
PINNED_UPSTREAM = ROOT / "spec" / "upstream" / "openai-openapi.yaml"
DEFAULT_UPSTREAM = PINNED_UPSTREAM
DEFAULT_OUTPUT = ROOT / "openapi.yaml"
OVERRIDES = ROOT / "scripts" / "spec_overrides.yaml"
LOCK = ROOT / "spec.lock.json"
PATH_PREFIX = "/audio/"
SECURITY_SCHEME = "ApiKeyAuth"
# Keys dropped everywhere: long multi-language examples that only bloat the
# generated docstrings.
DROPPED_KEYS = frozenset({"x-oaiMeta"})

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so descriptions stay readable in diffs."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _represent_str)


class ExtractError(Exception):
    """The upstream document or an override is not what this script expects."""


def load_yaml(path: Path) -> Any:
    with path.open("rb") as fh:
        return yaml.load(fh, Loader=Loader)


def strip(node: Any) -> Any:
    """Deep copy of ``node`` without the keys in DROPPED_KEYS."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in DROPPED_KEYS}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def iter_refs(node: Any) -> Iterator[str]:
    """Every local reference in ``node``: ``$ref`` values and discriminator mappings."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        mapping = (
            node.get("discriminator", {}).get("mapping")
            if isinstance(node.get("discriminator"), dict)
            else None
        )
        if isinstance(mapping, dict):
            yield from (v for v in mapping.values() if isinstance(v, str))
        for value in node.values():
            yield from iter_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_refs(value)


def split_pointer(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ExtractError(f"not a JSON pointer: {pointer!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def resolve(doc: Any, pointer: str) -> Any:
    node = doc
    for part in split_pointer(pointer):
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise ExtractError(f"pointer {pointer!r} does not resolve (stopped at {part!r})")
    return node


def collect_components(components: dict[str, dict[str, Any]], roots: Any) -> dict[str, dict[str, Any]]:
    """The transitive closure of ``components`` referenced from ``roots``, in their order.

    Every reference must name a whole component that exists: a dangling one is an error.
    """
    found: set[tuple[str, str]] = set()
    pending = list(iter_refs(roots))
    while pending:
        ref = pending.pop()
        if not ref.startswith("#/components/"):
            raise ExtractError(f"unsupported reference {ref!r}")
        parts = split_pointer(ref[1:])
        if len(parts) != 3:
            raise ExtractError(f"reference {ref!r} is not to a whole component")
        key = (parts[1], parts[2])
        if key in found:
            continue
        if parts[2] not in components.get(parts[1], {}):
            raise ExtractError(f"dangling reference {ref!r}: no such component")
        found.add(key)
        pending.extend(iter_refs(components[parts[1]][parts[2]]))
    # Upstream order within each section (additions last), so a diff of openapi.yaml reads like a
    # diff of the upstream document.
    collected: dict[str, dict[str, Any]] = {}
    for section, entries in components.items():
        kept = {name: value for name, value in entries.items() if (section, name) in found}
        if kept:
            collected[section] = kept
    return collected


def apply_override(doc: dict[str, Any], override: dict[str, Any]) -> None:
    pointer, op = override["pointer"], override["op"]
    if not override.get("reason"):
        raise ExtractError(f"override {pointer!r} has no reason")
    parts = split_pointer(pointer)
    parent = resolve(doc, "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts[:-1]))
    last = parts[-1]
    if op == "remove":
        if last not in parent:
            raise ExtractError(f"override {pointer!r}: nothing to remove (upstream fixed?)")
        del parent[last]
    elif op == "replace":
        if last not in parent:
            raise ExtractError(f"override {pointer!r}: nothing to replace (upstream fixed?)")
        parent[last] = copy.deepcopy(override["value"])
    elif op == "add":
        if last in parent:
            raise ExtractError(f"override {pointer!r}: already present (upstream fixed?)")
        parent[last] = copy.deepcopy(override["value"])
    else:
        raise ExtractError(f"override {pointer!r}: unknown op {op!r}")


def check_ahead_of_upstream(upstream: dict[str, Any], additions: list[dict[str, Any]]) -> None:
    """Each addition must cite its source and still be missing upstream (else it is stale)."""
    stale = []
    for addition in additions:
        pointer = addition["pointer"]
        if not addition.get("source") or not addition.get("reason"):
            raise ExtractError(f"addition {pointer!r} needs a source and a reason")
        guard = addition.get("until_upstream_has", pointer)
        try:
            resolve(upstream, guard)
        except (ExtractError, IndexError, ValueError):
            continue
        stale.append(f"  {pointer} (upstream now has {guard}; added from {addition['source']})")
    if stale:
        raise ExtractError(
            "additions ahead of upstream that upstream now has; remove these entries from "
            "scripts/spec_overrides.yaml so upstream's own definitions take over:\n" + "\n".join(stale)
        )


def load_changes(path: Path = OVERRIDES) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fixes (``overrides``) and the ``additions`` ahead of upstream listed in ``path``."""
    data = load_yaml(path)
    return data["overrides"], data.get("additions", [])


def extract(
    upstream: dict[str, Any],
    overrides: list[dict[str, Any]],
    additions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    additions = additions or []
    check_ahead_of_upstream(upstream, additions)
    paths = {p: strip(item) for p, item in upstream["paths"].items() if p.startswith(PATH_PREFIX)}
    if not paths:
        raise ExtractError(f"no paths start with {PATH_PREFIX!r}")
    tags = [t for t in upstream.get("tags", []) if t.get("name") == "Audio"]
    doc: dict[str, Any] = {
        "openapi": upstream["openapi"],
        "info": upstream["info"],
        "servers": upstream["servers"],
        "security": [{SECURITY_SCHEME: []}],
    }
    if tags:
        doc["tags"] = tags
    doc["paths"] = paths
    # A private copy of every upstream component, so that fixes and additions can reach any of
    # them; only afterwards is the set cut down to what the (changed) paths reference.
    doc["components"] = {
        section: strip(entries)
        for section, entries in upstream["components"].items()
        if section != "securitySchemes"
    }
    changes = [*overrides, *additions]
    for change in changes:
        apply_override(doc, change)
    components = collect_components(doc["components"], doc["paths"])
    components["securitySchemes"] = {
        SECURITY_SCHEME: upstream["components"]["securitySchemes"][SECURITY_SCHEME]
    }
    doc["components"] = components
    for change in changes:
        if change["op"] != "remove":
            try:
                resolve(doc, change["pointer"])
            except ExtractError:
                raise ExtractError(
                    f"override {change['pointer']!r} targets a component no audio path uses"
                ) from None
    return doc


def dump(doc: dict[str, Any]) -> str:
    header = (
        "# Generated by scripts/extract_spec.py from OpenAI's OpenAPI document (MIT licence);\n"
        "# do not edit: change scripts/spec_overrides.yaml and run `make generate`.\n"
    )
    body = yaml.dump(
        doc, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return header + body


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", type=Path, default=DEFAULT_UPSTREAM)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--lock", type=Path, default=LOCK, help="where to record the input's sha256")
    parser.add_argument("--no-lock", action="store_true", help="do not update the lock file")
    args = parser.parse_args(argv)

    text = dump(extract(load_yaml(args.upstream), *load_changes()))
    args.output.write_text(text, encoding="utf-8")
    if not args.no_lock:
        lock = json.loads(args.lock.read_text()) if args.lock.exists() else {}
        lock["upstream_sha256"] = sha256(args.upstream)
        lock["openapi_yaml_sha256"] = hashlib.sha256(text.encode()).hexdigest()
        args.lock.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
