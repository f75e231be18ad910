"""Merging the results of a recording's chunks into the result of one request.

Every function takes the chunk results in recording order with each chunk's start time (in
seconds from the start of the recording) and returns what a single request on the whole
recording would have: text joined once per boundary, timestamps offset, ids renumbered, usage
summed. JSON results are merged as dicts (``to_dict``) and parsed back with the same class's
``from_dict``, so fields this version does not model travel along untouched.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeVar

__all__ = [
    "SpeakerNames",
    "join_text",
    "offset_segment_event",
    "stitch_model",
    "stitch_subtitles",
    "stitch_text_format",
    "sum_usage",
]

M = TypeVar("M")

_TIMING: Final = re.compile(
    r"(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?P<rest>.*)"
)
_TRAILING_NUMBER: Final = re.compile(r"^(.*?)(\d+)$")


def join_text(parts: Sequence[str]) -> str:
    """The chunks' texts, trimmed, joined by exactly one space (empty chunks add nothing)."""
    return " ".join(stripped for part in parts if (stripped := part.strip()))


def sum_usage(usages: Sequence[Any]) -> Any:
    """Usage dicts added field by field (numbers summed, nested dicts recursed, the rest kept).

    Usage of different kinds (tokens and duration) cannot be added: then None.
    """
    present = [u for u in usages if isinstance(u, Mapping)]
    if not present:
        return None
    if len({u.get("type") for u in present}) > 1:
        return None
    total: dict[str, Any] = {}
    for usage in present:
        for key, value in usage.items():
            current = total.get(key)
            if isinstance(value, bool):
                total.setdefault(key, value)
            elif isinstance(value, int | float) and isinstance(current, int | float):
                total[key] = current + value
            elif isinstance(value, Mapping) and isinstance(current, Mapping):
                total[key] = sum_usage([current, value])
            elif key not in total:
                total[key] = dict(value) if isinstance(value, Mapping) else value
    return total


def _renumbered(value: Any, number: int) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return number
    if isinstance(value, str):
        match = _TRAILING_NUMBER.match(value)
        return f"{match.group(1)}{number}" if match else f"{value}_{number}"
    return value


class SpeakerNames:
    """Keeps diarized speaker labels consistent across chunks.

    ``known`` are the names every chunk was given reference clips for (the caller's
    ``known_speakers``, and speakers of the first chunk passed on to the later ones): those
    labels are kept as they are. Any other label is chunk-local (the model's "A", "B", ...):
    it keeps its spelling where that is still free, else gets a label not used so far, so two
    chunk-local speakers are never merged into one.
    """

    def __init__(self, known: Sequence[str] = ()) -> None:
        self._known = frozenset(known)
        self._used = set(known)
        self._by_chunk: dict[tuple[int, str], str] = {}

    def add_known(self, labels: Sequence[str]) -> None:
        """Labels given as references to the chunks still to come (a stream learns them late)."""
        self._known = self._known | set(labels)
        self._used.update(labels)

    def name(self, chunk: int, label: str) -> str:
        if label in self._known:
            return label
        key = (chunk, label)
        if key not in self._by_chunk:
            self._by_chunk[key] = self._fresh(label)
        return self._by_chunk[key]

    def _fresh(self, label: str) -> str:
        candidate = label
        n = 2
        while candidate in self._used:
            candidate = _next_label(label, n)
            n += 1
        self._used.add(candidate)
        return candidate


def _next_label(label: str, n: int) -> str:
    if len(label) == 1 and label.isalpha() and label.isupper():
        # A, B, ... then Z, then AA, AB, ...: stays in the model's own style.
        index = ord(label) - ord("A") + (n - 1)
        letters = ""
        index += 1
        while index:
            index, rem = divmod(index - 1, 26)
            letters = chr(ord("A") + rem) + letters
        return letters
    return f"{label}_{n}"


def _offset_timed(item: Mapping[str, Any], offset: float) -> dict[str, Any]:
    out = dict(item)
    for key in ("start", "end"):
        value = out.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = round(value + offset, 3)
    return out


