"""Turning the file inputs the client accepts into something httpx can upload.

:func:`prepare_file` validates an input against an endpoint's :class:`UploadRule` before any
network I/O and returns a :class:`PreparedFile` whose ``to_httpx()`` goes straight into
``httpx``'s ``files=``. Decisions worth knowing:

* **Paths are streamed, never read into memory.** The file is opened in binary mode and the
  open file object *is* the upload stream; httpx reads it in 64 KiB chunks. Only when the
  name has no audio extension are its first 64 bytes read, to sniff the format.
* **Seekable file objects upload from their current position**, not from byte 0. httpx rewinds
  an upload with ``seek(0)`` (before each render, so also on a retry), so a file that is not at
  0 is wrapped in a view whose 0 is that position and whose end is the end at prepare time.
* **Non-seekable streams** (pipes, sockets, objects with only ``read()``) are copied into a
  ``tempfile.SpooledTemporaryFile`` (kept in memory up to 8 MiB, then on disk), because a
  retry must re-send byte-identical content and such a stream can be read only once. The
  size limit is enforced while copying: at most ``max_bytes + 1`` bytes are ever read.
  Iterators/generators of bytes are not accepted, only objects with ``read()``.
* **Format**: an explicit content type wins, then the filename's extension, then the magic
  bytes. ``application/octet-stream`` counts as "no content type". An explicit type the
  endpoint lists is sent as given; a known alias of a type it lists (``audio/mp3`` for
  ``audio/mpeg``) is sent as that type; anything else is rejected. A filename extension that
  names a non-audio type (``notes.txt``) is rejected without looking at the content.
* **The uploaded filename is a basename that always carries an audio extension** (the API
  identifies formats by it): ``recording`` becomes ``recording.wav`` once sniffed, and raw
  bytes are named ``audio.<ext>``.
* :meth:`PreparedFile.close` closes only what :func:`prepare_file` opened (path files and
  spools), never a file object the caller passed in.

What each endpoint accepts, and the size/format/content-type checks, are in ``_upload_rules``.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import stat
import tempfile
from dataclasses import replace
from types import TracebackType
from typing import IO, TYPE_CHECKING, Final, TypeAlias, cast

from ._audio_formats import (
    SNIFF_BYTES,
    wav_duration,
)
from ._upload_rules import (
    MIB,
    TRANSCRIPTION_UPLOADS,
    TRANSLATION_UPLOADS,
    VOICE_CONSENT_UPLOADS,
    VOICE_SAMPLE_UPLOADS,
    UploadRule,
    check_size,
    mib,
    resolve_format,
)
from .errors import InvalidArgumentError, InvalidArgumentTypeError

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "SPOOL_MEMORY_BYTES",
    "TRANSCRIPTION_UPLOADS",
    "TRANSLATION_UPLOADS",
    "VOICE_CONSENT_UPLOADS",
    "VOICE_SAMPLE_UPLOADS",
    "FileInput",
    "PreparedFile",
    "UploadRule",
    "audio_data_url",
    "may_block",
    "prepare_file",
    "wav_duration",
]

FileInput: TypeAlias = (
    str
    | os.PathLike[str]
    | bytes
    | IO[bytes]
    | tuple[str, bytes | IO[bytes]]
    | tuple[str, bytes | IO[bytes], str]
)

#: Non-seekable streams are buffered in memory up to this size, then on disk.
SPOOL_MEMORY_BYTES: Final = 8 * MIB
_CHUNK: Final = 64 * 1024
_ACCEPTED_KINDS: Final = (
    "a path (str or os.PathLike), bytes, a binary file object, "
    "or a (filename, content) / (filename, content, content_type) tuple"
)


class PreparedFile:
    """A validated upload: a context manager around a seekable stream positioned at its start."""

    __slots__ = ("_owns_stream", "content_type", "name", "size", "stream")

    name: str
    content_type: str
    size: int | None
    stream: IO[bytes]

    def __init__(
        self, *, name: str, content_type: str, size: int | None, stream: IO[bytes], owns_stream: bool
    ) -> None:
        self.name = name
        self.content_type = content_type
        self.size = size
        self.stream = stream
        self._owns_stream = owns_stream

    def __repr__(self) -> str:
        return f"PreparedFile(name={self.name!r}, content_type={self.content_type!r}, size={self.size!r})"

    def to_httpx(self) -> tuple[str, IO[bytes], str]:
        """``(filename, stream, content_type)``, the tuple form httpx's ``files=`` takes."""
        return (self.name, self.stream, self.content_type)

    def read_all(self) -> bytes:
        """The whole upload, read from its start; the stream is rewound afterwards."""
        self.stream.seek(0)
        try:
            return self.stream.read()
        finally:
            self.stream.seek(0)

    def close(self) -> None:
        """Close the stream if :func:`prepare_file` opened it; a caller's file stays open."""
        if self._owns_stream:
            self.stream.close()

    def __enter__(self) -> PreparedFile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _Window(io.RawIOBase):
    """A read-only view of ``raw`` from ``start`` for ``length`` bytes; its position 0 is ``start``.

    It has no ``fileno()`` on purpose: httpx would otherwise take the length of the whole
    underlying file (and a SpooledTemporaryFile would be rolled over to disk).
    """

    def __init__(self, raw: IO[bytes], start: int, length: int, *, owns: bool) -> None:
        super().__init__()
        self._raw = raw
        self._start = start
        self._length = length
        self._pos = 0
        self._owns = owns

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        self._check_open()
        if whence == os.SEEK_SET:
            position = offset
        elif whence == os.SEEK_CUR:
            position = self._pos + offset
        elif whence == os.SEEK_END:
            position = self._length + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._pos = position
        return position

    def read(self, size: int | None = -1, /) -> bytes:
        self._check_open()
        remaining = self._length - self._pos
        if remaining <= 0 or size == 0:
            return b""
        if size is None or size < 0:
            return self.readall()
        # Seek every time: the caller may have moved the underlying file in between.
        self._raw.seek(self._start + self._pos)
        data = self._raw.read(min(size, remaining))
        self._pos += len(data)
        return data

    def readall(self) -> bytes:
        parts: list[bytes] = []
        while chunk := self.read(_CHUNK):
            parts.append(chunk)
        return b"".join(parts)

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed and self._owns:
            self._raw.close()
        super().close()

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")


