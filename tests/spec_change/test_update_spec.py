"""scripts/update_spec.py end to end, on a copy of the repository: exit codes, the printed report,
the SPEC_CHANGES.md entry, regeneration, and (for additive changes) that the façade still works
on top of the regenerated code."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import REPO_ROOT, UPSTREAM_SPEC

from .conftest import (
    Mutation,
    add_request_field,
    add_response_field_and_event,
    add_voice,
    change_response_type,
    remove_request_field,
    run_update,
)

GENERATED = Path("generated") / "openai_audio_api"
PINNED = Path("spec") / "upstream" / "openai-openapi.yaml"  # in the repository copy
# Checks the façade against the regenerated package: argv[1] is the copy's generated/ folder.
SMOKE = textwrap.dedent(
    """
    import sys
    import openai_audio_api
    assert openai_audio_api.__file__.startswith(sys.argv[1]), openai_audio_api.__file__
    from openai_audio import AudioClient
    from openai_audio.resources.speech import _request
    from openai_audio.testing import AudioServer

    n = 4800
    wav = (b"RIFF" + (36 + n).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
           + (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (24000).to_bytes(4, "little")
           + (48000).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
           + b"data" + n.to_bytes(4, "little") + bytes(n))
    request = _request("hi", voice="juniper", model="gpt-4o-mini-tts", instructions=None,
                       response_format=None, speed=None)
    assert request.to_dict()["voice"] == "juniper"
    with AudioServer() as server, AudioClient(api_key=server.api_key, base_url=server.base_url) as client:
        consent = client.voice_consents.create(name="Ada", recording=("a.wav", wav), language="en-US")
        assert [c.id for c in client.voice_consents.list()] == [consent.id]
        assert client.voice_consents.retrieve(consent.id).name == "Ada"
        assert client.speech.create("hello", voice="alloy")
    print("smoke ok")
    """
)


@dataclass(frozen=True)
class Scenario:
    mutations: tuple[Mutation, ...]
    report_lines: tuple[str, ...]
    generated_snippets: dict[str, str]
    """generated/ file -> text the regenerated file must contain."""
    additive: bool


SCENARIOS = {
    "new-voice": Scenario(
        (add_voice,),
        ("VoiceIdsShared [request] — used by: createSpeech (request)", "+ enum values 'juniper'"),
        {"models/builtin_voice.py": '"juniper"'},
        additive=True,
    ),
    "new-request-field": Scenario(
        (add_request_field,),
        ("CreateSpeechRequest [request]", "+ `speed_mode`: string, optional"),
        {"models/create_speech_request.py": "speed_mode: str | Unset = UNSET"},
        additive=True,
    ),
    "new-response-field-and-event": Scenario(
        (add_response_field_and_event,),
        (
            "+ event 'transcript.text.foo' (TranscriptTextFooEvent)",
            "VoiceConsentResource [response]",
            "+ `status`: string, optional",
            "TranscriptTextFooEvent (new)",
        ),
        {
            "models/voice_consent_resource.py": "status: str | Unset = UNSET",
            "models/transcript_text_foo_event_type.py": '"transcript.text.foo"',
        },
        additive=True,
    ),
    "removed-field": Scenario(
        (remove_request_field,),
        ("CreateVoiceConsentRequest [request]", "! - `language`: (was string, required)"),
        {},
        additive=False,
    ),
    "changed-type": Scenario(
        (change_response_type,),
        ("! ~ `created_at`: integer(unixtime) -> string",),
        {"models/voice_consent_resource.py": "created_at: str"},
        additive=False,
    ),
}


def _digest(root: Path) -> dict[str, str]:
    """sha256 of every file the workflow may write, to prove what it left alone."""
    files = [root / "openapi.yaml", root / "spec.lock.json", root / "SPEC_CHANGES.md", root / PINNED]
    files += sorted(p for p in (root / GENERATED).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_unchanged_upstream_exits_0_and_writes_nothing(repo_copy: Path) -> None:
    # No --upstream: the default input is the copy's own pinned document (spec/upstream/).
    before = _digest(repo_copy)
    result = run_update(repo_copy, None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "openapi.yaml and generated/ are unchanged.\n"
    after = _digest(repo_copy)
    # generate.py rewrites the lock with the same content; nothing may actually differ.
    assert after == before


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_changed_upstream_is_reported_logged_and_regenerated(
    name: str, repo_copy: Path, modified_upstream: Callable[..., Path]
) -> None:
    scenario = SCENARIOS[name]
    upstream = modified_upstream(*scenario.mutations)
    old_spec = (repo_copy / "openapi.yaml").read_bytes()
    old_log = (repo_copy / "SPEC_CHANGES.md").read_text(encoding="utf-8")

    result = run_update(repo_copy, upstream)

    assert result.returncode == 1, result.stdout + result.stderr
    for line in scenario.report_lines:
        assert line in result.stdout, result.stdout
    upstream_sha = hashlib.sha256(upstream.read_bytes()).hexdigest()
    assert f"(upstream sha256 {upstream_sha})" in result.stdout
    breaking = "possibly breaking changes (!)" in result.stdout
    assert breaking is not scenario.additive
    # The additions ahead of upstream still in force are listed, with their sources.
    assert "Ahead of upstream (additions in scripts/spec_overrides.yaml" in result.stdout
    assert "+ /components/schemas/VoiceDeleted — openai-python 3.57.0, openai.types.audio.VoiceDeleted" in (
        result.stdout
    )

    new_spec = (repo_copy / "openapi.yaml").read_bytes()
    assert new_spec != old_spec
    assert hashlib.sha256(new_spec).hexdigest()[:12] in result.stdout
    for rel, snippet in scenario.generated_snippets.items():
        assert snippet in (repo_copy / GENERATED / rel).read_text(encoding="utf-8"), rel
    # The new document becomes the pinned default input, so `make check-generated` agrees.
    assert (repo_copy / PINNED).read_bytes() == upstream.read_bytes()
    assert json.loads((repo_copy / "spec.lock.json").read_text())["upstream_sha256"] == upstream_sha
    assert "update its PROVENANCE.md" in result.stderr

    log = (repo_copy / "SPEC_CHANGES.md").read_text(encoding="utf-8")
    assert log.startswith(old_log)
    entry = log[len(old_log) :]
    assert f"upstream sha256 `{upstream_sha}`" in entry
    assert entry.lstrip().startswith("## 20")  # dated
    for line in scenario.report_lines:
        assert line in entry

    if scenario.additive:
        _smoke(repo_copy)


def _smoke(root: Path) -> None:
    generated = str(root / "generated")
    # The copy's generated/ first, then the checkout's façade: both ahead of the editable install.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([generated, str(REPO_ROOT / "facade")])}
    result = subprocess.run(
        [sys.executable, "-c", SMOKE, generated], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke ok" in result.stdout


def test_dry_run_reports_but_writes_nothing(repo_copy: Path, modified_upstream: Callable[..., Path]) -> None:
    upstream = modified_upstream(add_request_field, add_voice)
    before = _digest(repo_copy)
    result = run_update(repo_copy, upstream, "--dry-run")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "openapi.yaml would change" in result.stdout
    assert "+ `speed_mode`: string, optional" in result.stdout
    assert "+ enum values 'juniper'" in result.stdout
    assert _digest(repo_copy) == before


def test_dry_run_of_unchanged_upstream_exits_0(repo_copy: Path) -> None:
    result = run_update(repo_copy, UPSTREAM_SPEC, "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_log_leaves_the_change_log_alone(repo_copy: Path, modified_upstream: Callable[..., Path]) -> None:
    # Also the one place a removal *and* a type change come in one update.
    log = (repo_copy / "SPEC_CHANGES.md").read_bytes()
    result = run_update(repo_copy, modified_upstream(remove_request_field, change_response_type), "--no-log")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 change(s), 2 possibly breaking" in result.stdout
    assert (repo_copy / "SPEC_CHANGES.md").read_bytes() == log
    assert "created_at: str" in (repo_copy / GENERATED / "models/voice_consent_resource.py").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read upstream document"),
        ("openapi: 3.1.0\npaths: {/a: [unclosed\n", "is not valid YAML"),
        ("- just\n- a list\n", "is not an OpenAPI document"),
        ("openapi: 3.1.0\npaths: {}\ncomponents: {}\n", "extraction failed"),
    ],
    ids=["missing", "invalid-yaml", "not-openapi", "no-audio-paths"],
)
def test_broken_upstream_exits_2(repo_copy: Path, tmp_path: Path, content: str | None, message: str) -> None:
    upstream = tmp_path / "broken.yaml"
    if content is not None:
        upstream.write_text(content, encoding="utf-8")
    before = _digest(repo_copy)
    result = run_update(repo_copy, upstream)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert _digest(repo_copy) == before
