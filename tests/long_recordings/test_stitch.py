"""Stitching chunk results: exact text, offsets, renumbering, speakers, usage."""

from __future__ import annotations

from openai_audio._stitch import SpeakerNames, join_text, stitch_model, stitch_text_format, sum_usage
from openai_audio_api.models import (
    CreateTranscriptionResponseDiarizedJson,
    CreateTranscriptionResponseJson,
    CreateTranscriptionResponseVerboseJson,
)


def test_text_is_joined_once_per_boundary() -> None:
    assert (
        join_text(["Hello there. ", " General Kenobi.", "", "  ", "Bye.\n"])
        == "Hello there. General Kenobi. Bye."
    )
    assert stitch_text_format("text", ["one two\n", "three\n"], [0.0, 5.0]) == "one two three\n"


def test_srt_cues_are_offset_and_renumbered() -> None:
    first = "1\n00:00:00,000 --> 00:00:02,500\nOne.\n\n2\n00:00:02,600 --> 00:00:04,000\nTwo.\n"
    second = "1\n00:00:00,100 --> 00:00:01,900\nThree.\n"
    assert stitch_text_format("srt", [first, second], [0.0, 3599.5]) == (
        "1\n00:00:00,000 --> 00:00:02,500\nOne.\n\n"
        "2\n00:00:02,600 --> 00:00:04,000\nTwo.\n\n"
        "3\n00:59:59,600 --> 01:00:01,400\nThree.\n"
    )


def test_vtt_keeps_one_header_and_offsets_cues() -> None:
    first = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nOne.\n"
    second = "WEBVTT\n\n1\n00:00.500 --> 00:01.250 align:start\nTwo.\n"
    assert stitch_text_format("vtt", [first, second], [0.0, 10.0]) == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nOne.\n\n"
        "2\n00:00:10.500 --> 00:00:11.250 align:start\nTwo.\n"
    )


def _verbose(
    text: str,
    duration: float,
    segments: list[tuple[float, float, str]],
    words: list[tuple[str, float, float]],
) -> CreateTranscriptionResponseVerboseJson:
    return CreateTranscriptionResponseVerboseJson.from_dict(
        {
            "task": "transcribe",
            "language": "english",
            "duration": duration,
            "text": text,
            "segments": [
                {
                    "id": i,
                    "seek": 0,
                    "start": s,
                    "end": e,
                    "text": t,
                    "tokens": [1],
                    "temperature": 0.0,
                    "avg_logprob": -0.1,
                    "compression_ratio": 1.0,
                    "no_speech_prob": 0.0,
                }
                for i, (s, e, t) in enumerate(segments)
            ],
            "words": [{"word": w, "start": s, "end": e} for w, s, e in words],
            "usage": {"type": "duration", "seconds": round(duration)},
        }
    )


def test_verbose_json_segments_and_words_are_offset_and_renumbered() -> None:
    a = _verbose("One two.", 4.0, [(0.0, 1.5, "One two.")], [("One", 0.0, 0.5), ("two", 0.6, 1.5)])
    b = _verbose("Three.", 2.0, [(0.2, 1.0, "Three.")], [("Three", 0.2, 1.0)])
    merged = stitch_model([a, b], [0.0, 3.9])
    assert merged.text == "One two. Three."
    assert merged.duration == 5.9
    assert [(s.id, s.start, s.end, s.seek) for s in merged.segments] == [(0, 0.0, 1.5, 0), (1, 4.1, 4.9, 390)]
    assert [(w.word, w.start, w.end) for w in merged.words] == [
        ("One", 0.0, 0.5),
        ("two", 0.6, 1.5),
        ("Three", 4.1, 4.9),
    ]
    assert merged.usage.to_dict() == {"type": "duration", "seconds": 6}


def test_json_usage_is_summed_and_logprobs_concatenated() -> None:
    def one(text: str, tokens: int) -> CreateTranscriptionResponseJson:
        return CreateTranscriptionResponseJson.from_dict(
            {
                "text": text,
                "logprobs": [{"token": text, "logprob": -0.5, "bytes": [1]}],
                "usage": {
                    "type": "tokens",
                    "input_tokens": tokens,
                    "output_tokens": 1,
                    "total_tokens": tokens + 1,
                    "input_token_details": {"text_tokens": 0, "audio_tokens": tokens},
                },
            }
        )

    merged = stitch_model([one("a", 10), one("b", 20)], [0.0, 5.0])
    assert merged.text == "a b"
    assert [p.token for p in merged.logprobs] == ["a", "b"]
    assert merged.usage.to_dict() == {
        "type": "tokens",
        "input_tokens": 30,
        "output_tokens": 2,
        "total_tokens": 32,
        "input_token_details": {"text_tokens": 0, "audio_tokens": 30},
    }


def test_usage_of_different_kinds_is_not_added() -> None:
    assert sum_usage([{"type": "tokens", "input_tokens": 1}, {"type": "duration", "seconds": 2}]) is None


def test_diarized_speakers_stay_consistent_and_chunk_local_labels_never_merge() -> None:
    def one(segments: list[tuple[str, float, float]]) -> CreateTranscriptionResponseDiarizedJson:
        return CreateTranscriptionResponseDiarizedJson.from_dict(
            {
                "task": "transcribe",
                "duration": 10.0,
                "text": " ".join(t for t, _, _ in segments),
                "segments": [
                    {
                        "type": "transcript.text.segment",
                        "id": f"seg_{i}",
                        "start": s,
                        "end": e,
                        "text": t,
                        "speaker": t,
                    }
                    for i, (t, s, e) in enumerate(segments)
                ],
            }
        )

    # Chunk 0 found A and B; both were passed to chunk 1 as references, so its A and B are
    # the same people; chunk 1's C is new, as is chunk 2's C (no reference: not merged).
    merged = stitch_model(
        [one([("A", 0, 2), ("B", 2, 4)]), one([("B", 0, 1), ("C", 1, 2)]), one([("C", 0, 1)])],
        [0.0, 9.0, 19.0],
        speakers=SpeakerNames(["A", "B"]),
    )
    assert [(s.id, s.speaker, s.start) for s in merged.segments] == [
        ("seg_0", "A", 0.0),
        ("seg_1", "B", 2.0),
        ("seg_2", "B", 9.0),
        ("seg_3", "C", 10.0),
        ("seg_4", "D", 19.0),
    ]
    assert merged.duration == 29.0