def prepare_file(value: FileInput, *, argument: str, rule: UploadRule) -> PreparedFile:
    """Validate ``value`` against ``rule`` and make it uploadable; see the module docstring.

    Raises :class:`InvalidArgumentTypeError` for inputs of the wrong kind (including text-mode
    files) and :class:`InvalidArgumentError` for missing files, empty or oversized content,
    and formats the endpoint does not accept.
    """
    prepared = _prepare(value, argument, rule)
    try:
        # The name travels in a multipart header as UTF-8: a lone surrogate (e.g. from an
        # undecodable file name) would make httpx fail in the middle of the request.
        prepared.name.encode("utf-8")
    except UnicodeEncodeError:
        prepared.close()
        raise InvalidArgumentError(
            argument, f"the file name {prepared.name!r} is not valid Unicode text"
        ) from None
    return prepared


def may_block(value: object) -> bool:
    """Whether preparing ``value`` may wait on a disk or a pipe: anything but bytes in memory.

    The async client prepares such inputs on a worker thread, never on the event loop.
    """
    if isinstance(value, tuple) and len(value) > 1:
        value = value[1]
    return not isinstance(value, bytes | bytearray | memoryview | io.BytesIO)


def _prepare(value: FileInput, argument: str, rule: UploadRule) -> PreparedFile:
    if isinstance(value, str | os.PathLike):
        return _from_path(value, argument, rule)
    if isinstance(value, bytes | bytearray | memoryview):
        return _from_bytes(value, argument, rule, name=None, content_type=None)
    if isinstance(value, tuple):
        return _from_tuple(value, argument, rule)
    if _is_reader(value, argument):
        name = getattr(value, "name", None)  # a str for open()ed files; an int fd or None otherwise
        name = name if isinstance(name, str) else None
        return _from_file(value, argument, rule, name=name, content_type=None)
    raise InvalidArgumentTypeError(argument, f"expected {_ACCEPTED_KINDS}; got {type(value).__name__}")


