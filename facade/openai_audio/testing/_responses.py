"""Fake results in OpenAI's shapes: transcripts as text, subtitles, JSON objects and stream events."""

from __future__ import annotations

import hashlib
import math
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

from openai_audio.testing import _recognition
from openai_audio.testing._validation import SttOptions

_LANGUAGE_NAMES = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "ja": "japanese",
    "zh": "chinese",
    "ru": "russian",
}


def _timestamp(seconds: float, sep: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def _subtitles(tr: _recognition.Transcript, vtt: bool) -> str:
    cues: list[str] = []
    for i, seg in enumerate(tr.segments, start=1):
        sep = "." if vtt else ","
        timing = f"{_timestamp(seg.start, sep)} --> {_timestamp(seg.end, sep)}"
        cues.append(f"{timing}\n{seg.text}\n" if vtt else f"{i}\n{timing}\n{seg.text}\n")
    return ("WEBVTT\n\n" if vtt else "") + "\n".join(cues)


def _token_id(word: str) -> int:
    return 1000 + int.from_bytes(hashlib.sha256(word.encode()).digest()[:2], "big")


def _logprobs(tr: _recognition.Transcript) -> list[dict[str, Any]]:
    out = []
    for i, word in enumerate(tr.words):
        token = word.text if i == 0 else " " + word.text
        logprob = -(_token_id(word.text) % 997) / 10_000
        out.append({"token": token, "logprob": logprob, "bytes": list(token.encode())})
    return out


def _token_usage(tr: _recognition.Transcript, prompt: str | None) -> dict[str, Any]:
    audio_tokens = max(1, math.ceil(tr.duration * 10))
    text_tokens = math.ceil(len(prompt or "") / 4)
    output_tokens = max(1, math.ceil(len(tr.text) / 4))
    return {
        "type": "tokens",
        "input_tokens": audio_tokens + text_tokens,
        "input_token_details": {"text_tokens": text_tokens, "audio_tokens": audio_tokens},
        "output_tokens": output_tokens,
        "total_tokens": audio_tokens + text_tokens + output_tokens,
    }


def _whisper_segments(tr: _recognition.Transcript, temperature: float) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "seek": int(seg.start * 100),
            "start": seg.start,
            "end": seg.end,
            "text": " " + seg.text,
            "tokens": [_token_id(w.text) for w in seg.words],
            "temperature": temperature,
            "avg_logprob": -0.2,
            "compression_ratio": 1.2,
            "no_speech_prob": 0.01,
        }
        for i, seg in enumerate(tr.segments)
    ]


def _speaker(opts: SttOptions, index: int) -> str:
    labels = opts.speakers or ["A", "B"]
    return labels[index % len(labels)]


def _diarized_segments(tr: _recognition.Transcript, opts: SttOptions) -> list[dict[str, Any]]:
    return [
        {
            "type": "transcript.text.segment",
            "id": f"seg_{i}",
            "start": seg.start,
            "end": seg.end,
            "text": seg.text,
            "speaker": _speaker(opts, i),
        }
        for i, seg in enumerate(tr.segments)
    ]


def _language_name(code: str | None) -> str:
    if not code:
        return "english"
    return _LANGUAGE_NAMES.get(code.lower().split("-")[0], code)


def stt_response(tr: _recognition.Transcript, opts: SttOptions, *, translation: bool) -> Response:
    fmt = opts.response_format
    if fmt == "text":
        return PlainTextResponse(tr.text + "\n")
    if fmt in ("srt", "vtt"):
        return PlainTextResponse(_subtitles(tr, fmt == "vtt"))
    duration_usage = {"type": "duration", "seconds": math.ceil(tr.duration)}
    if fmt == "verbose_json":
        body: dict[str, Any] = {
            "task": "translate" if translation else "transcribe",
            "language": "english" if translation else _language_name(opts.language),
            "duration": tr.duration,
            "text": tr.text,
        }
        if "word" in opts.granularities and not translation:
            body["words"] = [{"word": w.text, "start": w.start, "end": w.end} for w in tr.words]
        if "segment" in opts.granularities or translation:
            body["segments"] = _whisper_segments(tr, opts.temperature)
        if not translation:
            body["usage"] = duration_usage
        return JSONResponse(body)
    if fmt == "diarized_json":
        return JSONResponse(
            {
                "task": "transcribe",
                "duration": tr.duration,
                "text": tr.text,
                "segments": _diarized_segments(tr, opts),
                "usage": _token_usage(tr, opts.prompt),
            }
        )
    body = {"text": tr.text}
    if translation:
        return JSONResponse(body)
    if "logprobs" in opts.include:
        body["logprobs"] = _logprobs(tr)
    if opts.caps.languages_and_keywords:
        body["languages"] = [{"code": c} for c in (opts.languages or [opts.language or "en"])]
    body["usage"] = duration_usage if opts.caps.usage == "duration" else _token_usage(tr, opts.prompt)
    return JSONResponse(body)


async def stt_events(tr: _recognition.Transcript, opts: SttOptions) -> AsyncIterator[dict[str, Any]]:
    logprobs = _logprobs(tr) if "logprobs" in opts.include else None
    index = 0
    for seg_no, seg in enumerate(tr.segments):
        for word in seg.words:
            delta = word.text if index == 0 else " " + word.text
            event: dict[str, Any] = {"type": "transcript.text.delta", "delta": delta}
            if logprobs is not None:
                event["logprobs"] = [logprobs[index]]
            if opts.caps.diarization:
                event["segment_id"] = f"seg_{seg_no}"
            index += 1
            yield event
        if opts.response_format == "diarized_json":
            yield {
                "type": "transcript.text.segment",
                "id": f"seg_{seg_no}",
                "start": seg.start,
                "end": seg.end,
                "text": seg.text,
                "speaker": _speaker(opts, seg_no),
            }
    done: dict[str, Any] = {"type": "transcript.text.done", "text": tr.text}
    if logprobs is not None:
        done["logprobs"] = logprobs
    if opts.caps.languages_and_keywords:
        done["languages"] = [{"code": c} for c in (opts.languages or [opts.language or "en"])]
    done["usage"] = _token_usage(tr, opts.prompt)
    yield done
