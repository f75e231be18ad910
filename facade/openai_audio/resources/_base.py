"""What every resource's requests share: the generated layer's upload type."""

from __future__ import annotations

from typing import BinaryIO, cast

from openai_audio_api.types import File

from .._files import PreparedFile


def generated_file(prepared: PreparedFile) -> File:
    """The generated layer's upload type for a prepared file (same stream, name and type)."""
    return File(
        payload=cast(BinaryIO, prepared.stream), file_name=prepared.name, mime_type=prepared.content_type
    )
