"""Voice consent recordings: create, retrieve, update, delete, list."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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

from .._call import APICall
from .._checks import check_id, check_limit, check_str
from .._config import NOT_GIVEN, NotGiven, TimeoutTypes
from .._files import VOICE_SAMPLE_UPLOADS, FileInput, prepare_file
from .._pagination import AsyncPage, Page
from .._response import parse_model
from ..errors import APIResponseValidationError
from ._base import AsyncResource, SyncResource, generated_file

# Fields the generated from_dict copies without checking their types.
_CONSENT_FIELDS = {"id": str, "object": str, "name": str, "language": str, "created_at": int}
_DELETED_FIELDS = {"id": str, "object": str, "deleted": bool}
_LIST_FIELDS = {"data": list, "has_more": bool, "first_id": str, "last_id": str}


def _consent(response: httpx.Response) -> VoiceConsentResource:
    return parse_model(response, VoiceConsentResource.from_dict, "voice consent", _CONSENT_FIELDS)


def _create(name: str, recording: FileInput, language: str) -> APICall[VoiceConsentResource]:
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


def _retrieve(consent_id: str) -> APICall[VoiceConsentResource]:
    return APICall(
        get_voice_consent._get_kwargs(consent_id=check_id("consent_id", consent_id)),
        _consent,
    )


def _update(consent_id: str, name: str) -> APICall[VoiceConsentResource]:
    body = UpdateVoiceConsentRequest(name=check_str("name", name))
    return APICall(
        update_voice_consent._get_kwargs(consent_id=check_id("consent_id", consent_id), body=body),
        _consent,
    )


def _delete(consent_id: str) -> APICall[VoiceConsentDeletedResource]:
    return APICall(
        delete_voice_consent._get_kwargs(consent_id=check_id("consent_id", consent_id)),
        lambda r: parse_model(
            r, VoiceConsentDeletedResource.from_dict, "deleted voice consent", _DELETED_FIELDS
        ),
    )


def _list(limit: int | None, after: str | None) -> APICall[VoiceConsentListResource]:
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


def _page_fields(listing: VoiceConsentListResource) -> dict[str, Any]:
    return {
        "has_more": listing.has_more,
        "first_id": listing.first_id if isinstance(listing.first_id, str) else None,
        "last_id": listing.last_id if isinstance(listing.last_id, str) else None,
    }


class VoiceConsents(SyncResource):
    """``client.voice_consents``: consent recordings that authorise custom voices."""

    def create(
        self, *, name: str, recording: FileInput, language: str, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """Upload a consent recording (at most 10 MiB; streamed from disk when given a path)."""
        return self._client._execute(_create(name, recording, language), timeout=timeout)

    def retrieve(
        self, consent_id: str, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """One consent by id; ``NotFoundError`` if there is none."""
        return self._client._execute(_retrieve(consent_id), timeout=timeout)

    def update(
        self, consent_id: str, *, name: str, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """Rename a consent recording (metadata only)."""
        return self._client._execute(_update(consent_id, name), timeout=timeout)

    def delete(
        self, consent_id: str, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentDeletedResource:
        """Delete a consent; the answer confirms the id and ``deleted=True``."""
        return self._client._execute(_delete(consent_id), timeout=timeout)

    def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> Page[VoiceConsentResource]:
        """One page of consents (``limit`` 1–100, server default 20), starting after the id ``after``."""
        listing = self._client._execute(_list(limit, after), timeout=timeout)
        return Page(
            listing.data,
            fetch=lambda cursor: self.list(limit=limit, after=cursor, timeout=timeout),
            **_page_fields(listing),
        )

    def iter(
        self, *, limit: int = 100, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> Iterator[VoiceConsentResource]:
        """Every consent; pages of ``limit`` are fetched lazily, as iteration reaches them."""
        check_limit(limit)
        return self._iter(limit, timeout)

    def _iter(self, limit: int, timeout: TimeoutTypes | NotGiven) -> Iterator[VoiceConsentResource]:
        yield from self.list(limit=limit, timeout=timeout).iter_all()


class AsyncVoiceConsents(AsyncResource):
    """``client.voice_consents`` for the async client."""

    async def create(
        self, *, name: str, recording: FileInput, language: str, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """Upload a consent recording; see :meth:`VoiceConsents.create`."""
        return await self._client._execute(_create(name, recording, language), timeout=timeout)

    async def retrieve(
        self, consent_id: str, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """One consent by id; see :meth:`VoiceConsents.retrieve`."""
        return await self._client._execute(_retrieve(consent_id), timeout=timeout)

    async def update(
        self, consent_id: str, *, name: str, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """Rename a consent recording (metadata only)."""
        return await self._client._execute(_update(consent_id, name), timeout=timeout)

    async def delete(
        self, consent_id: str, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentDeletedResource:
        """Delete a consent; see :meth:`VoiceConsents.delete`."""
        return await self._client._execute(_delete(consent_id), timeout=timeout)

    async def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncPage[VoiceConsentResource]:
        """One page of consents; see :meth:`VoiceConsents.list`. ``await page.next_page()`` continues."""
        listing = await self._client._execute(_list(limit, after), timeout=timeout)
        return AsyncPage(
            listing.data,
            fetch=lambda cursor: self.list(limit=limit, after=cursor, timeout=timeout),
            **_page_fields(listing),
        )

    def iter(
        self, *, limit: int = 100, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> AsyncIterator[VoiceConsentResource]:
        """Every consent, fetched lazily: ``async for consent in client.voice_consents.iter()``."""
        check_limit(limit)
        return self._iter(limit, timeout)

    async def _iter(
        self, limit: int, timeout: TimeoutTypes | NotGiven
    ) -> AsyncIterator[VoiceConsentResource]:
        page = await self.list(limit=limit, timeout=timeout)
        async for item in page.iter_all():
            yield item
