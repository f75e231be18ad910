"""Voice consent recordings: create, retrieve, update, delete, list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from openai_audio_api.models import VoiceConsentDeletedResource, VoiceConsentResource

from ..._blocking import to_worker_thread
from ..._call import APICall
from ..._checks import check_limit
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from ..._pagination import AsyncPage
from .._calls import voice_consents
from ._resource import AsyncResource


class AsyncVoiceConsents(AsyncResource):
    """``client.voice_consents``: consent recordings that authorise custom voices."""

    async def create(
        self, *, name: str, recording: FileInput, language: str, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """Upload a consent recording (at most 10 MiB; streamed from disk when given a path)."""
        call = await to_worker_thread(
            partial(voice_consents.create, name, recording, language),
            needed=may_block(recording),
            undo=APICall.close,
        )
        return await self._client._execute(call, timeout=timeout)

    async def retrieve(
        self, consent_id: str, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """One consent by id; ``NotFoundError`` if there is none."""
        return await self._client._execute(voice_consents.retrieve(consent_id), timeout=timeout)

    async def update(
        self, consent_id: str, *, name: str, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentResource:
        """Rename a consent recording (metadata only)."""
        return await self._client._execute(voice_consents.update(consent_id, name), timeout=timeout)

    async def delete(
        self, consent_id: str, *, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> VoiceConsentDeletedResource:
        """Delete a consent; the answer confirms the id and ``deleted=True``."""
        return await self._client._execute(voice_consents.delete(consent_id), timeout=timeout)

    async def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncPage[VoiceConsentResource]:
        """One page of consents (``limit`` 1–100, server default 20), starting after the id ``after``.

        ``await page.next_page()`` continues; ``async for consent in page.iter_all()`` walks them all.
        """
        listing = await self._client._execute(voice_consents.list_page(limit, after), timeout=timeout)
        return AsyncPage(
            listing.data,
            fetch=lambda cursor: self.list(limit=limit, after=cursor, timeout=timeout),
            **voice_consents.page_fields(listing),
        )

    def iter(
        self, *, limit: int = 100, timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    ) -> AsyncIterator[VoiceConsentResource]:
        """Every consent; pages of ``limit`` are fetched lazily, as iteration reaches them:
        ``async for consent in client.voice_consents.iter()``."""
        check_limit(limit)
        return self._iter(limit, timeout)

    async def _iter(
        self, limit: int, timeout: TimeoutTypes | NotGiven
    ) -> AsyncIterator[VoiceConsentResource]:
        page = await self.list(limit=limit, timeout=timeout)
        async for item in page.iter_all():
            yield item