def stitch_model(
    results: Sequence[M],
    offsets: Sequence[float],
    *,
    speakers: SpeakerNames | None = None,
    seek_per_second: float = 100.0,
) -> M:
    """One json / verbose_json / diarized_json result from the chunks' results (all one class)."""
    if len(results) == 1:
        return results[0]
    dicts: list[dict[str, Any]] = [r.to_dict() for r in results]  # type: ignore[attr-defined]
    merged: dict[str, Any] = dict(dicts[0])
    merged["text"] = join_text([d.get("text", "") for d in dicts])
    usage = sum_usage([d.get("usage") for d in dicts])
    if usage is None:
        merged.pop("usage", None)
    else:
        merged["usage"] = usage
    if any("logprobs" in d for d in dicts):
        merged["logprobs"] = [item for d in dicts for item in d.get("logprobs") or []]
    if "duration" in merged:
        last = dicts[-1].get("duration")
        if isinstance(last, int | float):
            merged["duration"] = round(offsets[-1] + last, 3)
    if any("segments" in d for d in dicts):
        segments: list[dict[str, Any]] = []
        for chunk, (d, offset) in enumerate(zip(dicts, offsets, strict=True)):
            for segment in d.get("segments") or []:
                moved = _offset_timed(segment, offset)
                moved["id"] = _renumbered(segment.get("id"), len(segments))
                seek = segment.get("seek")
                if isinstance(seek, int) and not isinstance(seek, bool):
                    moved["seek"] = seek + round(offset * seek_per_second)
                if speakers is not None and isinstance(segment.get("speaker"), str):
                    moved["speaker"] = speakers.name(chunk, segment["speaker"])
                segments.append(moved)
        merged["segments"] = segments
    if any("words" in d for d in dicts):
        merged["words"] = [
            _offset_timed(word, offset)
            for d, offset in zip(dicts, offsets, strict=True)
            for word in d.get("words") or []
        ]
    return type(results[0]).from_dict(merged)  # type: ignore[attr-defined, no-any-return]


# -- text formats ---------------------------------------------------------------------------------


def _parse_time(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) >= 2 else 0
    hours = int(parts[-3]) if len(parts) >= 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def _format_time(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cues(body: str) -> tuple[str, list[list[str]]]:
    """``(header, cues)``: the lines before the first cue, then each cue's lines."""
    blocks = re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip("\n"))
    header: list[str] = []
    cues: list[list[str]] = []
    for block in blocks:
        lines = block.split("\n")
        if any(_TIMING.match(line.strip()) for line in lines):
            cues.append(lines)
        elif not cues:
            header.append(block)
    return "\n\n".join(header), cues


def stitch_subtitles(bodies: Sequence[str], offsets: Sequence[float], *, vtt: bool) -> str:
    """SRT or WebVTT: cues offset by their chunk's start, numbered 1.. across the whole recording."""
    separator = "." if vtt else ","
    out: list[str] = []
    header = "WEBVTT"
    number = 0
    for chunk, (body, offset) in enumerate(zip(bodies, offsets, strict=True)):
        chunk_header, cues = _cues(body)
        if chunk == 0 and vtt and chunk_header.strip():
            header = chunk_header.strip()
        for lines in cues:
            number += 1
            timing_at = next(i for i, line in enumerate(lines) if _TIMING.match(line.strip()))
            match = _TIMING.match(lines[timing_at].strip())
            assert match is not None
            timing = (
                f"{_format_time(_parse_time(match['start']) + offset, separator)} --> "
                f"{_format_time(_parse_time(match['end']) + offset, separator)}{match['rest']}"
            )
            text = lines[timing_at + 1 :]
            if vtt:
                # A cue identifier is optional in WebVTT; a numeric one is renumbered.
                ident = lines[:timing_at]
                if ident and ident[0].strip().isdigit():
                    ident = [str(number)]
                out.append("\n".join([*ident, timing, *text]) + "\n")
            else:
                out.append("\n".join([str(number), timing, *text]) + "\n")
    cues_text = "\n".join(out)
    return f"{header}\n\n{cues_text}" if vtt else cues_text


def stitch_text_format(fmt: str, bodies: Sequence[str], offsets: Sequence[float]) -> str:
    """``text``, ``srt`` or ``vtt`` bodies of the chunks as one body."""
    if len(bodies) == 1:
        return bodies[0]
    if fmt == "text":
        joined = join_text(bodies)
        return joined + "\n" if bodies[-1].endswith("\n") else joined
    return stitch_subtitles(bodies, offsets, vtt=fmt == "vtt")


# -- streams --------------------------------------------------------------------------------------


def offset_segment_event(event: Any, offset: float, segment_id: str, speaker: str) -> Any:
    """A diarized segment event moved by ``offset`` seconds, with its new id and speaker."""
    return dataclasses.replace(
        event,
        start=round(event.start + offset, 3),
        end=round(event.end + offset, 3),
        id=segment_id,
        speaker=speaker,
    )
