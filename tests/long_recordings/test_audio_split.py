"""Splitting WAV at pauses: cut points, limits with margins, byte-exact chunks, bounded reads."""

from __future__ import annotations

import array
import io
import itertools
import wave

import pytest

from helpers.synthetic_speech import FRAMES_PER_CHAR, char_at, pcm_of, sentence_text, speech_wav, wav_bytes
from openai_audio._audio_split import (
    SharedReader,
    SplitLimits,
    UnsupportedWavError,
    iter_chunk_views,
    plan_cuts,
    read_wav_layout,
)


def _plan(data: bytes, limits: SplitLimits) -> tuple[list[tuple[int, int]], object, SharedReader]:
    stream = io.BytesIO(data)
    layout = read_wav_layout(stream, len(data))
    reader = SharedReader(stream)
    return plan_cuts(reader, layout, limits.chunk_frames(layout)), layout, reader


@pytest.mark.parametrize("max_duration", [2.5, 4.0, 7.0])
def test_cut_points_fall_in_pauses_never_inside_a_word(max_duration: float) -> None:
    text = sentence_text(120)
    spans, _, _ = _plan(speech_wav(text), SplitLimits(None, max_duration))
    assert len(spans) > 3
    for first, _end in spans[1:]:
        # The frame at the cut is silence between words: a space (or punctuation before one).
        assert not char_at(text, first).isalnum(), (
            first,
            text[first // FRAMES_PER_CHAR - 5 : first // FRAMES_PER_CHAR + 5],
        )


def test_the_longest_pause_in_reach_wins() -> None:
    # One space between words, two after each sentence (every 1.02 s): the search span of a 4 s
    # limit (its last third) always holds a sentence break, and the cut takes its middle.
    text = "abc def ghi jk.  " * 20
    spans, _, _ = _plan(speech_wav(text), SplitLimits(None, 4.0))
    assert len(spans) > 3
    for first, _end in spans[1:]:
        index = first // FRAMES_PER_CHAR
        assert ".  " in (text[index - 1 : index + 2], text[index - 2 : index + 1])  # in the double space


@pytest.mark.parametrize(("max_bytes", "max_duration"), [(120_000, None), (None, 3.0), (200_000, 3.0)])
def test_every_chunk_is_under_both_limits_and_the_chunks_rebuild_the_data(
    max_bytes: int | None, max_duration: float | None
) -> None:
    text = sentence_text(80)
    data = speech_wav(text)
    spans, layout, reader = _plan(data, SplitLimits(max_bytes, max_duration))
    assert spans[0][0] == 0 and spans[-1][1] == layout.frames  # type: ignore[attr-defined]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    rebuilt = b""
    for view in iter_chunk_views(reader, layout, spans):  # type: ignore[arg-type]
        body = view.read()
        if max_bytes is not None:
            assert len(body) <= max_bytes * 0.98
        with wave.open(io.BytesIO(body)) as w:  # each chunk is a valid WAV on its own
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 24_000)
            if max_duration is not None:
                assert w.getnframes() / w.getframerate() <= max_duration * 0.98
            rebuilt += w.readframes(w.getnframes())
    assert rebuilt == pcm_of(text)


def _convert(pcm: bytes, kind: str) -> bytes:
    samples = array.array("h", pcm)
    if kind == "stereo":
        both = array.array("h", (s for x in samples for s in (x, x // 2)))
        return wav_bytes(both.tobytes(), channels=2)
    if kind == "24bit":
        return wav_bytes(b"".join(b"\0" + x.to_bytes(2, "little", signed=True) for x in samples), width=3)
    if kind == "8bit":
        return wav_bytes(bytes((x >> 8) + 128 for x in samples), width=1)
    if kind == "float":
        return wav_bytes(array.array("f", (x / 32768 for x in samples)).tobytes(), width=4, tag=3)
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["stereo", "24bit", "8bit", "float"])
def test_other_sample_formats_are_cut_in_pauses_too(kind: str) -> None:
    text = sentence_text(60)
    spans, _, _ = _plan(_convert(pcm_of(text), kind), SplitLimits(None, 3.0))
    assert len(spans) > 2
    for first, _end in spans[1:]:
        assert not char_at(text, first).isalnum()


class _CountingReader(SharedReader):
    def __init__(self, stream: io.BytesIO) -> None:
        super().__init__(stream)
        self.reads: list[int] = []

    def pread(self, offset: int, n: int) -> bytes:
        self.reads.append(n)
        return super().pread(offset, n)


def test_planning_reads_only_the_search_spans_a_block_at_a_time() -> None:
    data = speech_wav(sentence_text(400))
    stream = io.BytesIO(data)
    layout = read_wav_layout(stream, len(data))
    reader = _CountingReader(stream)
    spans = plan_cuts(reader, layout, SplitLimits(None, 6.0).chunk_frames(layout))
    assert max(reader.reads) <= 256 * 1024  # never more than one block held at a time
    assert sum(reader.reads) <= len(data) / 2  # a third of each chunk is searched, not the whole file
    assert len(spans) > 5


def test_limits_that_leave_no_room_are_refused() -> None:
    data = speech_wav("hello there")
    layout = read_wav_layout(io.BytesIO(data), len(data))
    with pytest.raises(ValueError, match=r"less than 0\.1 s"):
        SplitLimits(20_000, None).chunk_frames(layout)


def test_compressed_or_broken_wav_is_not_split_here() -> None:
    with pytest.raises(UnsupportedWavError):
        read_wav_layout(io.BytesIO(b"RIFF\0\0\0\0WAVEjunk"), 16)
    adpcm = wav_bytes(b"\0" * 100, tag=2, width=1)
    with pytest.raises(UnsupportedWavError, match="0x2"):
        read_wav_layout(io.BytesIO(adpcm), len(adpcm))


@pytest.mark.parametrize(("seconds", "parts", "chunks"), [(300, 4, 4), (300, 1, 1), (100, 4, 2)])
def test_a_recording_split_anyway_is_spread_over_the_concurrency(
    seconds: int, parts: int, chunks: int
) -> None:
    # Once a recording is over a limit (the caller's decision), its chunks are spread over the
    # concurrency: 300 s with 4 at once makes 4 chunks, however far the limit; never chunks under
    # a minute though (100 s makes 2); one at a time, only the limits cut.
    text = sentence_text(seconds * 1000 // 60 // 6)[: round(seconds / 0.06)]
    data = speech_wav(text)
    stream = io.BytesIO(data)
    layout = read_wav_layout(stream, len(data))
    limit = SplitLimits(None, 1500.0 if parts > 1 else None, parts=parts)
    spans = plan_cuts(SharedReader(stream), layout, limit.chunk_frames(layout))
    assert len(spans) == chunks
