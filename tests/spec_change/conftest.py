"""Fixtures for the spec-update workflow: modified upstream documents and throw-away repo copies.

The upstream document (3 MB) is parsed once per session; each test deep-copies it, mutates the
copy and writes it to its own tmp_path. Scripts always run against a copy of the repository, never
the checkout, because scripts/update_spec.py rewrites openapi.yaml, generated/ and SPEC_CHANGES.md
under the root it computes from its own location.
"""

from __future__ import annotations

import copy
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from helpers import REPO_ROOT, UPSTREAM_SPEC

SCRIPTS = REPO_ROOT / "scripts"
Dumper = yaml.CSafeDumper
Mutation = Callable[[dict[str, Any]], None]


def load_script(name: str) -> ModuleType:
    """A module from scripts/ (tests/scripts shadows the name `scripts`, so load by file)."""
    if name in sys.modules:
        return sys.modules[name]
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))  # update_spec imports its siblings by name
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# -- the five upstream modifications under test ---------------------------------------------------


def schemas(doc: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = doc["components"]["schemas"]
    return result


def add_voice(doc: dict[str, Any]) -> None:
    enum_member = next(m for m in schemas(doc)["VoiceIdsShared"]["anyOf"] if "enum" in m)
    enum_member["enum"].append("juniper")


def add_request_field(doc: dict[str, Any]) -> None:
    schemas(doc)["CreateSpeechRequest"]["properties"]["speed_mode"] = {
        "type": "string",
        "description": "How speed is applied.",
    }


def add_response_field_and_event(doc: dict[str, Any]) -> None:
    schemas(doc)["VoiceConsentResource"]["properties"]["status"] = {"type": "string"}
    schemas(doc)["TranscriptTextFooEvent"] = {
        "type": "object",
        "description": "A future transcript event.",
        "properties": {
            "type": {"type": "string", "enum": ["transcript.text.foo"], "x-stainless-const": True},
            "foo": {"type": "string"},
        },
        "required": ["type"],
    }
    schemas(doc)["CreateTranscriptionResponseStreamEvent"]["anyOf"].append(
        {"$ref": "#/components/schemas/TranscriptTextFooEvent"}
    )


def remove_request_field(doc: dict[str, Any]) -> None:
    consent = schemas(doc)["CreateVoiceConsentRequest"]
    del consent["properties"]["language"]
    consent["required"].remove("language")


def change_response_type(doc: dict[str, Any]) -> None:
    schemas(doc)["VoiceConsentResource"]["properties"]["created_at"] = {"type": "string"}


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def upstream_doc() -> dict[str, Any]:
    """The shared upstream document, parsed once. Never mutate it: use ``modified_upstream``."""
    with UPSTREAM_SPEC.open("rb") as fh:
        doc = yaml.load(fh, Loader=yaml.CSafeLoader)
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="session")
def extract_spec() -> ModuleType:
    return load_script("extract_spec")


@pytest.fixture(scope="session")
def spec_diff() -> ModuleType:
    return load_script("spec_diff")


@pytest.fixture(scope="session")
def extracted(upstream_doc: dict[str, Any], extract_spec: ModuleType) -> Callable[..., dict[str, Any]]:
    """``extracted(*mutations)``: the audio subset of a (mutated) upstream, as openapi.yaml reads back."""
    overrides, additions = extract_spec.load_changes()

    def build(*mutations: Mutation) -> dict[str, Any]:
        doc = copy.deepcopy(upstream_doc)
        for mutate in mutations:
            mutate(doc)
        loaded = yaml.load(
            extract_spec.dump(extract_spec.extract(doc, overrides, additions)), Loader=yaml.CSafeLoader
        )
        assert isinstance(loaded, dict)
        return loaded

    return build


@pytest.fixture
def modified_upstream(upstream_doc: dict[str, Any], tmp_path: Path) -> Callable[..., Path]:
    """``modified_upstream(*mutations)``: a mutated copy of the upstream written under tmp_path."""

    def write(*mutations: Mutation) -> Path:
        doc = copy.deepcopy(upstream_doc)
        for mutate in mutations:
            mutate(doc)
        path = tmp_path / "upstream" / "openai-openapi.yaml"
        path.parent.mkdir(exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            yaml.dump(doc, fh, Dumper=Dumper, sort_keys=False, allow_unicode=True)
        return path

    return write


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The parts of the repository the update workflow reads and writes, laid out as in the repo."""
    root = tmp_path / "repo"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("scripts", "generated", "spec"):
        shutil.copytree(REPO_ROOT / name, root / name, ignore=ignore)
    for name in ("openapi.yaml", "spec.lock.json", "pyproject.toml", "SPEC_CHANGES.md"):
        shutil.copy2(REPO_ROOT / name, root / name)
    return root


def run_update(root: Path, upstream: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    """scripts/update_spec.py in ``root``; ``upstream=None`` runs it on its default (the pinned copy)."""
    source = [] if upstream is None else ["--upstream", str(upstream)]
    cmd = [sys.executable, str(root / "scripts" / "update_spec.py"), *source, *args]
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=180)
