"""Voice consent requests, described once for both clients."""

from __future__ import annotations

from typing import Any

import httpx

from openai_audio_api.api.audio import (
    create_voice_consent,
    delete_voice_consent,
    get_voice_consent,
    list_voice_consents,
    update_voice_consent,
)
from openai_audio_api.models import (
    CreateVoiceConsentRequest,
    UpdateVoiceConsentRequest,
    VoiceConsentDeletedResource,
    VoiceConsentListResource,
    VoiceConsentResource,
)
from openai_audio_api.types import UNSET

from ..._call import APICall
from ..._checks import check_id, check_limit, check_str
from ..._files import VOICE_SAMPLE_UPLOADS, FileInput, prepare_file
from ..._response import parse_model
from ...errors import APIResponseValidationError
from .._base import generated_file

# Fields the generated from_dict copies without checking their types.
_CONSENT_FIELDS = {"id": str, "object": str, "name": str, "language": str, "created_at": int}
_DELETED_FIELDS = {"id": str, "object": str, "deleted": bool}
_LIST_FIELDS = {"data": list, "has_more": bool, "first_id": str, "last_id": str}


def _consent(response: httpx.Response) -> VoiceConsentResource:
    return parse_model(response, VoiceConsentResource.from_dict, "voice consent", _CONSENT_FIELDS)


def create(name: str, recording: FileInput, language: str) -> APICall[VoiceConsentResource]:
    check_str("name", name)
    check_str("language", language)
    prepared = prepare_file(recording, argument="recording", rule=VOICE_SAMPLE_UPLOADS)
    body = CreateVoiceConsentRequest(
        name=name,
        recording=generated_file(prepared),
        language=language,
    )
    return APICall(
        create_voice_consent._get_kwargs(body=body),
        _consent,
        [prepared],
    )


def retrieve(consent_id: str) -> APICall[VoiceConsentResource]:
    return APICall(
        get_voice_consent._get_kwargs(consent_id=check_id("consent_id", consent_id)),
        _consent,
    )


def update(consent_id: str, name: str) -> APICall[VoiceConsentResource]:
    body = UpdateVoiceConsentRequest(name=check_str("name", name))
    return APICall(
        update_voice_consent._get_kwargs(consent_id=check_id("consent_id", consent_id), body=body),
        _consent,
    )


def delete(consent_id: str) -> APICall[VoiceConsentDeletedResource]:
    return APICall(
        delete_voice_consent._get_kwargs(consent_id=check_id("consent_id", consent_id)),
        lambda r: parse_model(
            r, VoiceConsentDeletedResource.from_dict, "deleted voice consent", _DELETED_FIELDS
        ),
    )


def list_page(limit: int | None, after: str | None) -> APICall[VoiceConsentListResource]:
    return APICall(
        list_voice_consents._get_kwargs(
            limit=UNSET if limit is None else check_limit(limit),
            after=UNSET if after is None else check_id("after", after),
        ),
        _listing,
    )


def _listing(response: httpx.Response) -> VoiceConsentListResource:
    listing = parse_model(response, VoiceConsentListResource.from_dict, "voice consent list", _LIST_FIELDS)
    for item in listing.data:
        # Fast path for the usual, well-formed item (exact JSON types; keep in step with
        # _CONSENT_FIELDS): the generic check below costs ~1 µs per item, nearly a third of
        # parsing a 100-item page. Anything else falls through to it, so which items are
        # accepted and the error messages are unchanged.
        if (
            type(item.id) is str
            and type(item.object_) is str
            and type(item.name) is str
            and type(item.language) is str
            and type(item.created_at) is int
        ):
            continue
        for name, kind in _CONSENT_FIELDS.items():
            value = getattr(item, "object_" if name == "object" else name, None)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise APIResponseValidationError(
                    f"voice consent list: item field {name!r} has type {type(value).__name__}",
                    response=response,
                )
    return listing


def page_fields(listing: VoiceConsentListResource) -> dict[str, Any]:
    return {
        "has_more": listing.has_more,
        "first_id": listing.first_id if isinstance(listing.first_id, str) else None,
        "last_id": listing.last_id if isinstance(listing.last_id, str) else None,
    }
