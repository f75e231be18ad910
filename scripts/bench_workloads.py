"""One benchmark measurement, run in a fresh interpreter: ``python bench_workloads.py NAME JSON``.

Prints a single JSON object on stdout. Each measurement gets its own process so that imports,
allocator state and peak RSS of one variant never leak into another's figures.

Only the standard library is imported at module level: the import benchmarks must start from a
clean interpreter, and every library is imported inside the workload that uses it.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import struct
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
MODEL_STT = "whisper-1"
MODEL_STREAM = "gpt-4o-transcribe"
MODEL_TTS = "gpt-4o-mini-tts"
SIZE_HEADER = "x-test-audio-bytes"
SSE_CHUNK = 64 * 1024  # what a socket read typically hands the parser


# -- memory --------------------------------------------------------------------------------------


def current_rss() -> int:
    """Resident set size in bytes (``/proc`` avoids importing psutil into the measured process)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import psutil

        return int(psutil.Process().memory_info().rss)


def _status_kib(field: str) -> int | None:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


class PeakRSS:
    """Peak RSS growth over a block: the high-water mark during it minus the RSS before it.

    Linux lets a process reset its own high-water mark (``5`` to ``/proc/self/clear_refs``), so
    the peak is exact and not masked by an earlier, higher peak (imports, warm-up). Elsewhere it
    falls back to ``ru_maxrss``, which can only show growth beyond the earlier peak.
    """

    def __enter__(self) -> PeakRSS:
        self.before = current_rss()
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.exact = _status_kib("VmHWM") is not None
        except OSError:
            self.exact = False
        self.peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return self

    def __exit__(self, *exc: object) -> None:
        hwm = _status_kib("VmHWM") if self.exact else None
        if hwm is not None:
            self.growth = max(0, hwm * 1024 - self.before)
        else:
            self.growth = max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - self.peak_before)

    @property
    def mib(self) -> float:
        return self.growth / MIB


def wav_bytes(data_size: int) -> bytes:
    return wav_header(data_size) + b"\0" * data_size


def wav_header(data_size: int, rate: int = 24_000) -> bytes:
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 4 + len(fmt) + 8 + data_size)
        + b"WAVE"
        + fmt
        + b"data"
        + struct.pack("<I", data_size)
    )


