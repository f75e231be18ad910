"""``known_speakers={"agent": "agent.wav", ...}`` into the API's two parallel form arrays."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Final

from ._files import FileInput, audio_data_url, wav_duration
from .errors import InvalidArgumentError, InvalidArgumentTypeError

MAX_KNOWN_SPEAKERS: Final = 4
# A reference is a 2–10 s clip; 10 MiB is far above any sane encoding of that and bounds memory
# (the clip is sent inline, Base64-encoded, as a form field).
MAX_REFERENCE_BYTES: Final = 10 * 1024 * 1024
MIN_REFERENCE_SECONDS: Final = 2.0
MAX_REFERENCE_SECONDS: Final = 10.0
# What the official SDK's known_speaker_references take: "data:audio/wav;base64,...".
_DATA_URL = re.compile(
    r"data:(?P<mime>(?:audio|video)/[\w.+-]+)(?:;[\w.+-]+=[\w.+-]+)*;base64,(?P<data>.*)", re.DOTALL
)


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
        argument = f"known_speakers[{name}]"
        if isinstance(clip, str) and clip[:5].lower() == "data:":
            references.append(_checked_data_url(clip, argument))
        else:
            references.append(
                audio_data_url(
                    clip,
                    argument=argument,
                    max_bytes=MAX_REFERENCE_BYTES,
                    min_seconds=MIN_REFERENCE_SECONDS,
                    max_seconds=MAX_REFERENCE_SECONDS,
                )
            )
    return names, references


def _checked_data_url(url: str, argument: str) -> str:
    """A ready-made ``data:audio/...;base64,...`` reference, checked like a clip and sent as given."""
    match = _DATA_URL.fullmatch(url.strip())
    if match is None:
        raise InvalidArgumentError(argument, "a data URL must look like 'data:audio/<format>;base64,<data>'")
    payload = match["data"]
    # Base64 is 4/3 the size: refuse an oversized clip before decoding it.
    if len(payload) > (MAX_REFERENCE_BYTES * 4) // 3 + 4:
        raise InvalidArgumentError(argument, f"the clip is larger than {MAX_REFERENCE_BYTES} bytes")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidArgumentError(argument, "the data URL's base64 data is not valid") from None
    if not data:
        raise InvalidArgumentError(argument, "the data URL holds no audio")
    seconds = wav_duration(data)
    if seconds is not None and not MIN_REFERENCE_SECONDS <= seconds <= MAX_REFERENCE_SECONDS:
        raise InvalidArgumentError(
            argument,
            f"the audio is {seconds:.2f} s long; "
            f"it must be {MIN_REFERENCE_SECONDS:g}–{MAX_REFERENCE_SECONDS:g} s",
        )
    return url.strip()
