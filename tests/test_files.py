"""Tests for openai_audio._files: preparing uploads, sniffing formats, WAV durations, data URLs."""

from __future__ import annotations

import base64
import contextlib
import gc
import io
import os
import struct
import tempfile
import threading
import tracemalloc
import wave
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openai_audio._audio_formats import sniff
from openai_audio._files import (
    TRANSCRIPTION_UPLOADS,
    VOICE_SAMPLE_UPLOADS,
    PreparedFile,
    UploadRule,
    audio_data_url,
    prepare_file,
    wav_duration,
)
from openai_audio.errors import InvalidArgumentError, InvalidArgumentTypeError

MIB = 1024 * 1024
TRANSCRIPTION_LISTING = "flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm"


# -- fixtures and helpers -----------------------------------------------------------------------


def make_wav(
    seconds: float = 3.0, *, rate: int = 16_000, channels: int = 1, width: int = 2, extra: bytes = b""
) -> bytes:
    """A real WAV from the stdlib writer; ``extra`` chunks go between ``fmt `` and ``data``."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(bytes(round(seconds * rate) * channels * width))
    data = buf.getvalue()
    if extra:
        # The stdlib writes RIFF(12) + fmt(8+16) + data: splice chunks in before data, fix RIFF size.
        data = data[:36] + extra + data[36:]
        data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    return data


def chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


WAV = make_wav()
MP3_ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(200)
MP3_FRAME = bytes((0xFF, 0xFB, 0x90, 0x64)) + bytes(200)  # MPEG-1 Layer III, 128 kbps, 44.1 kHz
MP3_FRAME_MPEG2 = bytes((0xFF, 0xF3, 0x44, 0xC0)) + bytes(92)  # MPEG-2 Layer III, 24 kHz
OGG = b"OggS\x00\x02" + bytes(200)
FLAC = b"fLaC\x00\x00\x00\x22" + bytes(200)
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + bytes(200)
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(200)
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + bytes(200)
AAC = bytes((0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC)) + bytes(200)  # ADTS, MPEG-4, 44.1 kHz
TEXT = b"hello, this is not audio at all\n" * 4


def body_of(prepared: PreparedFile, field: str = "file") -> tuple[httpx.Request, bytes]:
    request = httpx.Request("POST", "http://x", files={field: prepared.to_httpx()})
    return request, b"".join(request.stream)  # type: ignore[arg-type]


def file_part(request: httpx.Request, body: bytes) -> tuple[str | None, str | None, bytes]:
    raw = b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + body
    msg = BytesParser(policy=policy.HTTP).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    (part,) = list(msg.iter_parts())
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return part.get_filename(), part.get("Content-Type"), payload


def uploaded(prepared: PreparedFile) -> bytes:
    """What httpx sends for the file part, checking Content-Length matches the body."""
    request, body = body_of(prepared)
    assert int(request.headers["content-length"]) == len(body)
    return file_part(request, body)[2]


class ReadOnly:
    """A non-seekable binary stream: only read()."""

    def __init__(self, data: bytes, chunk: int = 1000) -> None:
        self._data = data
        self._pos = 0
        self._chunk = chunk
        self.bytes_read = 0

    def read(self, n: int = -1) -> bytes:
        n = len(self._data) if n < 0 else min(n, self._chunk)
        out = self._data[self._pos : self._pos + n]
        self._pos += len(out)
        self.bytes_read += len(out)
        return out


class CountingBytesIO(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read(self, size: int | None = -1, /) -> bytes:
        self.reads += 1
        return super().read(size)


@pytest.fixture
def pipe_reader() -> Iterator[Any]:
    """Factory: a non-seekable pipe read end (unbuffered) fed with ``data`` by a thread."""
    opened: list[IO[bytes]] = []
    threads: list[threading.Thread] = []

    def make(data: bytes) -> IO[bytes]:
        r, w = os.pipe()

        def feed() -> None:
            with open(w, "wb", buffering=0) as out:
                with contextlib.suppress(BrokenPipeError):  # the reader stopped early (size limit)
                    out.write(data)

        thread = threading.Thread(target=feed, daemon=True)
        thread.start()
        threads.append(thread)
        reader = open(r, "rb", buffering=0)  # noqa: SIM115 - closed by the fixture
        opened.append(reader)
        return reader

    yield make
    for f in opened:
        f.close()
    for t in threads:
        t.join(timeout=5)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- input kinds --------------------------------------------------------------------------------


@pytest.mark.parametrize("as_path", [str, Path])
def test_path_is_opened_not_read(tmp_path: Path, as_path: Any) -> None:
    path = write(tmp_path, "speech.wav", WAV)
    with prepare_file(as_path(path), argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert prepared.name == "speech.wav"
        assert prepared.content_type == "audio/wav"
        assert prepared.size == len(WAV)
        assert isinstance(prepared.stream, io.BufferedReader)
        assert prepared.stream.name == str(path)
        assert prepared.stream.tell() == 0
        assert uploaded(prepared) == WAV
        stream = prepared.stream
    assert stream.closed


def test_path_name_is_basename_and_extension_decides(tmp_path: Path) -> None:
    path = write(tmp_path, "Clip.MP3", MP3_FRAME)
    with prepare_file(path, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert prepared.name == "Clip.MP3"
        assert prepared.content_type == "audio/mpeg"
    # The extension wins over the content (the order is content type, extension, magic bytes).
    path = write(tmp_path, "really_wav.ogg", WAV)
    with prepare_file(path, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert prepared.content_type == "audio/ogg"


def test_path_without_extension_is_sniffed_and_named(tmp_path: Path) -> None:
    path = write(tmp_path, "recording", FLAC)
    with prepare_file(path, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert (prepared.name, prepared.content_type) == ("recording.flac", "audio/flac")
        assert prepared.stream.tell() == 0  # the sniff put the position back
        assert uploaded(prepared) == FLAC


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_bytes_like(kind: Any) -> None:
    with prepare_file(kind(WAV), argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert (prepared.name, prepared.content_type, prepared.size) == ("audio.wav", "audio/wav", len(WAV))
        assert prepared.read_all() == WAV
        assert uploaded(prepared) == WAV


def test_bytesio_at_zero_is_used_as_is_and_not_closed() -> None:
    buf = io.BytesIO(OGG)
    with prepare_file(buf, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert prepared.stream is buf
        assert (prepared.name, prepared.content_type, prepared.size) == ("audio.ogg", "audio/ogg", len(OGG))
        assert uploaded(prepared) == OGG
    assert not buf.closed


def test_bytesio_at_nonzero_position_uploads_from_there() -> None:
    prefix = b"JUNK" * 100
    buf = io.BytesIO(prefix + WAV)
    buf.seek(len(prefix))
    with prepare_file(buf, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert prepared.size == len(WAV)
        assert prepared.content_type == "audio/wav"
        assert prepared.stream.tell() == 0
        assert prepared.read_all() == WAV
        assert uploaded(prepared) == WAV
        assert uploaded(prepared) == WAV  # httpx's seek(0) goes back to the original position
        buf.seek(3)  # moving the caller's file in between does not matter
        assert prepared.read_all() == WAV
    assert not buf.closed


@pytest.mark.parametrize("offset", [0, 7])
def test_real_open_file(tmp_path: Path, offset: int) -> None:
    path = write(tmp_path, "x.bin", b"z" * offset + MP3_ID3)
    with open(path, "rb") as f:
        f.seek(offset)
        with prepare_file(f, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
            # ".bin" says nothing: sniffed, and an extension is appended for the API.
            assert (prepared.name, prepared.content_type) == ("x.bin.mp3", "audio/mpeg")
            assert prepared.size == len(MP3_ID3)
            # Content-Length must not be the whole file's fstat size when starting at an offset.
            assert uploaded(prepared) == MP3_ID3
        assert not f.closed


def test_file_object_names(tmp_path: Path) -> None:
    with tempfile.TemporaryFile() as f:  # .name is an int fd on POSIX
        f.write(WAV)
        f.seek(0)
        assert prepare_file(f, argument="file", rule=TRANSCRIPTION_UPLOADS).name == "audio.wav"
    with tempfile.NamedTemporaryFile(dir=tmp_path) as f:
        f.write(WAV)
        f.seek(0)
        prepared = prepare_file(f, argument="file", rule=TRANSCRIPTION_UPLOADS)
        assert prepared.name == os.path.basename(f.name) + ".wav"
    buf = io.BytesIO(WAV)
    buf.name = "/some/dir/voice.wav"
    assert prepare_file(buf, argument="file", rule=TRANSCRIPTION_UPLOADS).name == "voice.wav"


def test_spooled_temporary_file_is_not_rolled_to_disk() -> None:
    with tempfile.SpooledTemporaryFile(max_size=1 * MIB) as f:
        f.write(WAV)
        f.seek(0)
        with prepare_file(f, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
            assert uploaded(prepared) == WAV
        assert not f._rolled  # type: ignore[attr-defined]
        assert not f.closed


def test_pipe_is_spooled_and_replayable(pipe_reader: Any) -> None:
    data = WAV + bytes(300_000)
    with prepare_file(pipe_reader(data), argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert (prepared.name, prepared.content_type, prepared.size) == ("audio.wav", "audio/wav", len(data))
        assert uploaded(prepared) == data
        assert uploaded(prepared) == data
        assert prepared.read_all() == data


def test_pipe_larger_than_the_memory_spool_goes_to_disk_and_replays(pipe_reader: Any) -> None:
    data = WAV + os.urandom(9 * MIB)
    with prepare_file(pipe_reader(data), argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
        assert prepared.size == len(data)
        assert uploaded(prepared) == data
        assert uploaded(prepared) == data


def test_read_only_object_is_spooled() -> None:
    source = ReadOnly(FLAC)
    with prepare_file(source, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:  # type: ignore[arg-type]
        assert (prepared.name, prepared.content_type, prepared.size) == (
            "audio.flac",
            "audio/flac",
            len(FLAC),
        )
        assert uploaded(prepared) == FLAC


def test_tuple_two_items() -> None:
    prepared = prepare_file(("dir/sub/take1.webm", WEBM), argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert (prepared.name, prepared.content_type) == ("take1.webm", "audio/webm")
    prepared = prepare_file(
        (r"C:\\Users\\me\\a.m4a", io.BytesIO(M4A)), argument="file", rule=TRANSCRIPTION_UPLOADS
    )
    assert (prepared.name, prepared.content_type) == ("a.m4a", "audio/mp4")


def test_tuple_three_items_content_type_used_as_is() -> None:
    prepared = prepare_file(("a.wav", WAV, "audio/x-wav"), argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert (prepared.name, prepared.content_type) == ("a.wav", "audio/x-wav")
    request, body = body_of(prepared)
    assert file_part(request, body) == ("a.wav", "audio/x-wav", WAV)
    # The explicit type wins over the extension and the content.
    prepared = prepare_file(
        ("a.mp3", WAV, "audio/ogg; codecs=opus"), argument="f", rule=TRANSCRIPTION_UPLOADS
    )
    assert prepared.content_type == "audio/ogg; codecs=opus"
    # A name without an extension gets the one of the declared type.
    assert (
        prepare_file(("clip", WAV, "audio/wav"), argument="f", rule=TRANSCRIPTION_UPLOADS).name == "clip.wav"
    )


def test_content_type_alias_is_normalised_when_endpoint_lists_only_canonical() -> None:
    prepared = prepare_file(
        ("a.mp3", MP3_FRAME, "audio/mp3"), argument="audio_sample", rule=VOICE_SAMPLE_UPLOADS
    )
    assert prepared.content_type == "audio/mpeg"
    prepared = prepare_file(("a.mp3", MP3_FRAME, "audio/mp3"), argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert prepared.content_type == "audio/mp3"


def test_octet_stream_content_type_falls_back_to_sniffing() -> None:
    prepared = prepare_file(
        ("upload", OGG, "application/octet-stream"), argument="f", rule=TRANSCRIPTION_UPLOADS
    )
    assert (prepared.name, prepared.content_type) == ("upload.ogg", "audio/ogg")


def test_unknown_content_type_is_rejected_listing_accepted() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        prepare_file(("a.wav", WAV, "text/plain"), argument="recording", rule=VOICE_SAMPLE_UPLOADS)
    message = str(info.value)
    assert info.value.argument == "recording"
    assert message.startswith("recording: ")
    assert "text/plain" in message
    assert (
        "audio/aac, audio/flac, audio/mp4, audio/mpeg, audio/ogg, audio/wav, audio/webm, audio/x-wav"
        in message
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ((b"a.wav", WAV), "filename must be a str"),
        (("a.wav",), "(filename, content)"),
        (("a.wav", WAV, "audio/wav", {}), "(filename, content)"),
        (("a.wav", "RIFF....WAVE"), "bytes or a binary file object, not str"),
        (("a.wav", 42), "not int"),
        (("a.wav", WAV, 5), "content type must be a str"),
        (("a.wav", io.StringIO("x")), "text mode"),
    ],
)
def test_bad_tuples_are_type_errors(value: Any, fragment: str) -> None:
    with pytest.raises(InvalidArgumentTypeError, match=r"^file: ") as info:
        prepare_file(value, argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert fragment in str(info.value)


@pytest.mark.parametrize("filename", ["", "dir/"])
def test_empty_tuple_filename(filename: str) -> None:
    with pytest.raises(InvalidArgumentError, match="filename must not be empty"):
        prepare_file((filename, WAV), argument="file", rule=TRANSCRIPTION_UPLOADS)


def test_text_mode_files_are_type_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "a.wav", WAV)
    with open(path, encoding="latin-1") as f, pytest.raises(InvalidArgumentTypeError, match="text mode"):
        prepare_file(f, argument="file", rule=TRANSCRIPTION_UPLOADS)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentTypeError, match="text mode"):
        prepare_file(io.StringIO("RIFF"), argument="file", rule=TRANSCRIPTION_UPLOADS)  # type: ignore[arg-type]

    class StrReader:  # no mode, no TextIOBase: found out by what read() returns
        def read(self, n: int = -1) -> str:
            return "RIFF" if n else ""

    with pytest.raises(InvalidArgumentTypeError, match="yields str"):
        prepare_file(StrReader(), argument="file", rule=TRANSCRIPTION_UPLOADS)  # type: ignore[arg-type]

    class Moded(ReadOnly):
        mode = "r"

    with pytest.raises(InvalidArgumentTypeError, match="text mode"):
        prepare_file(Moded(WAV), argument="file", rule=TRANSCRIPTION_UPLOADS)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [42, None, 1.5, [WAV], {"a": 1}, iter([WAV]), (b for b in [WAV]), object()])
def test_wrong_types(value: Any) -> None:
    with pytest.raises(InvalidArgumentTypeError) as info:
        prepare_file(value, argument="file", rule=TRANSCRIPTION_UPLOADS)
    message = str(info.value)
    assert message.startswith("file: ")
    assert "a path (str or os.PathLike), bytes, a binary file object" in message
    assert type(value).__name__ in message


def test_closed_and_write_only_files(tmp_path: Path) -> None:
    buf = io.BytesIO(WAV)
    buf.close()
    with pytest.raises(InvalidArgumentError, match="closed"):
        prepare_file(buf, argument="file", rule=TRANSCRIPTION_UPLOADS)
    with (
        open(tmp_path / "out.wav", "wb") as f,
        pytest.raises(InvalidArgumentError, match="not open for reading"),
    ):
        prepare_file(f, argument="file", rule=TRANSCRIPTION_UPLOADS)


# -- formats ------------------------------------------------------------------------------------


SIGNATURES = [
    (WAV, "wav", "audio/wav"),
    (MP3_ID3, "mp3", "audio/mpeg"),
    (MP3_FRAME, "mp3", "audio/mpeg"),
    (MP3_FRAME_MPEG2, "mp3", "audio/mpeg"),
    (OGG, "ogg", "audio/ogg"),
    (FLAC, "flac", "audio/flac"),
    (MP4, "mp4", "audio/mp4"),
    (M4A, "m4a", "audio/mp4"),
    (WEBM, "webm", "audio/webm"),
    (AAC, "aac", "audio/aac"),
]


@pytest.mark.parametrize(("data", "ext", "mime"), SIGNATURES)
def test_sniffing(data: bytes, ext: str, mime: str) -> None:
    assert sniff(data[:64]) == ext
    prepared = prepare_file(data, argument="audio_sample", rule=VOICE_SAMPLE_UPLOADS)
    assert (prepared.name, prepared.content_type) == (f"audio.{ext}", mime)
    if ext != "aac":
        prepared = prepare_file(io.BytesIO(data), argument="file", rule=TRANSCRIPTION_UPLOADS)
        assert (prepared.name, prepared.content_type) == (f"audio.{ext}", mime)


@pytest.mark.parametrize(
    "head",
    [
        bytes((0xFF, 0xE1, 0x90)),  # MPEG 2.5 with layer 00 (reserved): neither MP3 nor ADTS (11 sync bits)
        bytes((0xFF, 0xEB, 0x90)),  # layer III but version 01 (reserved)
        bytes((0xFF, 0xFB, 0xF0)),  # bitrate index 1111 is invalid
        bytes((0xFF, 0xFB, 0x9C)),  # sample rate index 11 is reserved
        bytes((0xFF, 0xF1, 0x3C)),  # ADTS sampling frequency index 15 is invalid
        b"RIFF\x00\x00\x00\x00AVI ",
        b"",
        TEXT,
    ],
)
def test_not_sniffed(head: bytes) -> None:
    assert sniff(head) is None


def test_adts_is_not_mp3() -> None:
    for b1 in (0xF0, 0xF1, 0xF8, 0xF9):
        assert sniff(bytes((0xFF, b1, 0x50, 0x80))) == "aac"
    for b1 in (0xFA, 0xFB, 0xF2, 0xF3, 0xE2, 0xE3, 0xFF, 0xFD):
        assert sniff(bytes((0xFF, b1, 0x90, 0x00))) == "mp3"


def test_aac_is_rejected_for_transcriptions_listing_formats() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        prepare_file(AAC, argument="file", rule=TRANSCRIPTION_UPLOADS)
    message = str(info.value)
    assert message == (
        "file: the content is aac audio, which transcriptions does not accept; "
        f"transcriptions accepts: {TRANSCRIPTION_LISTING}"
    )


def test_aac_extension_is_rejected_for_transcriptions(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match=f"transcriptions accepts: {TRANSCRIPTION_LISTING}"):
        prepare_file(write(tmp_path, "a.aac", AAC), argument="file", rule=TRANSCRIPTION_UPLOADS)


@pytest.mark.parametrize("value", [TEXT, io.BytesIO(TEXT), ("upload", TEXT), ("upload.dat", TEXT)])
def test_unrecognised_format(value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        prepare_file(value, argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert str(info.value) == (
        f"file: unrecognised audio format for file; transcriptions accepts: {TRANSCRIPTION_LISTING}"
    )


def test_non_audio_extension_is_rejected_without_sniffing(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", WAV)  # even with audio inside: the name says text
    with pytest.raises(InvalidArgumentError) as info:
        prepare_file(path, argument="recording", rule=VOICE_SAMPLE_UPLOADS)
    message = str(info.value)
    assert message.startswith(
        "recording: 'notes.txt' is not an audio file (text/plain); voices accepts: aac, flac"
    )


def test_unlisted_audio_extension_is_sniffed() -> None:
    # .opus is Opus in an Ogg container, which the API takes as ogg.
    prepared = prepare_file(("voice.opus", OGG), argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert (prepared.name, prepared.content_type) == ("voice.opus.ogg", "audio/ogg")


# -- sizes and paths ----------------------------------------------------------------------------


def test_empty_inputs(tmp_path: Path, pipe_reader: Any) -> None:
    for value in (b"", io.BytesIO(b""), pipe_reader(b""), ("a.wav", b"")):
        with pytest.raises(InvalidArgumentError, match=r"^file: the file is empty \(0 bytes\)$"):
            prepare_file(value, argument="file", rule=TRANSCRIPTION_UPLOADS)
    path = write(tmp_path, "empty.wav", b"")
    with pytest.raises(InvalidArgumentError, match="empty") as info:
        prepare_file(path, argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert str(path) in str(info.value)


def test_missing_directory_and_special_paths(tmp_path: Path) -> None:
    missing = tmp_path / "nope.wav"
    with pytest.raises(InvalidArgumentError, match="no such file") as info:
        prepare_file(missing, argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert str(missing) in str(info.value)
    assert info.value.argument == "file"
    with pytest.raises(InvalidArgumentError, match="is a directory") as info:
        prepare_file(str(tmp_path), argument="file", rule=TRANSCRIPTION_UPLOADS)
    assert str(tmp_path) in str(info.value)
    fifo = tmp_path / "fifo.wav"
    os.mkfifo(fifo)
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        prepare_file(fifo, argument="file", rule=TRANSCRIPTION_UPLOADS)  # must not block opening it
    with pytest.raises(InvalidArgumentError, match="cannot access"):
        prepare_file("a\0b.wav", argument="file", rule=TRANSCRIPTION_UPLOADS)


def test_size_limit_for_paths(tmp_path: Path) -> None:
    path = tmp_path / "big.wav"
    with open(path, "wb") as f:
        f.truncate(10 * MIB + 1)  # sparse
    with pytest.raises(InvalidArgumentError) as info:
        prepare_file(path, argument="audio_sample", rule=VOICE_SAMPLE_UPLOADS)
    assert str(info.value) == (
        f"audio_sample: {str(path)!r} is 10.0 MiB (10485761 bytes); voices accepts at most 10 MiB"
    )
    with open(path, "r+b") as f:
        f.truncate(10 * MIB)  # exactly the limit is fine
    with prepare_file(path, argument="audio_sample", rule=VOICE_SAMPLE_UPLOADS) as prepared:
        assert prepared.size == 10 * MIB


def test_size_limit_for_bytes_and_seekable_files() -> None:
    data = WAV + bytes(10 * MIB)
    with pytest.raises(
        InvalidArgumentError, match=r"^recording: the file is 10\.\d MiB \(\d+ bytes\); voices"
    ):
        prepare_file(data, argument="recording", rule=VOICE_SAMPLE_UPLOADS)
    counting = CountingBytesIO(data)
    with pytest.raises(InvalidArgumentError, match="at most 10 MiB"):
        prepare_file(counting, argument="recording", rule=VOICE_SAMPLE_UPLOADS)
    assert counting.reads == 0  # known from seeking, never read


def test_size_limit_for_non_seekable_stops_early(pipe_reader: Any) -> None:
    rule = UploadRule(
        "voices", VOICE_SAMPLE_UPLOADS.formats, VOICE_SAMPLE_UPLOADS.mime_types, max_bytes=100_000
    )
    source = ReadOnly(WAV + bytes(5 * MIB), chunk=7_000)
    with pytest.raises(InvalidArgumentError, match=r"^recording: the stream is larger than 0\.095\d* MiB"):
        prepare_file(source, argument="recording", rule=rule)  # type: ignore[arg-type]
    assert source.bytes_read == 100_001
    with pytest.raises(InvalidArgumentError, match="larger than 10 MiB, the most voices accepts"):
        prepare_file(pipe_reader(WAV + bytes(12 * MIB)), argument="recording", rule=VOICE_SAMPLE_UPLOADS)
    # At the limit exactly: accepted.
    source = ReadOnly(WAV + bytes(100_000 - len(WAV)), chunk=7_000)
    with prepare_file(source, argument="recording", rule=rule) as prepared:  # type: ignore[arg-type]
        assert prepared.size == 100_000


# -- rewinding and streaming --------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["str", "path", "bytes", "bytesio0", "bytesio_offset", "file", "file_offset", "pipe", "tuple"]
)
def test_multipart_renders_identically_twice(kind: str, tmp_path: Path, pipe_reader: Any) -> None:
    data = WAV + os.urandom(200_000)  # several httpx chunks
    path = write(tmp_path, "a.wav", b"pre" + data)
    plain = write(tmp_path, "b.wav", data)
    opened: list[IO[bytes]] = []

    def at(offset: int) -> IO[bytes]:
        f = open(path, "rb")  # noqa: SIM115 - closed below
        opened.append(f)
        f.seek(offset)
        return f

    buf = io.BytesIO(b"pre" + data)
    buf.seek(3)
    value: Any = {
        "str": str(plain),
        "path": plain,
        "bytes": data,
        "bytesio0": io.BytesIO(data),
        "bytesio_offset": buf,
        "file": open(plain, "rb"),  # noqa: SIM115 - closed below
        "file_offset": at(3),
        "pipe": pipe_reader(data),
        "tuple": ("x.wav", io.BytesIO(data), "audio/wav"),
    }[kind]
    try:
        with prepare_file(value, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
            request = httpx.Request("POST", "http://x", files={"f": prepared.to_httpx()})
            first = b"".join(request.stream)  # type: ignore[arg-type]
            second = b"".join(request.stream)  # type: ignore[arg-type]  # what a retry sends
            assert first == second
            assert int(request.headers["content-length"]) == len(first)
            assert file_part(request, first)[2] == data
    finally:
        for f in opened:
            f.close()
        if kind == "file":
            value.close()


def test_path_upload_is_not_read_into_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"  # an extension that says nothing: prepare_file must sniff
    with open(path, "wb") as f:
        f.write(make_wav(0.01))
        f.truncate(50 * MIB)  # sparse
    gc.collect()
    tracemalloc.start()
    try:
        with prepare_file(path, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
            assert (prepared.name, prepared.size) == ("big.bin.wav", 50 * MIB)
            request = httpx.Request("POST", "http://x", files={"file": prepared.to_httpx()})
            total = 0
            for piece in request.stream:  # type: ignore[union-attr]
                total += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == int(request.headers["content-length"])
    assert total > 50 * MIB
    assert peak < 2 * MIB, f"peak {peak} bytes while streaming a 50 MiB file"


def test_read_all_rewinds() -> None:
    prepared = prepare_file(("a.wav", WAV), argument="file", rule=TRANSCRIPTION_UPLOADS)
    prepared.stream.read(10)
    assert prepared.read_all() == WAV
    assert prepared.stream.tell() == 0
    assert "a.wav" in repr(prepared)


def test_close_only_closes_what_prepare_opened() -> None:
    buf = io.BytesIO(b"x" + WAV)
    buf.seek(1)
    prepared = prepare_file(buf, argument="file", rule=TRANSCRIPTION_UPLOADS)
    prepared.close()
    prepared.close()  # idempotent
    assert prepared.stream.closed
    assert not buf.closed
    assert buf.seek(1) == 1
    assert buf.read() == WAV


# -- wav_duration -------------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize("width", [1, 2])
@pytest.mark.parametrize("rate", [8_000, 16_000, 22_050, 44_100, 48_000])
def test_wav_duration_of_stdlib_wavs(channels: int, width: int, rate: int) -> None:
    data = make_wav(2.5, rate=rate, channels=channels, width=width)
    frames = round(2.5 * rate)
    assert wav_duration(data) == pytest.approx(frames / rate)
    assert wav_duration(io.BytesIO(data)) == pytest.approx(frames / rate)


def test_wav_duration_skips_extra_chunks_with_padding() -> None:
    extra = (
        chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00abcde") + chunk(b"odd ", b"123") + chunk(b"fact", b"\0" * 4)
    )
    data = make_wav(4.0, rate=8_000, extra=extra)
    assert data.index(b"data") > data.index(b"odd ")
    assert wav_duration(data) == pytest.approx(4.0)


def test_wav_duration_with_fmt_after_data() -> None:
    fmt = struct.pack("<HHIIHH", 1, 1, 8_000, 16_000, 2, 16)
    data = b"RIFF\0\0\0\0WAVE" + chunk(b"data", bytes(16_000 * 3)) + chunk(b"fmt ", fmt)
    assert wav_duration(data) == pytest.approx(3.0)


def test_wav_duration_streaming_and_broken() -> None:
    wav = make_wav(3.0)
    streaming = wav[:40] + b"\xff\xff\xff\xff" + wav[44:]
    assert wav_duration(streaming) is None
    assert wav_duration(b"not a wav at all") is None
    assert wav_duration(wav[:30]) is None  # cut inside fmt
    assert wav_duration(wav[:36]) is None  # no data chunk
    assert wav_duration(MP3_ID3) is None
    zero_rate = wav[:24] + b"\0\0\0\0" + wav[28:]
    assert wav_duration(zero_rate) is None
    # Declared longer than present (a truncated download): only what is there counts.
    assert wav_duration(wav[: 44 + 16_000]) == pytest.approx(0.5)


def test_wav_duration_rf64() -> None:
    fmt = struct.pack("<HHIIHH", 1, 1, 8_000, 16_000, 2, 16)
    ds64 = struct.pack("<QQQI", 0, 16_000 * 2, 16_000, 0)
    data = (
        b"RF64\xff\xff\xff\xffWAVE"
        + chunk(b"ds64", ds64)
        + chunk(b"fmt ", fmt)
        + b"data\xff\xff\xff\xff"
        + bytes(32_000)
    )
    assert wav_duration(data) == pytest.approx(2.0)


def test_wav_duration_compressed_uses_fact() -> None:
    fmt = struct.pack("<HHIIHH", 0x11, 1, 8_000, 4_055, 256, 4)  # IMA ADPCM
    data = (
        b"RIFF\0\0\0\0WAVE"
        + chunk(b"fmt ", fmt)
        + chunk(b"fact", struct.pack("<I", 24_000))
        + chunk(b"data", bytes(12_000))
    )
    assert wav_duration(data) == pytest.approx(3.0)


def test_wav_duration_restores_position_and_reads_pipes(pipe_reader: Any) -> None:
    wav = make_wav(2.0)
    buf = io.BytesIO(b"xx" + wav)
    buf.seek(2)
    assert wav_duration(buf) == pytest.approx(2.0)
    assert buf.tell() == 2
    extra = chunk(b"junk", bytes(100_001))
    assert wav_duration(pipe_reader(make_wav(2.0, extra=extra))) == pytest.approx(2.0)


# -- audio_data_url -----------------------------------------------------------------------------


def test_audio_data_url_round_trip(tmp_path: Path) -> None:
    wav = make_wav(3.0)
    for value in (wav, io.BytesIO(wav), write(tmp_path, "ref.wav", wav), ("ref.wav", wav, "audio/x-wav")):
        url = audio_data_url(value, argument="known_speaker_references[0]")
        prefix, encoded = url.split(",", 1)
        assert prefix == ("data:audio/x-wav;base64" if isinstance(value, tuple) else "data:audio/wav;base64")
        assert base64.b64decode(encoded) == wav


def test_audio_data_url_other_formats_skip_duration() -> None:
    url = audio_data_url(MP3_ID3, argument="ref")
    assert url == "data:audio/mpeg;base64," + base64.b64encode(MP3_ID3).decode()


def test_audio_data_url_mime_parameters_dropped() -> None:
    url = audio_data_url(("a.ogg", OGG, "audio/ogg; codecs=opus"), argument="ref")
    assert url.startswith("data:audio/ogg;base64,")


@pytest.mark.parametrize(
    ("seconds", "fragment"), [(1.5, "1.50 s long; it must be at least 2 s"), (10.5, "10.50 s")]
)
def test_audio_data_url_duration_bounds(seconds: float, fragment: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        audio_data_url(make_wav(seconds, rate=8_000), argument="known_speaker_references[1]")
    assert str(info.value).startswith("known_speaker_references[1]: the audio is ")
    assert fragment in str(info.value)
    # Bounds can be switched off.
    assert audio_data_url(make_wav(seconds, rate=8_000), argument="r", min_seconds=None, max_seconds=None)


def test_audio_data_url_oversize_is_rejected_without_reading(tmp_path: Path) -> None:
    counting = CountingBytesIO(make_wav(3.0) + bytes(2 * MIB))
    with pytest.raises(InvalidArgumentError, match="at most 1 MiB"):
        audio_data_url(counting, argument="ref", max_bytes=1 * MIB)
    assert counting.reads == 0
    path = tmp_path / "huge.wav"
    with open(path, "wb") as f:
        f.truncate(11 * MIB)
    with pytest.raises(InvalidArgumentError, match="at most 10 MiB"):
        audio_data_url(path, argument="ref")
    source = ReadOnly(make_wav(3.0) + bytes(2 * MIB), chunk=4096)
    with pytest.raises(InvalidArgumentError, match="larger than 1 MiB"):
        audio_data_url(source, argument="ref", max_bytes=1 * MIB)  # type: ignore[arg-type]
    assert source.bytes_read == 1 * MIB + 1


# -- properties ---------------------------------------------------------------------------------

ALLOWED = (InvalidArgumentError, InvalidArgumentTypeError)


def _check(value: Any, rule: UploadRule) -> None:
    try:
        prepared = prepare_file(value, argument="file", rule=rule)
    except ALLOWED:
        return
    with prepared:
        assert prepared.content_type in rule.mime_types or prepared.content_type in rule.formats.values()
        assert "/" not in prepared.name
        assert prepared.size is not None
        assert prepared.size > 0
        assert prepared.size == len(prepared.read_all())


PREFIXES = st.sampled_from([b"", b"RIFF\x00\x00\x00\x00WAVE", b"ID3", b"\xff", b"\xff\xf1", b"OggS", b"fLaC"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=PREFIXES,
    data=st.binary(max_size=300),
    rule=st.sampled_from([TRANSCRIPTION_UPLOADS, VOICE_SAMPLE_UPLOADS]),
)
def test_arbitrary_bytes_prepare_or_raise_argument_errors(
    prefix: bytes, data: bytes, rule: UploadRule
) -> None:
    content = prefix + data
    _check(content, rule)
    _check(io.BytesIO(content), rule)
    _check(ReadOnly(content, chunk=7), rule)


@settings(max_examples=200)
@given(
    name=st.text(max_size=20),
    content=st.binary(max_size=100),
    content_type=st.none() | st.text(max_size=20) | st.sampled_from(["audio/wav", "audio/mp3", "video/mp4"]),
)
def test_arbitrary_tuples_prepare_or_raise_argument_errors(
    name: str, content: bytes, content_type: str | None
) -> None:
    value = (name, content) if content_type is None else (name, content, content_type)
    _check(value, TRANSCRIPTION_UPLOADS)
    _check(value, VOICE_SAMPLE_UPLOADS)


@settings(max_examples=300)
@given(
    prefix=st.sampled_from([b"", b"RIFF\x00\x00\x00\x00WAVE", b"RF64\xff\xff\xff\xffWAVE"]),
    data=st.binary(max_size=200),
)
def test_wav_duration_never_raises(prefix: bytes, data: bytes) -> None:
    result = wav_duration(prefix + data)
    assert result is None or result >= 0
    wav_duration(ReadOnly(prefix + data, chunk=5))  # type: ignore[arg-type]
