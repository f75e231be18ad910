"""What `import openai_audio` loads, and what waits for first use.

Each check runs in a fresh interpreter: this test process has long since imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import openai_audio
import openai_audio_api.models


def loaded_after(code: str) -> set[str]:
    """Our and the generated package's modules in ``sys.modules`` after running ``code``."""
    script = textwrap.dedent(code) + textwrap.dedent(
        """
        import json, sys
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
                                {"openai_audio", "openai_audio_api"})))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def models_in(modules: set[str]) -> set[str]:
    return {m for m in modules if m.startswith("openai_audio_api.models.")}


def test_import_and_a_client_load_no_resource_model_or_stream_code() -> None:
    modules = loaded_after(
        """
        import openai_audio
        client = openai_audio.AudioClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
        aclient = openai_audio.AsyncAudioClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
        """
    )
    assert "openai_audio._client" in modules
    assert not models_in(modules)
    assert not {m for m in modules if m.startswith("openai_audio.resources.")}
    assert "openai_audio._streaming" not in modules
    assert "openai_audio._files" not in modules


def test_a_resource_loads_its_own_models_only() -> None:
    modules = loaded_after(
        """
        import openai_audio
        client = openai_audio.AudioClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
        client.voice_consents
        """
    )
    assert "openai_audio.resources.voice_consents" in modules
    assert "openai_audio_api.models.voice_consent_resource" in modules
    assert "openai_audio.resources.speech" not in modules
    assert "openai_audio_api.models.create_transcription_request" not in modules


def test_one_generated_model_does_not_import_the_others() -> None:
    modules = loaded_after("from openai_audio_api.models import VoiceResource")
    assert models_in(modules) == {  # the model and its own enums, nothing else
        "openai_audio_api.models.voice_resource",
        "openai_audio_api.models.voice_resource_object",
        "openai_audio_api.models.voice_resource_type",
    }


def test_lazy_names_resolve_to_the_same_objects_as_their_modules() -> None:
    assert openai_audio.Transcription is openai_audio.types.Transcription
    assert openai_audio.FileInput is openai_audio._files.FileInput
    assert openai_audio.VoiceConsent is openai_audio_api.models.VoiceConsentResource
    for name in openai_audio_api.models.__all__:
        value = getattr(openai_audio_api.models, name)
        # Classes by their own name; literal enums are `Literal[...]` aliases.
        assert getattr(value, "__name__", name) == name or repr(value).startswith("typing.Literal")
    assert dir(openai_audio_api.models) == sorted(openai_audio_api.models.__all__)


def test_star_import_of_the_generated_models_gives_every_model() -> None:
    namespace: dict[str, object] = {}
    exec("from openai_audio_api.models import *", namespace)  # noqa: S102 - a fixed statement
    assert set(openai_audio_api.models.__all__) <= set(namespace)


@pytest.mark.parametrize("module", [openai_audio, openai_audio_api.models])
def test_unknown_names_are_attribute_errors_naming_them(module: object) -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        getattr(module, "NoSuchThing")  # noqa: B009 - the point is a dynamic lookup
