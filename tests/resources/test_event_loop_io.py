"""The async client does its disk work on worker threads, never on the event loop's thread; the
sync client does it in the caller's thread (no threads added to the sync path).

No timing: every file operation on the test's files is recorded with the thread that ran it.
"""

from __future__ import annotations

import builtins
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trio

from openai_audio import AsyncAudioClient, AudioClient
from openai_audio._atomic import AtomicFile
from openai_audio.testing import AudioServer

from .conftest import make_wav


class DiskSpy:
    """Which thread ran each file operation on a path below ``root`` (and every fsync)."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = str(root)
        self.calls: list[tuple[str, int]] = []
        for name in ("stat", "open", "replace", "unlink", "chmod"):
            self._watch(monkeypatch, os, name, by_path=True)
        self._watch(monkeypatch, builtins, "open", by_path=True)
        self._watch(monkeypatch, os, "fsync", by_path=False)
        self._watch(monkeypatch, AtomicFile, "write", by_path=False)

    def _watch(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, *, by_path: bool) -> None:
        original: Callable[..., Any] = getattr(owner, name)
        label = f"{getattr(owner, '__name__', owner)}.{name}"

        def spy(*args: Any, **kwargs: Any) -> Any:
            if not by_path or (args and self._ours(args[0])):
                self.calls.append((label, threading.get_ident()))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, spy)

    def _ours(self, path: object) -> bool:
        return isinstance(path, str | os.PathLike) and os.fsdecode(os.fspath(path)).startswith(self.root)

    def on(self, thread: int) -> list[str]:
        return [label for label, ident in self.calls if ident == thread]

    def labels(self) -> set[str]:
        return {label for label, _ in self.calls}


class Pipe:
    """A non-seekable stream (only ``read()``) that records the threads reading it."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.readers: set[int] = set()

    def read(self, size: int = -1) -> bytes:
        self.readers.add(threading.get_ident())
        size = len(self._data) if size < 0 else size
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


@pytest.fixture
def spy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DiskSpy:
    return DiskSpy(tmp_path, monkeypatch)


@pytest.fixture
def wav(tmp_path: Path, speech_wav: bytes) -> Path:
    path = tmp_path / "speech.wav"
    path.write_bytes(speech_wav)
    return path


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "agent.wav"
    path.write_bytes(make_wav(3.0))
    return path


async def test_uploads_from_paths_are_opened_off_the_loop(
    aclient: AsyncAudioClient, spy: DiskSpy, wav: Path, clip: Path
) -> None:
    loop = threading.get_ident()
    diarized = await aclient.transcriptions.create(
        wav,
        model="gpt-4o-transcribe-diarize",
        response_format="diarized_json",
        known_speakers={"agent": clip},
    )
    translation = await aclient.translations.create(wav)
    consent = await aclient.voice_consents.create(name="Ada", recording=wav, language="en-US")
    voice = await aclient.voices.create(name="Ada", audio_sample=wav, consent=consent)

    assert diarized.text and translation.text and voice.id
    assert {"os.stat", "builtins.open"} <= spy.labels()
    assert len([label for label, _ in spy.calls if label == "builtins.open"]) >= 5  # 4 uploads + the clip
    assert spy.on(loop) == []


async def test_a_stream_opens_its_upload_off_the_loop(
    aclient: AsyncAudioClient, spy: DiskSpy, wav: Path
) -> None:
    loop = threading.get_ident()
    stream = aclient.transcriptions.stream(wav)
    assert spy.calls == []  # the file is opened when the stream is entered
    async with stream as events:
        texts = [event.text async for event in events if event.type == "transcript.text.done"]
    assert texts and texts[0]
    assert "builtins.open" in spy.labels()
    assert spy.on(loop) == []


async def test_a_stream_never_entered_opens_nothing(
    aclient: AsyncAudioClient, spy: DiskSpy, wav: Path
) -> None:
    await aclient.transcriptions.stream(wav).close()
    assert spy.calls == []


async def test_non_seekable_streams_are_spooled_off_the_loop(
    aclient: AsyncAudioClient, speech_wav: bytes
) -> None:
    loop = threading.get_ident()
    pipe = Pipe(speech_wav)
    result = await aclient.transcriptions.create(("speech.wav", pipe))  # type: ignore[arg-type]
    assert result.text
    assert pipe.readers
    assert loop not in pipe.readers


async def test_speech_save_writes_fsyncs_and_renames_off_the_loop(
    aclient: AsyncAudioClient, spy: DiskSpy, tmp_path: Path
) -> None:
    loop = threading.get_ident()
    target = tmp_path / "hello.wav"
    saved = await aclient.speech.save("Hello, disk.", target, voice="alloy")
    assert saved == target
    assert target.read_bytes()[:4] == b"RIFF"
    assert {"os.open", "AtomicFile.write", "os.fsync", "os.replace"} <= spy.labels()
    assert spy.on(loop) == []


def test_under_trio_too(server: AudioServer, spy: DiskSpy, tmp_path: Path) -> None:
    threads: list[int] = []

    async def main() -> str:
        threads.append(threading.get_ident())
        async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key) as client:
            saved = await client.speech.save("Hello from trio.", tmp_path / "trio.wav", voice="alloy")
            return (await client.transcriptions.create(saved)).text

    assert trio.run(main)
    assert {"os.fsync", "os.replace", "builtins.open"} <= spy.labels()
    assert spy.on(threads[0]) == []


def test_the_sync_client_works_in_the_callers_thread(
    client: AudioClient, spy: DiskSpy, wav: Path, tmp_path: Path
) -> None:
    caller = threading.get_ident()
    before = threading.active_count()
    client.speech.save("Hello, disk.", tmp_path / "sync.wav", voice="alloy")
    client.transcriptions.create(wav)
    assert {"os.open", "AtomicFile.write", "os.fsync", "os.replace", "builtins.open"} <= spy.labels()
    assert {ident for _, ident in spy.calls} == {caller}
    assert threading.active_count() == before


@pytest.fixture(autouse=True)
def _no_leftovers(tmp_path: Path) -> Iterator[None]:
    yield
    assert not list(tmp_path.rglob("*.part")), "no temporary file outlives a call"
