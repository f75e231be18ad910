"""``known_speakers={"agent": "agent.wav", ...}`` into the API's two parallel form arrays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ._files import FileInput, audio_data_url
from .errors import InvalidArgumentError, InvalidArgumentTypeError

MAX_KNOWN_SPEAKERS: Final = 4
# A reference is a 2–10 s clip; 10 MiB is far above any sane encoding of that and bounds memory
# (the clip is sent inline, Base64-encoded, as a form field).
MAX_REFERENCE_BYTES: Final = 10 * 1024 * 1024


def known_speaker_fields(known_speakers: Mapping[str, FileInput]) -> tuple[list[str], list[str]]:
    """``(known_speaker_names[], known_speaker_references[])`` with references as data URLs.

    Raises InvalidArgumentError naming ``known_speakers[<name>]`` for a bad clip: an
    unsupported format, too large, or (where the duration can be read, WAV) outside 2–10 s.
    """
    if not isinstance(known_speakers, Mapping):
        raise InvalidArgumentTypeError(
            "known_speakers", f"expected a mapping of name -> audio, got {type(known_speakers).__name__}"
        )
    if not known_speakers:
        raise InvalidArgumentError("known_speakers", "must name at least one speaker (or be None)")
    if len(known_speakers) > MAX_KNOWN_SPEAKERS:
        raise InvalidArgumentError(
            "known_speakers",
            f"at most {MAX_KNOWN_SPEAKERS} speakers are supported, got {len(known_speakers)}",
        )
    names: list[str] = []
    references: list[str] = []
    for name, clip in known_speakers.items():
        if not isinstance(name, str):
            raise InvalidArgumentTypeError(
                "known_speakers", f"speaker names must be str, got {type(name).__name__}"
            )
        if not name.strip():
            raise InvalidArgumentError("known_speakers", "speaker names must not be empty")
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgumentError(
                "known_speakers", f"speaker name {name!r} is not valid Unicode text"
            ) from None
        names.append(name)
        references.append(
            audio_data_url(clip, argument=f"known_speakers[{name}]", max_bytes=MAX_REFERENCE_BYTES)
        )
    return names, references
