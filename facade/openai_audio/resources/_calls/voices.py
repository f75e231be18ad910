"""Voice requests, described once for both clients."""

from __future__ import annotations

import httpx

from openai_audio_api.api.audio import create_voice, delete_voice
from openai_audio_api.models import CreateVoiceRequest, VoiceConsentResource, VoiceDeleted, VoiceResource

from ..._call import APICall
from ..._checks import check_id, check_str
from ..._files import VOICE_SAMPLE_UPLOADS, FileInput, prepare_file
from ..._response import parse_model
from .._base import generated_file

# Fields the generated from_dict copies without checking their types.
_VOICE_FIELDS = {"id": str, "object": str, "name": str, "created_at": int, "type": str, "prompt": str}
_DELETED_FIELDS = {"id": str, "object": str, "deleted": bool}


def _voice(response: httpx.Response) -> VoiceResource:
    return parse_model(response, VoiceResource.from_dict, "voice", _VOICE_FIELDS)


def _consent_id(consent: str | VoiceConsentResource) -> str:
    if isinstance(consent, VoiceConsentResource):
        return consent.id
    return check_id("consent", consent)


def create(name: str, audio_sample: FileInput, consent: str | VoiceConsentResource) -> APICall[VoiceResource]:
    """Checks first; then the sample is opened (a path) or read (a stream): blocking work."""
    check_str("name", name)
    consent_id = _consent_id(consent)
    prepared = prepare_file(audio_sample, argument="audio_sample", rule=VOICE_SAMPLE_UPLOADS)
    body = CreateVoiceRequest(
        name=name,
        audio_sample=generated_file(prepared),
        consent=consent_id,
    )
    return APICall(create_voice._get_kwargs(body=body), _voice, [prepared])


def create_from_prompt(
    name: str, prompt: str, model: str | None, script_hint: str | None
) -> APICall[VoiceResource]:
    """A voice designed from a description (for Live sessions; the speech endpoint refuses it)."""
    check_str("name", name)
    body = CreateVoiceRequest(name=name, type_="prompt", prompt=check_str("prompt", prompt))
    if model is not None:
        body.model = check_str("model", model)  # "auto" or a dated snapshot; open, as snapshots appear
    if script_hint is not None:
        body.script_hint = check_str("script_hint", script_hint)
    return APICall(create_voice._get_kwargs(body=body), _voice)


def delete(voice_id: str) -> APICall[VoiceDeleted]:
    """Delete a voice; its consent recording is kept."""
    return APICall(
        delete_voice._get_kwargs(voice_id=check_id("voice_id", voice_id)),
        lambda r: parse_model(r, VoiceDeleted.from_dict, "deleted voice", _DELETED_FIELDS),
    )
