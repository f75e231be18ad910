"""Every public name is in the API reference, every class there is described, and the migration
guide covers the official SDK's audio API."""

from __future__ import annotations

import importlib.util
import inspect
import re

import pytest

import openai_audio
import openai_audio.types

from .conftest import DOCS

REFERENCE = DOCS / "reference"


def _reference_text() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in sorted(REFERENCE.glob("*.md")))


def _documented(text: str, name: str) -> bool:
    # A mkdocstrings directive (::: openai_audio.X or openai_audio.types.X), or `X` in a table.
    pattern = rf"(^:::\s+openai_audio(\.types)?\.{re.escape(name)}\s*$)|(`{re.escape(name)}`)"
    return re.search(pattern, text, flags=re.MULTILINE) is not None


@pytest.mark.parametrize("name", openai_audio.__all__)
def test_public_name_is_in_the_reference(name: str) -> None:
    assert _documented(_reference_text(), name), f"openai_audio.{name} is not in docs/reference/"


@pytest.mark.parametrize("name", openai_audio.types.__all__)
def test_model_is_on_the_types_page(name: str) -> None:
    text = (REFERENCE / "types.md").read_text(encoding="utf-8")
    assert _documented(text, name), f"openai_audio.types.{name} is not in docs/reference/types.md"


_DIRECTIVE = re.compile(r"^:::\s+openai_audio(?:\.types)?\.(\w+)\s*$", re.MULTILINE)
_FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _prose(text: str) -> str:
    """A page without its code blocks, tables and mkdocstrings directives (with their options)."""
    kept: list[str] = []
    in_directive = False
    for line in _FENCED.sub("", text).splitlines():
        if line.startswith(":::"):
            in_directive = True
            continue
        if in_directive and line.startswith((" ", "\t")):
            continue
        in_directive = False
        if not line.lstrip().startswith("|"):
            kept.append(line)
    return "\n".join(kept)


def test_every_class_in_the_reference_is_described() -> None:
    # mkdocstrings shows a class's own docstring under its heading. Models whose spec schema has no
    # description (Translation, VoiceConsentDeleted, ...) have none: their page must say what they are.
    undescribed = []
    for page in sorted(REFERENCE.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for name in _DIRECTIVE.findall(text):
            value = getattr(openai_audio.types, name, None) or getattr(openai_audio, name)
            if not inspect.isclass(value) or (value.__dict__.get("__doc__") or "").strip():
                continue
            if f"`{name}`" not in _prose(text):
                undescribed.append(f"{page.name}: {name}")
    assert not undescribed, f"classes with no docstring and no words on their page: {undescribed}"


_SKIPPED_PARAMETERS = {"self", "extra_headers", "extra_query", "extra_body", "timeout"}


def _official_audio_methods() -> list[tuple[str, str, list[str]]]:
    from openai import OpenAI

    client = OpenAI(api_key="unused", base_url="http://127.0.0.1:9")
    found = []
    for resource_name in ("speech", "transcriptions", "translations", "voice_consents", "voices"):
        resource = getattr(client.audio, resource_name)
        for method_name, method in inspect.getmembers(resource, inspect.ismethod):
            if method_name.startswith("_"):
                continue
            params = [p for p in inspect.signature(method).parameters if p not in _SKIPPED_PARAMETERS]
            found.append((resource_name, method_name, params))
    return found


@pytest.mark.skipif(
    importlib.util.find_spec("openai") is None, reason="the official openai SDK is not installed"
)
def test_migration_table_covers_every_official_audio_method() -> None:
    text = (DOCS / "migration.md").read_text(encoding="utf-8")
    methods = _official_audio_methods()
    assert len(methods) >= 9
    missing = []
    for resource, method, params in methods:
        if f"client.audio.{resource}.{method}(" not in text:
            missing.append(f"client.audio.{resource}.{method}")
        for param in params:
            if not re.search(rf"\b{re.escape(param)}\b", text):
                missing.append(f"client.audio.{resource}.{method}({param}=)")
    assert not missing, f"docs/migration.md does not mention: {missing}"