def write_wav(path: str, total_size: int) -> None:
    """A valid PCM WAV of exactly ``total_size`` bytes, written in 1 MiB blocks (never held whole)."""
    data_size = total_size - 44
    block = b"\x01\x02" * (MIB // 2)
    with open(path, "wb") as f:
        f.write(wav_header(data_size))
        left = data_size
        while left > 0:
            piece = block[: min(left, len(block))]
            f.write(piece)
            left -= len(piece)


# -- 2. per-call overhead ------------------------------------------------------------------------
#
# Per-call and paging figures compare overheads of a few percent, and this machine is shared:
# variants measured in separate processes minutes apart differ by more than that. So all variants
# of one run live in one process and take turns, block by block (the order rotating), and each
# variant's figure is the median of its blocks: a burst of load hits every variant alike.


def _interleaved(
    calls: dict[str, Callable[[], Any]], blocks: int, per_block: int, scale: float
) -> dict[str, Any]:
    samples: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for b in range(blocks):
        for name in names[b % len(names) :] + names[: b % len(names)]:
            call = calls[name]
            t0 = time.perf_counter()
            for _ in range(per_block):
                call()
            samples[name].append((time.perf_counter() - t0) / per_block * scale)
    return {name: statistics.median(values) for name, values in samples.items()}


def _sync_clients(base: str, key: str) -> tuple[Any, Any, Any]:
    import httpx
    import openai

    from openai_audio import AudioClient

    return (
        AudioClient(base_url=base, api_key=key),
        httpx.Client(base_url=base + "/", headers={"Authorization": f"Bearer {key}"}),
        openai.OpenAI(base_url=base, api_key=key),
    )


def bench_call(p: dict[str, Any]) -> dict[str, Any]:
    """µs per sequential ``retrieve`` for each variant."""
    from openai_audio_api.api.audio import get_voice_consent

    base, key, cid = p["base_url"], p["api_key"], p["consent_id"]
    facade, http, sdk = _sync_clients(base, key)
    raw, url = facade.raw, f"audio/voice_consents/{cid}"
    calls: dict[str, Callable[[], Any]] = {
        "facade": lambda: facade.voice_consents.retrieve(cid),
        "generated": lambda: get_voice_consent.sync(client=raw, consent_id=cid),
        "httpx": lambda: http.get(url).json(),
        "openai": lambda: sdk.audio.voice_consents.retrieve(cid),
    }
    for call in calls.values():
        for _ in range(p["warmup"]):
            call()
    blocks = p["blocks"]
    return _interleaved(calls, blocks, max(1, p["n"] // blocks), 1e6)


def bench_async_call(p: dict[str, Any]) -> dict[str, Any]:
    """µs of wall time per call, ``concurrency`` calls at a time (asyncio.gather), per variant."""
    import asyncio

    import httpx
    import openai

    from openai_audio import AsyncAudioClient

    base, key, cid = p["base_url"], p["api_key"], p["consent_id"]
    concurrency, batches = p["concurrency"], p["batches"]

    async def main() -> dict[str, Any]:
        url = f"audio/voice_consents/{cid}"
        async with (
            AsyncAudioClient(base_url=base, api_key=key) as facade,
            httpx.AsyncClient(base_url=base + "/", headers={"Authorization": f"Bearer {key}"}) as http,
            openai.AsyncOpenAI(base_url=base, api_key=key) as sdk,
        ):

            async def get() -> Any:
                return (await http.get(url)).json()

            calls: dict[str, Callable[[], Any]] = {
                "facade": lambda: facade.voice_consents.retrieve(cid),
                "httpx": get,
                "openai": lambda: sdk.audio.voice_consents.retrieve(cid),
            }
            samples: dict[str, list[float]] = {name: [] for name in calls}
            names = list(calls)
            for b in range(batches + 1):  # batch 0 is the warm-up that opens each pool
                for name in names[b % len(names) :] + names[: b % len(names)]:
                    call = calls[name]
                    t0 = time.perf_counter()
                    await asyncio.gather(*(call() for _ in range(concurrency)))
                    if b:
                        samples[name].append((time.perf_counter() - t0) / concurrency * 1e6)
            return {name: statistics.median(values) for name, values in samples.items()}

    return asyncio.run(main())


def bench_call_cpu(p: dict[str, Any]) -> dict[str, Any]:
    """Client-side µs per ``retrieve`` with no network and no server (``MockTransport``).

    The same JSON answer for every library: what is left is each client's own work, free of the
    loopback and server noise that dominates the over-the-wire figure.
    """
    import httpx
    import httpx2
    import openai

    from openai_audio import AudioClient
    from openai_audio_api.api.audio import get_voice_consent

    cid = "cons_0123456789abcdef01234567"
    body = json.dumps(
        {"object": "audio.voice_consent", "id": cid, "name": "bench", "language": "en", "created_at": 1}
    ).encode()
    headers = {"content-type": "application/json"}
    base = "http://bench.localhost/v1"
    mock = httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))
    mock2 = httpx2.MockTransport(lambda request: httpx2.Response(200, content=body, headers=headers))
    facade = AudioClient(base_url=base, api_key="sk-bench", http_client=httpx.Client(transport=mock))
    http = httpx.Client(base_url=base + "/", headers={"Authorization": "Bearer sk-bench"}, transport=mock)
    sdk = openai.OpenAI(base_url=base, api_key="sk-bench", http_client=httpx2.Client(transport=mock2))
    raw, url = facade.raw, f"audio/voice_consents/{cid}"
    calls: dict[str, Callable[[], Any]] = {
        "facade": lambda: facade.voice_consents.retrieve(cid),
        "generated": lambda: get_voice_consent.sync(client=raw, consent_id=cid),
        "httpx": lambda: http.get(url).json(),
        "openai": lambda: sdk.audio.voice_consents.retrieve(cid),
    }
    for call in calls.values():
        for _ in range(200):
            call()
    blocks = p["blocks"]
    return _interleaved(calls, blocks, max(1, p["n"] // blocks), 1e6)


# -- 3. upload -----------------------------------------------------------------------------------


def bench_upload(p: dict[str, Any]) -> dict[str, Any]:
    base, key, path, variant = p["base_url"], p["api_key"], p["path"], p["variant"]
    size = os.path.getsize(path)
    small = p["warm_path"]  # a tiny upload first, so lazy imports are not counted as growth
    if variant == "facade":
        from openai_audio import AudioClient

        client = AudioClient(base_url=base, api_key=key)

        def upload(f: str) -> str:
            return client.transcriptions.create(f, model=MODEL_STT, response_format="json").text

    elif variant == "openai":
        import openai

        sdk = openai.OpenAI(base_url=base, api_key=key)

        def upload(f: str) -> str:
            return sdk.audio.transcriptions.create(file=Path(f), model=MODEL_STT).text

    elif variant == "httpx":
        import httpx

        http = httpx.Client(base_url=base + "/", headers={"Authorization": f"Bearer {key}"}, timeout=600)

        def upload(f: str) -> str:
            with open(f, "rb") as fh:
                response = http.post(
                    "audio/transcriptions",
                    files={"file": (os.path.basename(f), fh, "audio/wav")},
                    data={"model": MODEL_STT, "response_format": "json"},
                )
            response.raise_for_status()
            text: str = response.json()["text"]
            return text

    else:
        raise ValueError(variant)
    upload(small)
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        text = upload(path)
        seconds = time.perf_counter() - t0
    assert text, "empty transcript"
    return {"value": rss.mib, "mib_s": size / MIB / seconds, "seconds": seconds}


# -- 4. download ---------------------------------------------------------------------------------


def bench_download(p: dict[str, Any]) -> dict[str, Any]:
    base, key, size, variant = p["base_url"], p["api_key"], p["size"], p["variant"]
    out = Path(p["dir"]) / f"speech-{variant}-{os.getpid()}.mp3"
    headers = {SIZE_HEADER: str(size)}
    warm = {SIZE_HEADER: "65536"}
    if variant == "facade":
        from openai_audio import AudioClient

        client = AudioClient(base_url=base, api_key=key, default_headers=headers)
        warm_client = AudioClient(base_url=base, api_key=key, default_headers=warm)

        def download(big: bool) -> None:
            (client if big else warm_client).speech.save("benchmark", out, voice="alloy", model=MODEL_TTS)

    elif variant in ("httpx", "httpx_fsync"):
        import httpx

        http = httpx.Client(base_url=base + "/", headers={"Authorization": f"Bearer {key}"}, timeout=600)
        body = {"model": MODEL_TTS, "input": "benchmark", "voice": "alloy", "response_format": "mp3"}

        def download(big: bool) -> None:
            with (
                http.stream("POST", "audio/speech", json=body, headers=headers if big else warm) as r,
                open(out, "wb") as f,
            ):
                r.raise_for_status()
                for chunk in r.iter_bytes():
                    f.write(chunk)
                if variant == "httpx_fsync":  # the durability speech.save() promises
                    f.flush()
                    os.fsync(f.fileno())

    elif variant == "openai":
        import openai

        sdk = openai.OpenAI(base_url=base, api_key=key)
        speech = sdk.audio.speech.with_streaming_response

        def download(big: bool) -> None:
            with speech.create(
                model=MODEL_TTS, input="benchmark", voice="alloy", extra_headers=headers if big else warm
            ) as r:
                r.stream_to_file(out)

    else:
        raise ValueError(variant)
    try:
        download(False)
        with PeakRSS() as rss:
            t0 = time.perf_counter()
            download(True)
            seconds = time.perf_counter() - t0
        got = out.stat().st_size
    finally:
        out.unlink(missing_ok=True)
    assert got == size, f"downloaded {got} bytes, expected {size}"
    return {"value": size / MIB / seconds, "rss_mib": rss.mib, "seconds": seconds}


# -- 5. pagination -------------------------------------------------------------------------------


def bench_pager(p: dict[str, Any]) -> dict[str, Any]:
    """ms to walk every consent (limit 100), per variant, interleaved like the per-call figures."""
    base, key, expected = p["base_url"], p["api_key"], p["expected"]
    facade, http, sdk = _sync_clients(base, key)

    def walk_httpx() -> int:
        count, params = 0, {"limit": 100}
        while True:
            page = http.get("audio/voice_consents", params=params).json()
            count += len(page["data"])
            if not page["has_more"]:
                return count
            params = {"limit": 100, "after": page["last_id"]}

    walks: dict[str, Callable[[], int]] = {
        "facade": lambda: sum(1 for _ in facade.voice_consents.iter(limit=100)),
        "httpx": walk_httpx,
        "openai": lambda: sum(1 for _ in sdk.audio.voice_consents.list(limit=100)),
    }
    for name, walk in walks.items():  # warm-up, and a check: every consent, once
        listed = walk()
        assert listed == expected, f"{name} listed {listed} consents, expected {expected}"
    return _interleaved(walks, p["walks"], 1, 1e3)


# -- 6. SSE parsing ------------------------------------------------------------------------------


def sse_body(events: int) -> bytes:
    """``events`` transcript deltas as OpenAI sends them (``data:`` lines only), then the done event."""
    words = ("amber ", "river ", "quiet ", "signal ", "harbor ", "lantern ", "meadow ", "copper ")
    lines = [
        b'data: {"type":"transcript.text.delta","delta":"%s"}\n\n' % words[i % len(words)].encode()
        for i in range(events)
    ]
    done = {"type": "transcript.text.done", "text": "amber river", "usage": None}
    done_json = json.dumps({k: v for k, v in done.items() if v is not None})
    lines.append(f"data: {done_json}\n\n".encode())
    return b"".join(lines)


def _chunks(body: bytes) -> Iterator[bytes]:
    for i in range(0, len(body), SSE_CHUNK):
        yield body[i : i + SSE_CHUNK]


def bench_sse(p: dict[str, Any]) -> dict[str, Any]:
    events, variant, audio = p["events"], p["variant"], p["audio_path"]
    body = sse_body(events)
    headers = {"content-type": "text/event-stream"}
    if variant == "facade":
        import httpx

        from openai_audio import AudioClient, TranscriptTextDeltaEvent

        class Body(httpx.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                return _chunks(body)

        def handler(request: httpx.Request) -> httpx.Response:
            request.read()
            return httpx.Response(200, headers=headers, stream=Body())

        client = AudioClient(
            base_url="http://bench.localhost/v1",
            api_key="sk-bench",
            http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        )

        def parse() -> int:
            with client.transcriptions.stream(audio, model=MODEL_STREAM) as stream:
                return sum(1 for e in stream if isinstance(e, TranscriptTextDeltaEvent))

    elif variant == "openai":
        import httpx2
        import openai

        class Body2(httpx2.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                return _chunks(body)

        def handler2(request: httpx2.Request) -> httpx2.Response:
            request.read()
            return httpx2.Response(200, headers=headers, stream=Body2())

        sdk = openai.OpenAI(
            base_url="http://bench.localhost/v1",
            api_key="sk-bench",
            http_client=httpx2.Client(transport=httpx2.MockTransport(handler2)),
        )

        def parse() -> int:
            stream = sdk.audio.transcriptions.create(file=Path(audio), model=MODEL_STREAM, stream=True)
            return sum(1 for e in stream if e.type == "transcript.text.delta")

    else:
        raise ValueError(variant)
    parse()  # warm-up
    t0 = time.perf_counter()
    count = parse()
    seconds = time.perf_counter() - t0
    assert count == events, f"{variant} parsed {count} delta events, expected {events}"
    return {"value": events / seconds}


WORKLOADS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "call": bench_call,
    "async_call": bench_async_call,
    "call_cpu": bench_call_cpu,
    "upload": bench_upload,
    "download": bench_download,
    "pager": bench_pager,
    "sse": bench_sse,
}


def main() -> int:
    name, params = sys.argv[1], json.loads(sys.argv[2])
    result = WORKLOADS[name](params)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
