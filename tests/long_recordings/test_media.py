"""Compressed recordings through PyAV: decoded once, cut in pauses, re-encoded to FLAC chunks."""

from __future__ import annotations

import io

import pytest

from helpers.synthetic_speech import char_at, sentence_text, speech_wav
from openai_audio import MissingExtraError
from openai_audio._audio_split import SplitLimits
from openai_audio._files import TRANSCRIPTION_UPLOADS, prepare_file
from openai_audio._long_recordings import split_if_needed

av = pytest.importorskip("av")


def encode(wav: bytes, container: str, codec: str) -> bytes:
    """Re-encode the server's WAV speech with PyAV (the tests' own encoder, not the splitter's)."""
    source = av.open(io.BytesIO(wav))
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=24_000, layout="mono")
        for frame in source.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return buffer.getvalue()


def _packets(data: bytes) -> list[bytes]:
    with av.open(io.BytesIO(data)) as container:
        return [bytes(p) for p in container.demux(audio=0) if p.size]


def _split(name: str, data: bytes, limits: SplitLimits):  # type: ignore[no-untyped-def]
    prepared = prepare_file((name, data), argument="file", rule=TRANSCRIPTION_UPLOADS)
    return prepared, split_if_needed(prepared, limits)


@pytest.mark.parametrize(
    ("container", "codec", "name", "priming"),
    # The decoded timeline of the test's own aac encoding starts ~50 ms late (encoder priming).
    [("mp3", "libmp3lame", "talk.mp3", 0.0), ("ipod", "aac", "talk.m4a", 0.05)],
)
def test_compressed_audio_is_reencoded_to_flac_chunks_cut_in_pauses(
    container: str, codec: str, name: str, priming: float
) -> None:
    text = sentence_text(60)
    m4a = encode(speech_wav(text), container, codec)
    prepared, recording = _split(name, m4a, SplitLimits(None, 4.0))
    with prepared:
        assert recording is not None
        try:
            assert len(recording.chunks) > 3
            total = 0.0
            for chunk in recording.chunks:
                assert chunk.content_type == "audio/flac"
                with av.open(chunk.stream, "r") as flac:
                    seconds = sum(f.samples for f in flac.decode(audio=0)) / 16_000
                assert seconds == pytest.approx(chunk.duration, abs=0.01)
                assert seconds <= 4.0
                total += seconds
            assert total == pytest.approx(len(text) * 0.06, abs=0.1)
            for chunk in recording.chunks[1:]:
                assert not char_at(text, round((chunk.start - priming) * 24_000)).isalnum()
        finally:
            recording.close()


def test_compressed_input_within_the_limits_is_not_touched() -> None:
    mp3 = encode(speech_wav("short and sweet."), "mp3", "libmp3lame")
    prepared, recording = _split("short.mp3", mp3, SplitLimits(25 * 1024 * 1024, 1500.0))
    with prepared:
        assert recording is None
        assert prepared.stream.tell() == 0


def test_a_long_compressed_recording_without_pyav_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_audio import _media

    monkeypatch.setattr(_media, "_av", lambda: None)
    mp3 = encode(speech_wav(sentence_text(20)), "mp3", "libmp3lame")
    prepared = prepare_file(("talk.mp3", mp3), argument="file", rule=TRANSCRIPTION_UPLOADS)
    with prepared, pytest.raises(MissingExtraError, match=r"pip install 'openai-audio\[media\]'") as caught:
        split_if_needed(prepared, SplitLimits(len(mp3) // 2, None))
    assert caught.value.argument == "file"
    assert caught.value.extra == "media"
    # Within the size limit its duration is unknown without PyAV: it is sent as is.
    with prepare_file(("talk.mp3", mp3), argument="file", rule=TRANSCRIPTION_UPLOADS) as again:
        assert split_if_needed(again, SplitLimits(len(mp3) * 2, 1.0)) is None