def audio_data_url(
    value: FileInput,
    *,
    argument: str,
    max_bytes: int = 10 * MIB,
    min_seconds: float | None = 2.0,
    max_seconds: float | None = 10.0,
) -> str:
    """``data:<mime>;base64,...`` for a short audio clip, e.g. a known-speaker reference.

    The size limit is checked before the content is read whole (for non-seekable streams,
    while reading). Duration bounds are checked when the duration can be read from the
    header (WAV); other formats are passed on for the server to judge.
    """
    rule = replace(TRANSCRIPTION_UPLOADS, max_bytes=max_bytes)
    with prepare_file(value, argument=argument, rule=rule) as prepared:
        data = prepared.read_all()
        content_type = prepared.content_type
    seconds = wav_duration(data)
    if seconds is not None:
        if min_seconds is not None and seconds < min_seconds:
            raise InvalidArgumentError(
                argument, f"the audio is {seconds:.2f} s long; it must be at least {min_seconds:g} s"
            )
        if max_seconds is not None and seconds > max_seconds:
            raise InvalidArgumentError(
                argument, f"the audio is {seconds:.2f} s long; it must be at most {max_seconds:g} s"
            )
    mime = content_type.split(";", 1)[0].strip().lower()
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# -- input kinds --------------------------------------------------------------------------------


