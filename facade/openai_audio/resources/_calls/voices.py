"""Voice requests, described once for both clients."""

from __future__ import annotations

from openai_audio_api.api.audio import create_voice
from openai_audio_api.models import CreateVoiceRequest, VoiceConsentResource, VoiceResource

from ..._call import APICall
from ..._checks import check_id, check_str
from ..._files import VOICE_SAMPLE_UPLOADS, FileInput, prepare_file
from ..._response import parse_model
from .._base import generated_file

# Fields the generated from_dict copies without checking their types.
_VOICE_FIELDS = {"id": str, "object": str, "name": str, "created_at": int}


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
    return APICall(
        create_voice._get_kwargs(body=body),
        lambda r: parse_model(r, VoiceResource.from_dict, "voice", _VOICE_FIELDS),
        [prepared],
    )
