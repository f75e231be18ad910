"""Custom voices, made from an audio sample and a consent recording."""

from __future__ import annotations

from functools import partial

from openai_audio_api.models import VoiceConsentResource, VoiceResource

from ..._blocking import to_worker_thread
from ..._call import APICall
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from .._calls import voices
from ._resource import AsyncResource


class AsyncVoices(AsyncResource):
    """``client.voices``: custom voices for speech."""

    async def create(
        self,
        *,
        name: str,
        audio_sample: FileInput,
        consent: str | VoiceConsentResource,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> VoiceResource:
        """Create a voice from a sample (at most 10 MiB) and a consent id or object."""
        call = await to_worker_thread(
            partial(voices.create, name, audio_sample, consent),
            needed=may_block(audio_sample),
            undo=APICall.close,
        )
        return await self._client._execute(call, timeout=timeout)
