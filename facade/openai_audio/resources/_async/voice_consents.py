"""Voice consent recordings: create, retrieve, update, delete, list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cached_property, partial
from typing import Any

from openai_audio_api.models import (
    VoiceConsentDeletedResource,
    VoiceConsentListResource,
    VoiceConsentResource,
)

from ..._blocking import to_worker_thread
from ..._call import APICall, Body, Headers, Query
from ..._checks import check_limit
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from ..._pagination import AsyncPage
from ..._raw_response import async_raw_response_wrapper
from .._calls import voice_consents
from ._resource import AsyncResource


class AsyncVoiceConsents(AsyncResource):
    """``client.voice_consents``: consent recordings that authorise custom voices."""

    @cached_property
    def with_raw_response(self) -> AsyncVoiceConsentsWithRawResponse:
        """The same methods, answering with an ``APIResponse``: status, headers (request id, rate
        limits, processing time) and ``parse()`` for the usual result."""
        return AsyncVoiceConsentsWithRawResponse(self)

    async def create(
        self,
        *,
        name: str,
        recording: FileInput,
        language: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceConsentResource:
        """Upload a consent recording (at most 10 MiB; streamed from disk when given a path)."""
        call = await to_worker_thread(
            partial(voice_consents.create, name, recording, language),
            needed=may_block(recording),
            undo=APICall.close,
        )
        return await self._send(call, timeout, extra_headers, extra_query, extra_body)

    async def retrieve(
        self,
        consent_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceConsentResource:
        """One consent by id; ``NotFoundError`` if there is none."""
        return await self._send(
            voice_consents.retrieve(consent_id), timeout, extra_headers, extra_query, extra_body
        )

    async def update(
        self,
        consent_id: str,
        *,
        name: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceConsentResource:
        """Rename a consent recording (metadata only)."""
        return await self._send(
            voice_consents.update(consent_id, name), timeout, extra_headers, extra_query, extra_body
        )

    async def delete(
        self,
        consent_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceConsentDeletedResource:
        """Delete a consent; the answer confirms the id and ``deleted=True``."""
        return await self._send(
            voice_consents.delete(consent_id), timeout, extra_headers, extra_query, extra_body
        )

    async def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncPage[VoiceConsentResource]:
        """One page of consents (``limit`` 1–100, server default 20), starting after the id ``after``.

        As with the SDK, ``async for consent in page`` walks every page (later ones fetched as the
        loop reaches them, with this call's options); ``page.data`` is this page;
        ``await page.get_next_page()`` and ``page.iter_pages()`` go page by page.
        """

        def page(listing: VoiceConsentListResource) -> AsyncPage[VoiceConsentResource]:
            # Later pages are fetched with the same options, as the SDK's pages are.
            return AsyncPage(
                listing.data,
                fetch=lambda cursor: self.list(
                    limit=limit,
                    after=cursor,
                    extra_headers=extra_headers,
                    extra_query=extra_query,
                    extra_body=extra_body,
                    timeout=timeout,
                ),
                **voice_consents.page_fields(listing),
            )

        call = voice_consents.list_page(limit, after).map(page)
        return await self._send(call, timeout, extra_headers, extra_query, extra_body)

    def iter(
        self,
        *,
        limit: int = 100,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncIterator[VoiceConsentResource]:
        """Every consent; pages of ``limit`` are fetched lazily, as iteration reaches them:
        ``async for consent in client.voice_consents.iter()``."""
        check_limit(limit)
        return self._iter(
            limit=limit,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    async def _iter(self, **options: Any) -> AsyncIterator[VoiceConsentResource]:
        page = await self.list(**options)  # lazily: on first iteration, not when iter() is called
        async for item in page.iter_all():
            yield item


class AsyncVoiceConsentsWithRawResponse:
    """``client.voice_consents.with_raw_response``."""

    def __init__(self, voiceconsents: AsyncVoiceConsents) -> None:
        self.create = async_raw_response_wrapper(voiceconsents.create)
        self.retrieve = async_raw_response_wrapper(voiceconsents.retrieve)
        self.update = async_raw_response_wrapper(voiceconsents.update)
        self.delete = async_raw_response_wrapper(voiceconsents.delete)
        self.list = async_raw_response_wrapper(voiceconsents.list)
