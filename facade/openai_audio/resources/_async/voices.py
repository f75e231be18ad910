"""Custom voices: made from an audio sample and a consent recording, or from a text prompt."""

from __future__ import annotations

from functools import cached_property, partial
from typing import overload

from openai_audio_api.models import VoiceConsentResource, VoiceDeleted, VoiceResource

from ..._blocking import to_worker_thread
from ..._call import APICall, Body, Headers, Query
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from ..._raw_response import async_raw_response_wrapper
from ...errors import InvalidArgumentError
from .._calls import voices
from ._resource import AsyncResource


class AsyncVoices(AsyncResource):
    """``client.voices``: custom voices for speech (and, made from a prompt, for Live sessions)."""

    @cached_property
    def with_raw_response(self) -> AsyncVoicesWithRawResponse:
        """The same methods, answering with an ``APIResponse``: status, headers (request id, rate
        limits, processing time) and ``parse()`` for the usual result."""
        return AsyncVoicesWithRawResponse(self)

    @overload
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
    ) -> VoiceResource: ...

    @overload
    async def create(
        self,
        *,
        name: str,
        prompt: str,
        model: str | None = None,
        script_hint: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceResource: ...

    async def create(
        self,
        *,
        name: str,
        audio_sample: FileInput | None = None,
        consent: str | VoiceConsentResource | None = None,
        prompt: str | None = None,
        model: str | None = None,
        script_hint: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceResource:
        """Create a voice in one of two modes.

        From a sample: ``audio_sample`` (at most 10 MiB) and ``consent`` (an id or a consent
        object). From a description: ``prompt`` (not blank), optionally ``model`` (``"auto"``, the
        default, or a dated snapshot such as ``"2026-10-08"``) and ``script_hint`` (what the voice
        says while it is made). Prompt voices are for Live sessions: speech refuses them.
        """
        if prompt is not None:
            for argument, value in (("audio_sample", audio_sample), ("consent", consent)):
                if value is not None:
                    raise InvalidArgumentError(
                        argument, "cannot be combined with prompt= (two different modes)"
                    )
            return await self._send(
                voices.create_from_prompt(name, prompt, model, script_hint),
                timeout,
                extra_headers,
                extra_query,
                extra_body,
            )
        for argument, value in (("model", model), ("script_hint", script_hint)):
            if value is not None:
                raise InvalidArgumentError(argument, "applies only to a voice made from a prompt (prompt=)")
        if audio_sample is None:
            raise InvalidArgumentError(
                "audio_sample", "is required (or pass prompt= for a voice made from a prompt)"
            )
        if consent is None:
            raise InvalidArgumentError("consent", "is required with audio_sample")
        call = await to_worker_thread(
            partial(voices.create, name, audio_sample, consent),
            needed=may_block(audio_sample),
            undo=APICall.close,
        )
        return await self._send(call, timeout, extra_headers, extra_query, extra_body)

    async def delete(
        self,
        voice_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceDeleted:
        """Delete a voice (a second delete is a NotFoundError); its consent recording is kept."""
        return await self._send(voices.delete(voice_id), timeout, extra_headers, extra_query, extra_body)


class AsyncVoicesWithRawResponse:
    """``client.voices.with_raw_response``."""

    def __init__(self, voices: AsyncVoices) -> None:
        self.create = async_raw_response_wrapper(voices.create)
        self.delete = async_raw_response_wrapper(voices.delete)
