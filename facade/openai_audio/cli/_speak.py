"""``speak``: text to an audio file, always atomic, with a download bar when wanted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openai_audio import AudioClient
from openai_audio._capabilities import SPEECH_FORMATS
from openai_audio.errors import InvalidArgumentError
from openai_audio.types import SpeechResponseFormat

from ._output import atomic_writer
from ._progress import transfer_progress

__all__ = ["SPEECH_FORMATS", "speak"]


def _checked(fmt: str) -> SpeechResponseFormat:
    if fmt not in SPEECH_FORMATS:
        raise InvalidArgumentError(
            "response_format", f"must be one of {', '.join(SPEECH_FORMATS)}; got {fmt!r}"
        )
    return fmt


def _format_for(path: Path, fmt: str | None) -> SpeechResponseFormat:
    if fmt is not None:
        return _checked(fmt)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in SPEECH_FORMATS:
        return _checked(suffix)
    raise InvalidArgumentError(
        "path",
        f"cannot infer the audio format from {path.name!r}: use a suffix of "
        f"{', '.join(SPEECH_FORMATS)} or pass --format",
    )


def speak(
    client: AudioClient,
    text: str,
    output: Path,
    *,
    voice: str,
    model: str | None,
    fmt: str | None,
    instructions: str | None,
    speed: float | None,
    progress: bool,
) -> int:
    """Write the speech to ``output``; returns its size in bytes."""
    options: dict[str, Any] = {"voice": voice, "instructions": instructions, "speed": speed}
    if model:
        options["model"] = model
    if not progress:
        # The client's own atomic save infers the format from the suffix.
        chosen = None if fmt is None else _checked(fmt)
        return client.speech.save(text, output, response_format=chosen, **options).stat().st_size
    # speech.save has no progress hook: stream the chunks into our own temp file + rename.
    response_format = _format_for(output, fmt)
    written = 0
    with (
        client.speech.stream(text, response_format=response_format, **options) as audio,
        transfer_progress() as bar,
    ):
        length = audio.response.headers.get("content-length")
        task = bar.add_task(f"download {output.name}", total=int(length) if length else None)
        with atomic_writer(output) as out:
            for chunk in audio:
                out.write(chunk)
                written += len(chunk)
                bar.update(task, advance=len(chunk))
        if length is None:
            bar.update(task, total=written, completed=written)
    return written
