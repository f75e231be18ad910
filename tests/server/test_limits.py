"""OpenAI's limits on transcriptions and translations, and simulated processing time."""

from __future__ import annotations

import io
import subprocess
import sys
import wave
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from server_helpers import sse_events

from openai_audio._capabilities import MAX_UPLOAD_BYTES
from openai_audio.testing import AudioServer
from openai_audio.testing._processing import parse_speed


def _silence_wav(seconds: float, rate: int = 1000) -> bytes:
    """Long but small: 8-bit samples at 1 kHz (the duration comes from the samples)."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(b"\x80" * round(seconds * rate))
    return buf.getvalue()


def _post(client: httpx.Client, audio: bytes, model: str, endpoint: str = "transcriptions") -> httpx.Response:
    return client.post(
        f"/audio/{endpoint}", files={"file": ("long.wav", audio, "audio/wav")}, data={"model": model}
    )


def _duration_error(seconds: str, limit: int) -> dict[str, Any]:
    return {
        "error": {
            "message": f"audio duration {seconds} seconds is longer than {limit} seconds "
            "which is the maximum for this model",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_value",
        }
    }


@pytest.mark.parametrize(
    ("model", "limit"),
    [
        ("gpt-4o-transcribe", 1500),
        ("gpt-4o-mini-transcribe", 1500),
        ("gpt-4o-mini-transcribe-2025-12-15", 1500),
        ("gpt-4o-transcribe-diarize", 1400),
    ],
)
def test_audio_longer_than_the_model_allows_is_refused_as_openai_does(
    client: httpx.Client, model: str, limit: int
) -> None:
    over = _post(client, _silence_wav(limit + 0.53), model)
    assert over.status_code == 400
    assert over.json() == _duration_error(f"{limit + 0.53:.2f}", limit)
    data = {"model": model} | ({"chunking_strategy": "auto"} if "diarize" in model else {})
    at_limit = client.post(
        "/audio/transcriptions", files={"file": ("ok.wav", _silence_wav(limit), "audio/wav")}, data=data
    )
    assert at_limit.status_code == 200, at_limit.text


def test_the_message_gives_the_duration_with_two_decimals(client: httpx.Client) -> None:
    response = _post(client, _silence_wav(1830.526), "gpt-4o-transcribe-diarize")
    assert response.json() == _duration_error("1830.53", 1400)


def test_whisper_has_no_duration_limit(client: httpx.Client) -> None:
    audio = _silence_wav(2000)
    assert _post(client, audio, "whisper-1").status_code == 200
    assert _post(client, audio, "whisper-1", endpoint="translations").status_code == 200


def _size_error(limit: int, size: int) -> dict[str, Any]:
    return {
        "error": {
            "message": f"Maximum content size limit ({limit}) exceeded ({size} bytes read)",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    }


@pytest.mark.parametrize("endpoint", ["transcriptions", "translations"])
def test_uploads_over_the_limit_get_openais_413(
    server: AudioServer, client: httpx.Client, endpoint: str
) -> None:
    server.set_upload_limit(4000)
    small = _silence_wav(1)  # 1044 bytes: the body stays under 4000
    assert _post(client, small, "whisper-1", endpoint).status_code == 200
    big = _silence_wav(4)
    response = _post(client, big, "whisper-1", endpoint)
    assert response.status_code == 413
    size = int(response.request.headers["content-length"])
    assert response.json() == _size_error(4000, size)
    assert server.requests[-1].status == 413


def test_a_chunked_upload_over_the_limit_is_judged_by_what_was_read(
    server: AudioServer, client: httpx.Client
) -> None:
    server.set_upload_limit(4000)
    boundary = "b0undary"
    audio = _silence_wav(4)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n"
        ).encode()
        + audio
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def chunks() -> Iterator[bytes]:
        yield body  # a generator: httpx sends it chunked, without a content-length

    response = client.post(
        "/audio/transcriptions",
        content=chunks(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert response.json() == _size_error(4000, len(audio))


def test_the_upload_limit_is_back_to_openais_after_reset(server: AudioServer) -> None:
    server.set_upload_limit(10)
    server.reset()
    assert server._state.max_upload_bytes == MAX_UPLOAD_BYTES == 26_214_400


def test_the_true_limit_refuses_one_byte_more_than_25_mib(client: httpx.Client) -> None:
    # One real body just over 26214400 bytes: loopback sends it in well under a second.
    envelope = len(_multipart_overhead())
    audio = b"RIFF" + bytes(MAX_UPLOAD_BYTES - envelope - 4 + 1)
    response = client.post(
        "/audio/transcriptions", files={"file": ("big.wav", audio)}, data={"model": "whisper-1"}
    )
    assert response.status_code == 413
    assert int(response.request.headers["content-length"]) == MAX_UPLOAD_BYTES + 1
    assert response.json() == _size_error(MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES + 1)


def _multipart_overhead() -> bytes:
    request = httpx.Request(
        "POST", "http://x/", files={"file": ("big.wav", b"")}, data={"model": "whisper-1"}
    )
    return request.read()


# --------------------------------------------------------------------------- processing speed


@pytest.mark.parametrize(
    ("given", "speed"),
    [
        ("30x", 30.0),
        ("30", 30.0),
        ("1.5X", 1.5),
        (" 2x ", 2.0),
        (12, 12.0),
        (None, None),
        ("off", None),
        (0, None),
    ],
)
def test_processing_speed_forms(given: str | float | None, speed: float | None) -> None:
    assert parse_speed(given) == speed


@pytest.mark.parametrize("bad", ["fast", "-3x", "x", "1e400", True])
def test_processing_speed_rejects_nonsense(bad: Any) -> None:
    with pytest.raises(ValueError, match="processing speed"):
        parse_speed(bad)


@pytest.fixture
def timed_server() -> Iterator[tuple[AudioServer, list[float]]]:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    server = AudioServer(processing_speed="30x", sleep=record).start()
    try:
        yield server, slept
    finally:
        server.stop()


def test_processing_takes_the_duration_over_the_speed(timed_server: tuple[AudioServer, list[float]]) -> None:
    server, slept = timed_server
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}) as c:
        assert _post(c, _silence_wav(60), "whisper-1").status_code == 200
        assert slept == [pytest.approx(2.0)]
        events = c.post(
            "/audio/transcriptions",
            files={"file": ("a.wav", _silence_wav(15), "audio/wav")},
            data={"model": "gpt-4o-transcribe", "stream": "true"},
        )
        assert sse_events(events.text)[-1]["type"] == "transcript.text.done"
        assert slept[-1] == pytest.approx(0.5)
        server.set_processing_speed("3x")
        _post(c, _silence_wav(6), "whisper-1", endpoint="translations")
        assert slept[-1] == pytest.approx(2.0)
        server.set_processing_speed(None)
        _post(c, _silence_wav(6), "whisper-1")
        assert len(slept) == 3  # off: no wait at all
        server.reset()  # back to the start-up speed
        _post(c, _silence_wav(3), "whisper-1")
        assert slept[-1] == pytest.approx(0.1)
        # Refused requests are not "processed".
        _post(c, _silence_wav(1600), "gpt-4o-transcribe")
        assert len(slept) == 4


def test_the_session_server_does_not_simulate_processing(server: AudioServer) -> None:
    assert server._state.processing.speed is None


COMMANDS = [
    [sys.executable, "-m", "openai_audio.testing"],
    [sys.executable, "-m", "openai_audio.cli", "serve"],
]


@pytest.mark.parametrize("command", COMMANDS)
def test_command_lines_reject_a_bad_processing_speed(command: list[str]) -> None:
    result = subprocess.run(
        [*command, "--processing-speed", "fast"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "--processing-speed" in result.stderr
    assert "processing speed must look like '30x'" in result.stderr


def test_serve_says_it_simulates_processing() -> None:
    proc = subprocess.Popen(
        [*COMMANDS[1], "--port", "0", "--processing-speed", "30x"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().startswith("http://127.0.0.1:")
        assert "processing at 30x real time" in proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_control_api_sets_processing_speed_and_upload_limit(server: AudioServer) -> None:
    with httpx.Client(base_url=server.base_url.removesuffix("/v1")) as control:
        assert control.get("/__control/limits").json() == {
            "processing_speed": "off",
            "max_upload_bytes": MAX_UPLOAD_BYTES,
        }
        changed = control.post(
            "/__control/limits", json={"processing_speed": "30x", "max_upload_bytes": 5000}
        )
        assert changed.json() == {"processing_speed": "30x", "max_upload_bytes": 5000}
        assert server._state.processing.delay(60) == pytest.approx(2.0)
        assert control.post("/__control/limits", json={"processing_speed": "soon"}).status_code == 400
        assert control.post("/__control/limits", json={"max_upload_bytes": 0}).status_code == 400
        assert control.post("/__control/limits", json={"speed": 1}).status_code == 400
        assert control.get("/__control/limits").json()["processing_speed"] == "30x"  # unchanged by refusals
        control.post("/__control/reset")
        assert control.get("/__control/limits").json() == {
            "processing_speed": "off",
            "max_upload_bytes": MAX_UPLOAD_BYTES,
        }
