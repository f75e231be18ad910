"""Custom voices, made from an audio sample and a consent recording."""

from __future__ import annotations

from functools import cached_property, partial

from openai_audio_api.models import VoiceConsentResource, VoiceResource

from ..._blocking import to_worker_thread
from ..._call import APICall, Body, Headers, Query
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from ..._raw_response import async_raw_response_wrapper
from .._calls import voices
from ._resource import AsyncResource


class AsyncVoices(AsyncResource):
    """``client.voices``: custom voices for speech."""

    @cached_property
    def with_raw_response(self) -> AsyncVoicesWithRawResponse:
        """The same methods, answering with an ``APIResponse``: status, headers (request id, rate
        limits, processing time) and ``parse()`` for the usual result."""
        return AsyncVoicesWithRawResponse(self)

    async def create(
        self,
        *,
        name: str,
        audio_sample: FileInput,
        consent: str | VoiceConsentResource,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceResource:
        """Create a voice from a sample (at most 10 MiB) and a consent id or object."""
        call = await to_worker_thread(
            partial(voices.create, name, audio_sample, consent),
            needed=may_block(audio_sample),
            undo=APICall.close,
        )
        return await self._send(call, timeout, extra_headers, extra_query, extra_body)


class AsyncVoicesWithRawResponse:
    """``client.voices.with_raw_response``."""

    def __init__(self, voices: AsyncVoices) -> None:
        self.create = async_raw_response_wrapper(voices.create)
