"""What every resource shares: its client and the generated layer's upload type."""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO, cast

from openai_audio_api.types import File

from .._files import PreparedFile

if TYPE_CHECKING:
    from .._client import AsyncAudioClient, AudioClient


class SyncResource:
    def __init__(self, client: AudioClient) -> None:
        self._client = client


class AsyncResource:
    def __init__(self, client: AsyncAudioClient) -> None:
        self._client = client


def generated_file(prepared: PreparedFile) -> File:
    """The generated layer's upload type for a prepared file (same stream, name and type)."""
    return File(
        payload=cast(BinaryIO, prepared.stream), file_name=prepared.name, mime_type=prepared.content_type
    )
