"""Typed server-sent events: the event classes and the SSE decoding, shared by both clients.

The classes here are the façade's own (frozen dataclasses, strictly checked, ``None`` for what
is absent, audio decoded once); the generated wire shapes of the same events are
``openai_audio_api.models.SpeechAudioDeltaEventModel`` and so on (see ``openai_audio.types``).

* An event stream that ends without its final event (``speech.audio.done`` /
  ``transcript.text.done``) raises :class:`StreamError`: a truncated transcript that looks
  complete is worse than an error.
* An error in the stream — an SSE ``event: error`` or a ``data: {"error": {...}}`` payload as
  OpenAI sends it — raises :class:`StreamError` with the server's message, type and code.
* Comments, unknown fields, CRLF line ends, events without data and ``[DONE]`` are skipped.
  A data payload that is not JSON cannot be an event and raises
  :class:`APIResponseValidationError`, as does a known event type whose fields have the wrong
  shape. Event types this version does not know become :class:`UnknownEvent`.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeAlias, TypeVar

import httpx
from httpx_sse import ServerSentEvent, SSEError

from openai_audio_api.models import (
    SpeechAudioDoneEventUsage,
    TranscriptionLanguage,
    TranscriptTextDeltaEventLogprobsItem,
    TranscriptTextDoneEventLogprobsItem,
    TranscriptTextUsageDuration,
    TranscriptTextUsageTokens,
)

from .errors import APIResponseValidationError, StreamError, error_fields

__all__ = [
    "SPEECH_EVENTS",
    "TRANSCRIPTION_EVENTS",
    "EventDecoder",
    "EventKinds",
    "SpeechAudioDeltaEvent",
    "SpeechAudioDoneEvent",
    "SpeechStreamEvent",
    "TranscriptTextDeltaEvent",
    "TranscriptTextDoneEvent",
    "TranscriptTextSegmentEvent",
    "TranscriptionStreamEvent",
    "UnknownEvent",
    "not_sse",
]

T = TypeVar("T")
E = TypeVar("E")

# -- events -------------------------------------------------------------------------------------


class _Shape(Exception):
    """A known event whose fields do not match the API schema (becomes a validation error)."""


def _field(
    data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], *, required: bool = True
) -> Any:
    if name not in data or data[name] is None:
        if required:
            raise _Shape(f"missing required field {name!r}")
        return None
    value = data[name]
    # bool is an int: never accept it where a number is meant.
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise _Shape(f"field {name!r} has type {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Shape(f"field {name!r} is not a finite number")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _models(data: Mapping[str, Any], name: str, from_dict: Callable[[dict[str, Any]], T]) -> list[T] | None:
    """An optional list of generated models (logprobs, languages)."""
    items = _field(data, name, list, required=False)
    if items is None:
        return None
    if not all(isinstance(item, dict) for item in items):
        raise _Shape(f"field {name!r} must be a list of objects")
    return [from_dict(item) for item in items]


def _model(
    data: Mapping[str, Any], name: str, from_dict: Callable[[dict[str, Any]], T], *, required: bool
) -> T | None:
    value = _field(data, name, dict, required=required)
    return None if value is None else from_dict(value)


@dataclass(frozen=True, slots=True)
class SpeechAudioDeltaEvent:
    """A chunk of synthesised audio (``speech.audio.delta``).

    ``audio`` is the Base64 text as sent; ``audio_bytes`` (alias ``data``) the decoded bytes,
    decoded once when the event is parsed so that corrupt Base64 fails there.
    """

    audio: str
    type: Literal["speech.audio.delta"] = "speech.audio.delta"
    audio_bytes: bytes = field(init=False, repr=False, compare=False)

    TYPE: ClassVar[str] = "speech.audio.delta"

    def __post_init__(self) -> None:
        # Decoded once, here, so that corrupt Base64 fails when the event is parsed.
        object.__setattr__(self, "audio_bytes", base64.b64decode(self.audio, validate=True))

    @property
    def data(self) -> bytes:
        return self.audio_bytes

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpeechAudioDeltaEvent:
        audio = _field(data, "audio", str)
        try:
            return cls(audio=audio)
        except (binascii.Error, ValueError) as exc:
            raise _Shape(f"field 'audio' is not valid Base64: {exc}") from exc


def _speech_usage(data: dict[str, Any]) -> SpeechAudioDoneEventUsage:
    for name in ("input_tokens", "output_tokens", "total_tokens"):
        _field(data, name, int)
    return SpeechAudioDoneEventUsage.from_dict(data)


@dataclass(frozen=True, slots=True)
class SpeechAudioDoneEvent:
    """Synthesis finished (``speech.audio.done``); ``usage`` has input/output/total tokens."""

    usage: SpeechAudioDoneEventUsage
    type: Literal["speech.audio.done"] = "speech.audio.done"

    TYPE: ClassVar[str] = "speech.audio.done"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SpeechAudioDoneEvent:
        usage = _model(data, "usage", _speech_usage, required=True)
        assert usage is not None
        return cls(usage=usage)


@dataclass(frozen=True, slots=True)
class TranscriptTextDeltaEvent:
    """More transcribed text (``transcript.text.delta``).

    ``logprobs`` only with ``include=["logprobs"]``; ``segment_id`` only from the diarize model.
    """

    delta: str
    logprobs: list[TranscriptTextDeltaEventLogprobsItem] | None = None
    segment_id: str | None = None
    type: Literal["transcript.text.delta"] = "transcript.text.delta"

    TYPE: ClassVar[str] = "transcript.text.delta"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranscriptTextDeltaEvent:
        return cls(
            delta=_field(data, "delta", str),
            logprobs=_models(data, "logprobs", TranscriptTextDeltaEventLogprobsItem.from_dict),
            segment_id=_field(data, "segment_id", str, required=False),
        )


@dataclass(frozen=True, slots=True)
class TranscriptTextSegmentEvent:
    """A finished diarized segment with its speaker (``transcript.text.segment``).

    Sent by ``gpt-4o-transcribe-diarize`` with ``response_format="diarized_json"``.
    """

    id: str
    start: float
    end: float
    text: str
    speaker: str
    type: Literal["transcript.text.segment"] = "transcript.text.segment"

    TYPE: ClassVar[str] = "transcript.text.segment"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranscriptTextSegmentEvent:
        return cls(
            id=_field(data, "id", str),
            start=float(_field(data, "start", (int, float))),
            end=float(_field(data, "end", (int, float))),
            text=_field(data, "text", str),
            speaker=_field(data, "speaker", str),
        )


def _transcript_usage(data: dict[str, Any]) -> TranscriptTextUsageTokens | TranscriptTextUsageDuration | None:
    # Usage is billing metadata: a kind newer than this client must not cost the caller the
    # transcript it has just streamed, so it is dropped rather than refused.
    kind = data.get("type")
    if kind == "duration":
        return TranscriptTextUsageDuration.from_dict(data)
    if kind == "tokens":
        return TranscriptTextUsageTokens.from_dict(data)
    return None


@dataclass(frozen=True, slots=True)
class TranscriptTextDoneEvent:
    """The transcription is complete (``transcript.text.done``); ``text`` is all of it."""

    text: str
    logprobs: list[TranscriptTextDoneEventLogprobsItem] | None = None
    usage: TranscriptTextUsageTokens | TranscriptTextUsageDuration | None = None
    """Billing usage; ``None`` when absent or of a kind newer than this client."""
    languages: list[TranscriptionLanguage] | None = None
    type: Literal["transcript.text.done"] = "transcript.text.done"

    TYPE: ClassVar[str] = "transcript.text.done"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranscriptTextDoneEvent:
        return cls(
            text=_field(data, "text", str),
            logprobs=_models(data, "logprobs", TranscriptTextDoneEventLogprobsItem.from_dict),
            usage=_model(data, "usage", _transcript_usage, required=False),
            languages=_models(data, "languages", TranscriptionLanguage.from_dict),
        )


@dataclass(frozen=True, slots=True)
class UnknownEvent:
    """An event type this version does not know, passed on untouched (``data`` is its JSON)."""

    type: str
    data: dict[str, Any]


SpeechStreamEvent: TypeAlias = SpeechAudioDeltaEvent | SpeechAudioDoneEvent | UnknownEvent
TranscriptionStreamEvent: TypeAlias = (
    TranscriptTextDeltaEvent | TranscriptTextSegmentEvent | TranscriptTextDoneEvent | UnknownEvent
)


@dataclass(frozen=True)
class EventKinds(Generic[E]):
    """The event classes one endpoint sends, by ``type``, and the one that ends the stream."""

    parsers: Mapping[str, Callable[[Mapping[str, Any]], E]]
    done: str


SPEECH_EVENTS: EventKinds[SpeechStreamEvent] = EventKinds(
    {
        SpeechAudioDeltaEvent.TYPE: SpeechAudioDeltaEvent.from_dict,
        SpeechAudioDoneEvent.TYPE: SpeechAudioDoneEvent.from_dict,
    },
    done=SpeechAudioDoneEvent.TYPE,
)
TRANSCRIPTION_EVENTS: EventKinds[TranscriptionStreamEvent] = EventKinds(
    {
        TranscriptTextDeltaEvent.TYPE: TranscriptTextDeltaEvent.from_dict,
        TranscriptTextSegmentEvent.TYPE: TranscriptTextSegmentEvent.from_dict,
        TranscriptTextDoneEvent.TYPE: TranscriptTextDoneEvent.from_dict,
    },
    done=TranscriptTextDoneEvent.TYPE,
)


# -- SSE decoding ----------------------------------------------------


class EventDecoder(Generic[E]):
    """Turns server-sent events into typed events; one per response."""

    def __init__(self, kinds: EventKinds[E], response: httpx.Response) -> None:
        self._kinds = kinds
        self._response = response
        self.done = False

    def feed(self, sse: ServerSentEvent) -> E | UnknownEvent | None:
        text = sse.data
        if sse.event == "error":
            raise self._stream_error(self._loads_lenient(text))
        if not text.strip() or text.strip() == "[DONE]":
            return None  # keep-alives, retry/id-only blocks, the OpenAI end marker
        try:
            payload = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            raise APIResponseValidationError(
                f"event stream sent data that is not JSON: {text[:200]!r}", response=self._response, body=text
            ) from None
        if not isinstance(payload, dict):
            raise APIResponseValidationError(
                f"event stream sent {type(payload).__name__} data where an event object was expected",
                response=self._response,
                body=payload,
            )
        kind = payload.get("type")
        if kind == "error" or (kind is None and error_fields(payload)):
            raise self._stream_error(payload)
        if not isinstance(kind, str):
            kind = sse.event if sse.event and sse.event != "message" else ""
        parse = self._kinds.parsers.get(kind)
        if parse is None:
            return UnknownEvent(type=kind, data=payload)
        try:
            event = parse(payload)
        except (_Shape, KeyError, TypeError, ValueError, AttributeError) as exc:
            detail = f"missing field {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
            raise APIResponseValidationError(
                f"{kind} event does not match the API schema: {detail}", response=self._response, body=payload
            ) from exc
        if kind == self._kinds.done:
            self.done = True
        return event

    def finish(self) -> None:
        """The body ended: complain if the final event never came."""
        if not self.done:
            raise StreamError(
                f"the event stream ended before its {self._kinds.done!r} event; the result is incomplete",
                request=self._response.request,
            )

    @staticmethod
    def _loads_lenient(text: str) -> Any:
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return text

    def _stream_error(self, payload: Any) -> StreamError:
        fields = error_fields(payload) or (payload if isinstance(payload, dict) else {})
        message = fields.get("message")
        if not isinstance(message, str) or not message:
            fallback = "the server reported an error in the stream"
            message = payload if isinstance(payload, str) and payload else fallback
        # body: the error object (as for status errors), else whatever the event carried.
        return StreamError(message, body=fields or payload, request=self._response.request)


def not_sse(response: httpx.Response, exc: SSEError) -> APIResponseValidationError:
    # The server ignored the streaming request (e.g. whisper-1) or a proxy rewrote the answer.
    return APIResponseValidationError(f"expected an event stream: {exc}", response=response)
