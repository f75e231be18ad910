"""Long-recording benchmark: an hour of the local server's speech as WAV and mp3, split and sent.

    .venv/bin/python scripts/bench_long.py --minutes 60     # prints JSON figures
    (scripts/bench.py runs it as its "long" benchmark and writes the section of BENCHMARKS.md)

The recording is the server's own synthetic speech (a different sentence every time, so every
chunk's text differs), written to disk as a stream. The mp3 is encoded from it with PyAV at
128 kbit/s (about 57 MB an hour, like a meeting recording). The server runs in its own process
and simulates processing time proportional to each chunk's duration, so the wall time shows
what concurrency buys.

Every measurement runs in a fresh interpreter (``child`` mode): wall time of
``transcriptions.create`` at the default concurrency (4) and one chunk at a time, peak RSS
growth during the call (the high-water mark reset just before it, after imports), and the
splitter's own throughput (``split_if_needed`` alone, no network). The official SDK gets the
same file once: it sends it whole and the server answers 413.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))
MIB = 1024 * 1024
MODEL = "gpt-4o-transcribe"  # 1500 s and 25 MB: both limits in play
#: Simulated processing speed of the server (× real time): OpenAI's is of this order.
SPEED = 30.0


def write_speech_wav(path: Path, minutes: float) -> float:
    """Server speech of about ``minutes`` as a 24 kHz mono WAV; its duration in seconds."""
    from openai_audio.testing import _audio

    words = ("amber", "river", "quiet", "signal", "harbor", "lantern", "meadow", "copper", "orbit", "velvet")
    sentence = " ".join(words) + ". "
    chars = int(minutes * 60 / (_audio.MS_PER_CHAR / 1000))
    text = (sentence * (chars // len(sentence) + 1))[:chars]
    with path.open("wb") as out:
        for chunk in _audio.speech_chunks("wav", text, 1.0):
            out.write(chunk)
    return len(text) * _audio.MS_PER_CHAR / 1000


def encode_mp3(wav: Path, mp3: Path, *, repeat_after: float = 300.0) -> None:
    """128 kbit/s mp3 of ``wav``: the first ``repeat_after`` seconds encoded (libmp3lame is slow),
    then their frames repeated to the full length (a bare frame stream: no Xing or ID3 header,
    so every reader takes the duration from the frames themselves)."""
    import io

    import av

    encoded = io.BytesIO()
    with av.open(str(wav)) as source:
        total = float(source.duration or 0) / 1_000_000
        with av.open(encoded, "w", format="mp3", options={"write_xing": "0", "id3v2_version": "0"}) as output:
            stream = output.add_stream("libmp3lame", rate=24_000, layout="mono")
            stream.bit_rate = 128_000
            for frame in source.decode(audio=0):
                if frame.time is not None and frame.time >= repeat_after:
                    break
                frame.pts = None
                for packet in stream.encode(frame):
                    output.mux(packet)
            for packet in stream.encode(None):
                output.mux(packet)
    block = encoded.getvalue()
    with mp3.open("wb") as out:
        for _ in range(max(1, round(total / repeat_after))):
            out.write(block)


# -- the measurements, each in a fresh interpreter -------------------------------------------------


def child(params: dict[str, Any]) -> dict[str, Any]:
    from bench_workloads import PeakRSS

    kind = params["kind"]
    path = params["path"]
    if kind == "split":
        from openai_audio._files import TRANSCRIPTION_UPLOADS, prepare_file
        from openai_audio._long_recordings import model_limits, split_if_needed

        if path.endswith(".mp3"):
            import av  # imported before the measurement, as an app would have it

            del av

        with PeakRSS() as peak:
            started = time.perf_counter()
            with prepare_file(path, argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
                recording = split_if_needed(
                    prepared, model_limits(MODEL, max_duration=params["max_duration"])
                )
                assert recording is not None
                chunks = len(recording.chunks)
                recording.close()
            elapsed = time.perf_counter() - started
        size = Path(path).stat().st_size
        return {"seconds": elapsed, "mb_per_s": size / 1e6 / elapsed, "chunks": chunks, "rss_mib": peak.mib}
    if kind == "ours":
        from openai_audio import AudioClient

        if path.endswith(".mp3"):
            import av

            del av

        with AudioClient(base_url=params["base"], api_key=params["key"], timeout=600) as client:
            # One request first: the client's pacer sends its very first request alone (to learn
            # the rate limit), a one-off cost that is not what this benchmark measures.
            client.voice_consents.list(limit=1)
            with PeakRSS() as peak:
                started = time.perf_counter()
                result = client.transcriptions.create(
                    path,
                    model=MODEL,
                    response_format="json",
                    max_concurrency=params["concurrency"],
                    max_duration=params["max_duration"],
                )
                elapsed = time.perf_counter() - started
        return {"seconds": elapsed, "rss_mib": peak.mib, "characters": len(result.text)}
    if kind == "sdk":
        import openai

        sdk = openai.OpenAI(base_url=params["base"], api_key=params["key"], max_retries=0, timeout=600)
        started = time.perf_counter()
        try:
            with open(path, "rb") as f:
                sdk.audio.transcriptions.create(file=f, model=MODEL)
            outcome = "200 OK"
        except openai.APIStatusError as exc:
            outcome = f"{exc.status_code} {type(exc).__name__}"
        return {"seconds": time.perf_counter() - started, "outcome": outcome}
    raise SystemExit(f"unknown kind {kind}")


def run_child(params: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "child", json.dumps(params)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"long-recording child {params['kind']} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def server_process(speed: float) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPTS / "bench_server.py"), "--processing-speed", str(speed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    base, key = proc.stdout.readline().strip(), proc.stdout.readline().strip()
    if not base.startswith("http"):
        proc.kill()
        raise RuntimeError("the benchmark server did not start")
    return proc, base, key


def measure(
    minutes: float, speed: float, tmp: Path, *, max_duration: float | None = None, log: Any = print
) -> dict[str, Any]:
    """Every figure of the benchmark for an input of ``minutes``; see the module docstring."""
    wav, mp3 = tmp / "hour.wav", tmp / "hour.mp3"
    started = time.perf_counter()
    seconds = write_speech_wav(wav, minutes)
    encode_mp3(wav, mp3)
    log(f"  long recordings: made {seconds:.0f} s of speech in {time.perf_counter() - started:.0f} s")
    out: dict[str, Any] = {"minutes": minutes, "speed": speed, "audio_seconds": seconds, "files": {}}
    proc, base, key = server_process(speed)
    try:
        for path in (wav, mp3):
            figures: dict[str, Any] = {"bytes": path.stat().st_size}
            figures["split"] = run_child({"kind": "split", "path": str(path), "max_duration": max_duration})
            for concurrency in (4, 1):
                figures[f"c{concurrency}"] = run_child(
                    {
                        "kind": "ours",
                        "path": str(path),
                        "base": base,
                        "key": key,
                        "concurrency": concurrency,
                        "max_duration": max_duration,
                    }
                )
            figures["sdk"] = run_child({"kind": "sdk", "path": str(path), "base": base, "key": key})
            out["files"][path.suffix.lstrip(".")] = figures
            log(f"  long recordings: {path.name}: {json.dumps(figures)}")
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "child":
        print(json.dumps(child(json.loads(args[1]))))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--speed", type=float, default=SPEED, help="simulated processing speed (x real time)")
    parser.add_argument(
        "--max-duration", type=float, default=None, help="seconds per chunk (default: the model's)"
    )
    parsed = parser.parse_args(args)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="openai-audio-long-") as tmp:
        print(
            json.dumps(
                measure(
                    parsed.minutes,
                    parsed.speed,
                    Path(tmp),
                    max_duration=parsed.max_duration,
                    log=lambda m: print(m, file=sys.stderr),
                ),
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