def _from_path(value: str | os.PathLike[str], argument: str, rule: UploadRule) -> PreparedFile:
    path = os.fsdecode(os.fspath(value))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InvalidArgumentError(argument, f"no such file: {path!r}") from None
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL byte
        raise InvalidArgumentError(argument, f"cannot access {path!r}: {_reason(exc)}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InvalidArgumentError(argument, f"{path!r} is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        # Opening a FIFO would block; devices and sockets are not files to upload.
        raise InvalidArgumentError(argument, f"{path!r} is not a regular file")
    check_size(argument, rule, info.st_size, path=path)
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed by PreparedFile.close or below
    except OSError as exc:
        raise InvalidArgumentError(argument, f"cannot open {path!r}: {_reason(exc)}") from exc
    try:
        head = functools.partial(_peek, stream, argument)  # read only if the name does not tell
        name, content_type = resolve_format(
            argument, rule, name=os.path.basename(path), content_type=None, head=head
        )
    except BaseException:
        stream.close()
        raise
    return PreparedFile(
        name=name, content_type=content_type, size=info.st_size, stream=stream, owns_stream=True
    )


def _from_bytes(
    value: bytes | bytearray | memoryview,
    argument: str,
    rule: UploadRule,
    *,
    name: str | None,
    content_type: str | None,
) -> PreparedFile:
    data = value if isinstance(value, bytes) else bytes(value)  # BytesIO(bytes) shares, not copies
    check_size(argument, rule, len(data))
    name, content_type = resolve_format(
        argument, rule, name=name, content_type=content_type, head=lambda: data[:SNIFF_BYTES]
    )
    return PreparedFile(
        name=name, content_type=content_type, size=len(data), stream=io.BytesIO(data), owns_stream=True
    )


def _from_tuple(value: tuple[object, ...], argument: str, rule: UploadRule) -> PreparedFile:
    if len(value) not in (2, 3):
        raise InvalidArgumentTypeError(
            argument,
            "a file tuple is (filename, content) or (filename, content, content_type); "
            f"got {len(value)} items",
        )
    filename, content = value[0], value[1]
    content_type = value[2] if len(value) == 3 else None
    if not isinstance(filename, str):
        raise InvalidArgumentTypeError(argument, f"the filename must be a str, not {type(filename).__name__}")
    name = _basename(filename)
    if not name:
        raise InvalidArgumentError(argument, f"the filename must not be empty; got {filename!r}")
    if content_type is not None and not isinstance(content_type, str):
        raise InvalidArgumentTypeError(
            argument, f"the content type must be a str, not {type(content_type).__name__}"
        )
    if isinstance(content, bytes | bytearray | memoryview):
        return _from_bytes(content, argument, rule, name=name, content_type=content_type)
    if _is_reader(content, argument):
        return _from_file(cast(IO[bytes], content), argument, rule, name=name, content_type=content_type)
    raise InvalidArgumentTypeError(
        argument,
        f"the content of a file tuple must be bytes or a binary file object, not {type(content).__name__}",
    )


def _from_file(
    value: IO[bytes], argument: str, rule: UploadRule, *, name: str | None, content_type: str | None
) -> PreparedFile:
    if getattr(value, "closed", False) is True:
        raise InvalidArgumentError(argument, "the file is closed")
    readable = getattr(value, "readable", None)
    if callable(readable) and not readable():
        raise InvalidArgumentError(argument, "the file is not open for reading")

    stream: IO[bytes]
    span = _span(value)
    if span is not None:
        start, size = span
        check_size(argument, rule, size)
        # httpx seeks to 0 before sending; only a file already there can be used as is. A
        # SpooledTemporaryFile is wrapped too, so that httpx's fileno() probe cannot roll it to disk.
        if start == 0 and not isinstance(value, tempfile.SpooledTemporaryFile):
            stream, owns = value, False
        else:
            stream, owns = cast(IO[bytes], _Window(value, start, size, owns=False)), True
    else:
        stream, size = _spool(value, argument, rule)
        owns = True
        if size == 0:
            stream.close()
            check_size(argument, rule, size)
    try:
        head = _peek(stream, argument)  # also proves the file yields bytes, not str
        resolved_name, resolved_type = resolve_format(
            argument,
            rule,
            name=_basename(name) if name else None,
            content_type=content_type,
            head=lambda: head,
        )
    except BaseException:
        if owns:
            stream.close()
        raise
    return PreparedFile(
        name=resolved_name, content_type=resolved_type, size=size, stream=stream, owns_stream=owns
    )


def _is_reader(value: object, argument: str) -> bool:
    """Whether ``value`` is a binary file object; a text-mode one is a type error."""
    if isinstance(value, io.TextIOBase):
        raise InvalidArgumentTypeError(argument, "the file is open in text mode; open it with 'rb'")
    if not callable(getattr(value, "read", None)):
        return False
    mode = getattr(value, "mode", None)
    if isinstance(mode, str) and "b" not in mode:  # gzip.GzipFile has an int mode: ignore those
        raise InvalidArgumentTypeError(
            argument, f"the file is open in text mode ({mode!r}); open it with 'rb'"
        )
    return True


def _span(value: IO[bytes]) -> tuple[int, int] | None:
    """``(position, bytes from there to the end)`` of a seekable file, None if it cannot seek."""
    probe = getattr(value, "seekable", None)
    try:
        if not (callable(probe) and probe()):
            return None
        start = value.tell()
        end = value.seek(0, os.SEEK_END)
        value.seek(start)
    except (OSError, ValueError, AttributeError):
        return None
    return start, max(0, end - start)


def _spool(value: IO[bytes], argument: str, rule: UploadRule) -> tuple[IO[bytes], int]:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 - owned by the result
    limit = rule.max_bytes
    total = 0
    try:
        while True:
            # Never read more than one byte past the limit: that byte alone proves "too large".
            want = _CHUNK if limit is None else min(_CHUNK, limit + 1 - total)
            chunk = value.read(want)
            if chunk is None:  # a non-blocking raw stream with nothing ready
                raise InvalidArgumentError(
                    argument, "the stream is non-blocking and had no data ready; pass a blocking stream"
                )
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise InvalidArgumentTypeError(
                    argument, f"the file yields {type(chunk).__name__}, not bytes; open it with 'rb'"
                )
            if not chunk:
                break
            spool.write(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                raise InvalidArgumentError(
                    argument, f"the stream is larger than {mib(limit)}, the most {rule.endpoint} accepts"
                )
    except BaseException:
        spool.close()
        raise
    return cast(IO[bytes], _Window(cast(IO[bytes], spool), 0, total, owns=True)), total


def _peek(stream: IO[bytes], argument: str) -> bytes:
    """The first bytes from the current position, which is restored."""
    position = stream.tell()
    parts: list[bytes] = []
    wanted = SNIFF_BYTES
    while wanted > 0:
        chunk = stream.read(wanted)
        if not chunk:
            break
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise InvalidArgumentTypeError(
                argument, f"the file yields {type(chunk).__name__}, not bytes; open it with 'rb'"
            )
        parts.append(bytes(chunk))
        wanted -= len(chunk)
    stream.seek(position)
    return b"".join(parts)


def _basename(name: str) -> str:
    # Both separators: a filename from a Windows client is still just a name here.
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
