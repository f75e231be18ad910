"""The generation pipeline: spec extraction is deterministic and self-contained, and
`generate.py --check` catches any hand edit of openapi.yaml or generated/."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from helpers import REPO_ROOT, SPEC, UPSTREAM_SPEC

SCRIPTS = REPO_ROOT / "scripts"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _load_extract_spec() -> ModuleType:
    # Loaded from its file: tests/scripts is itself a package named `scripts`.
    spec = importlib.util.spec_from_file_location("extract_spec", SCRIPTS / "extract_spec.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


extract_spec = _load_extract_spec()


def run_extract(output: Path, hash_seed: str) -> None:
    # A fresh interpreter per run, each with its own hash seed, so set/dict-order accidents show.
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    cmd = [sys.executable, str(SCRIPTS / "extract_spec.py"), "--upstream", str(UPSTREAM_SPEC)]
    subprocess.run([*cmd, "--output", str(output), "--no-lock"], check=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """Two independent extractions of the upstream document, as bytes."""
    tmp = tmp_path_factory.mktemp("extract")
    run_extract(tmp / "first.yaml", "1")
    run_extract(tmp / "second.yaml", "2")
    return (tmp / "first.yaml").read_bytes(), (tmp / "second.yaml").read_bytes()


@pytest.fixture(scope="module")
def doc(extracted: tuple[bytes, bytes]) -> dict[str, Any]:
    loaded = yaml.safe_load(extracted[0])
    assert isinstance(loaded, dict)
    return loaded


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair in a YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"non-local reference {ref!r}"
    node: Any = doc
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict), f"{ref!r}: {token!r} is not under an object"
        assert token in node, f"{ref!r} does not resolve: no {token!r}"
        node = node[token]
    return node


# scripts/extract_spec.py ------------------------------------------------------------------------


def test_extraction_is_byte_identical(extracted: tuple[bytes, bytes]) -> None:
    first, second = extracted
    assert first == second


def test_extraction_matches_committed_spec(extracted: tuple[bytes, bytes]) -> None:
    assert extracted[0] == SPEC.read_bytes(), "openapi.yaml is stale; run `make generate`"


def test_extraction_is_a_valid_openapi_document(doc: dict[str, Any]) -> None:
    validate(doc)


def test_extraction_has_the_audio_operations(doc: dict[str, Any]) -> None:
    # Six upstream paths with nine operations, plus DELETE /audio/voices/{voice_id} added ahead of it.
    assert len(doc["paths"]) == 7
    assert all(path.startswith("/audio/") for path in doc["paths"])
    operations = [(path, m) for path, item in doc["paths"].items() for m in item if m in HTTP_METHODS]
    assert len(operations) == 10
    op_ids = [doc["paths"][path][m]["operationId"] for path, m in operations]
    assert len(set(op_ids)) == 10
    assert doc["paths"]["/audio/voices/{voice_id}"]["delete"]["operationId"] == "deleteVoice"


def test_every_reference_resolves_inside_the_file(doc: dict[str, Any]) -> None:
    refs = [value for key, value in walk(doc) if key == "$ref"]
    refs += [
        target
        for key, value in walk(doc)
        if key == "discriminator" and isinstance(value, dict)
        for target in value.get("mapping", {}).values()
    ]
    assert refs, "expected the spec to use references"
    for ref in refs:
        resolve(doc, ref)


def test_every_component_is_used(doc: dict[str, Any]) -> None:
    # The extraction keeps the transitive closure of the paths, nothing more.
    used = {value for key, value in walk(doc) if key == "$ref"}
    for section, entries in doc["components"].items():
        if section != "securitySchemes":
            assert {f"#/components/{section}/{name}" for name in entries} <= used


def test_vendor_examples_are_dropped(doc: dict[str, Any], extracted: tuple[bytes, bytes]) -> None:
    assert not [key for key, _ in walk(doc) if key == "x-oaiMeta"]
    assert b"x-oaiMeta" not in extracted[0]


def test_bearer_scheme_is_present_and_required(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme == {"type": "http", "scheme": "bearer"}]
    assert bearer
    assert {name for requirement in doc["security"] for name in requirement} <= set(bearer)
    assert doc["security"]


CHANGES: dict[str, Any] = yaml.safe_load((SCRIPTS / "spec_overrides.yaml").read_text())
OVERRIDES: list[dict[str, Any]] = CHANGES["overrides"]
ADDITIONS: list[dict[str, Any]] = CHANGES["additions"]


@pytest.mark.parametrize("override", OVERRIDES + ADDITIONS, ids=lambda o: f"{o['op']}:{o['pointer']}")
def test_override_is_documented_and_in_effect(override: dict[str, Any], doc: dict[str, Any]) -> None:
    assert isinstance(override.get("reason"), str)
    assert override["reason"].strip()
    if override in ADDITIONS:  # ahead of upstream: says where it comes from
        assert override["source"].startswith("openai-python 3.57.0, openai.")
    pointer = "#" + override["pointer"]
    if override["op"] == "remove":
        with pytest.raises(AssertionError, match="does not resolve"):
            resolve(doc, pointer)
    else:
        assert override["op"] in ("add", "replace")
        assert resolve(doc, pointer) == override["value"]


def _override(pointer: str, op: str, reason: str = "why", **value: Any) -> dict[str, Any]:
    return {"pointer": "/components/schemas/" + pointer, "op": op, "reason": reason, **value}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (_override("Thing/default", "remove"), "nothing to remove"),
        (_override("Thing/title", "replace", value=1), "nothing to replace"),
        (_override("Thing/type", "add", value="x"), "already present"),
        (_override("Gone/type", "replace", value="x"), "does not resolve"),
        (_override("Thing/type", "remove", reason=""), "no reason"),
        (_override("Thing/type", "move"), "unknown op"),
    ],
    ids=["remove-missing", "replace-missing", "add-present", "parent-missing", "no-reason", "bad-op"],
)
def test_stale_or_bad_override_fails_extraction(override: dict[str, Any], message: str) -> None:
    doc = {"components": {"schemas": {"Thing": {"type": "string"}}}}
    with pytest.raises(extract_spec.ExtractError, match=message):
        extract_spec.apply_override(doc, override)
    assert doc == {"components": {"schemas": {"Thing": {"type": "string"}}}}


# scripts/generate.py --check ----------------------------------------------------------------------


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    # No --upstream: the copy's own pinned document is the default input.
    cmd = [sys.executable, str(root / "scripts" / "generate.py"), "--check"]
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=300)


def clone_worktree(destination: Path) -> Path:
    """What a clone of this checkout would hold (tracked and new, unignored files), and nothing else."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPO_ROOT / relative
        if source.is_file():  # a file deleted but not yet staged is still listed
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def test_a_clone_with_nothing_beside_it_passes_make_check_generated(tmp_path: Path) -> None:
    # The README's promise: a lone clone needs nothing but itself. `-o` skips the venv set-up
    # (this interpreter has the pinned tools); the Makefile's own default SPEC is used.
    clone = clone_worktree(tmp_path / "clone")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clone"]
    result = subprocess.run(
        ["make", "-o", ".venv/.installed", f"PY={sys.executable}", "check-generated"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "spec/upstream/openai-openapi.yaml" in result.stdout  # the command make ran
    assert "openapi.yaml and generated/ are in sync" in result.stdout


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The parts of the repository generate.py reads, laid out as in the repository."""
    root = tmp_path / "repo"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("generated", "scripts", "spec"):
        shutil.copytree(REPO_ROOT / name, root / name, ignore=ignore)
    for name in ("openapi.yaml", "spec.lock.json", "pyproject.toml"):
        shutil.copy2(REPO_ROOT / name, root / name)
    return root


def flip_one_byte(path: Path, replacement: int | None = None) -> None:
    """Change one ASCII letter near the middle of ``path`` to ``replacement``, or swap its case."""
    data = bytearray(path.read_bytes())
    index = next(
        i for i in range(len(data) // 2, len(data)) if chr(data[i]).isascii() and chr(data[i]).isalpha()
    )
    data[index] = ord(chr(data[index]).swapcase()) if replacement is None else replacement
    path.write_bytes(bytes(data))


def test_pristine_copy_is_in_sync(repo_copy: Path) -> None:
    # Proves the copy is faithful, so the failures below come from the edits alone.
    result = run_check(repo_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("relative", "replacement"),
    [
        ("api/audio/create_transcription.py", None),
        ("models/vad_config.py", None),
        ("models/vad_config.py", 0xFF),  # not UTF-8: the diff must still name the file
    ],
    ids=["endpoint", "model", "model-invalid-utf8"],
)
def test_hand_edit_of_generated_code_is_caught(
    repo_copy: Path, relative: str, replacement: int | None
) -> None:
    flip_one_byte(repo_copy / "generated" / "openai_audio_api" / relative, replacement)
    result = run_check(repo_copy)
    assert result.returncode != 0
    assert f"committed/{relative}" in result.stderr, result.stderr


def test_a_pinned_document_other_than_the_locked_one_is_caught(repo_copy: Path) -> None:
    lock_path = repo_copy / "spec.lock.json"
    lock = json.loads(lock_path.read_text())
    lock["upstream_sha256"] = "0" * 64
    lock_path.write_text(json.dumps(lock))
    result = run_check(repo_copy)
    assert result.returncode != 0
    assert f"spec.lock.json records upstream sha256 {'0' * 64}" in result.stderr, result.stderr


def test_hand_edit_of_openapi_yaml_is_caught(repo_copy: Path) -> None:
    flip_one_byte(repo_copy / "openapi.yaml")
    result = run_check(repo_copy)
    assert result.returncode != 0
    assert "openapi.yaml differs" in result.stderr, result.stderr
