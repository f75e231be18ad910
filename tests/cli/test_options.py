"""CLI options that must reach the wire: --timeout, --model, --instructions, --speed, --language.

Each is checked where it shows: the local server's request log (what it received), the server's
answer echoing it (verbose_json's language), or the behaviour only that value causes (a timeout).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from openai_audio.testing import AudioServer

from .conftest import FAKE_KEY, Runner

SENTENCE = "Options travel all the way to the server."
# Both ways speak writes: the client's atomic save(), and the streamed path behind a progress bar.
SPEAK_PATHS = [pytest.param({}, id="save"), pytest.param({"OPENAI_AUDIO_PROGRESS": "1"}, id="progress")]


@pytest.fixture
def server(audio_server_clean: AudioServer) -> AudioServer:
    """The session server, reset (state, faults, request log) before and after the test."""
    return audio_server_clean


@pytest.fixture
def said_wav(speech_wav: Callable[[str], bytes], tmp_path: Path) -> Path:
    path = tmp_path / "said.wav"
    path.write_bytes(speech_wav(SENTENCE))
    return path


def _speech_bodies(server: AudioServer) -> list[dict[str, object]]:
    return [r.json for r in server.requests if r.path == "/v1/audio/speech"]


def _forms(server: AudioServer, path: str) -> list[dict[str, list[str]]]:
    return [r.form for r in server.requests if r.path == path]


# -- speak ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", SPEAK_PATHS)
def test_speak_sends_model_instructions_and_speed(
    cli: Runner, server: AudioServer, tmp_path: Path, env: dict[str, str]
) -> None:
    result = cli(
        "speak",
        SENTENCE,
        "-o",
        "out.wav",
        "--voice",
        "coral",
        "--model",
        "gpt-4o-mini-tts",
        "--instructions",
        "Speak like a lighthouse keeper.",
        "--speed",
        "1.5",
        env_extra=env,
    )
    assert result.returncode == 0, result.stderr
    assert _speech_bodies(server) == [
        {
            "model": "gpt-4o-mini-tts",
            "input": SENTENCE,
            "voice": "coral",
            "response_format": "wav",
            "instructions": "Speak like a lighthouse keeper.",
            "speed": 1.5,
        }
    ]
    assert (tmp_path / "out.wav").read_bytes()[:4] == b"RIFF"


@pytest.mark.parametrize("env", SPEAK_PATHS)
def test_speak_model_other_than_the_default_is_sent(
    cli: Runner, server: AudioServer, env: dict[str, str]
) -> None:
    result = cli("speak", SENTENCE, "-o", "out.mp3", "--model", "tts-1-hd", env_extra=env)
    assert result.returncode == 0, result.stderr
    [body] = _speech_bodies(server)
    assert body["model"] == "tts-1-hd"
    assert body["response_format"] == "mp3"
    assert "instructions" not in body  # not given: left out, not sent as null


def test_speak_without_model_uses_the_client_default(cli: Runner, server: AudioServer) -> None:
    result = cli("speak", SENTENCE, "-o", "out.pcm")
    assert result.returncode == 0, result.stderr
    [body] = _speech_bodies(server)
    assert body["model"] == "gpt-4o-mini-tts"
    assert "speed" not in body


def test_speak_instructions_with_a_legacy_model_are_refused_before_sending(
    cli: Runner, server: AudioServer, tmp_path: Path
) -> None:
    result = cli("speak", SENTENCE, "-o", "out.wav", "--model", "tts-1", "--instructions", "whisper")
    assert result.returncode == 1
    assert result.stderr.startswith("error: InvalidArgumentError:")
    assert "instructions" in result.stderr
    assert "Traceback" not in result.output and FAKE_KEY not in result.output
    assert server.requests == []
    assert not (tmp_path / "out.wav").exists()


def test_speak_unknown_model_reaches_the_server_and_its_error_comes_back(
    cli: Runner, server: AudioServer
) -> None:
    result = cli("--max-retries", "0", "speak", SENTENCE, "-o", "out.wav", "--model", "my-own-tts")
    assert result.returncode == 1
    assert result.stderr.startswith("error: BadRequestError: 400")
    assert [body["model"] for body in _speech_bodies(server)] == ["my-own-tts"]


# -- transcribe / translate -------------------------------------------------------------------------


def test_transcribe_sends_model_and_language(cli: Runner, server: AudioServer, said_wav: Path) -> None:
    result = cli(
        "transcribe", said_wav.name, "--model", "whisper-1", "--language", "fr", "--format", "verbose_json"
    )
    assert result.returncode == 0, result.stderr
    [form] = _forms(server, "/v1/audio/transcriptions")
    assert form["model"] == ["whisper-1"]
    assert form["language"] == ["fr"]
    assert form["response_format"] == ["verbose_json"]
    # The server names the language it was told in verbose_json: the value made the round trip.
    printed = json.loads(result.stdout)
    assert printed["language"] == "french"
    assert printed["text"] == SENTENCE


def test_transcribe_without_language_sends_none(cli: Runner, server: AudioServer, said_wav: Path) -> None:
    result = cli("transcribe", said_wav.name)
    assert result.returncode == 0, result.stderr
    [form] = _forms(server, "/v1/audio/transcriptions")
    assert "language" not in form
    assert form["model"] == ["gpt-4o-transcribe"]


def test_transcribe_model_overrides_the_one_picked_for_the_format(
    cli: Runner, server: AudioServer, said_wav: Path
) -> None:
    # --format srt alone picks whisper-1 (the default model answers json only); a --model given
    # with the default text format is sent exactly as given.
    picked = cli("transcribe", said_wav.name, "--format", "srt")
    assert picked.returncode == 0, picked.stderr
    assert _forms(server, "/v1/audio/transcriptions")[-1]["model"] == ["whisper-1"]
    server.clear_requests()
    chosen = cli("transcribe", said_wav.name, "--model", "gpt-4o-mini-transcribe", "--language", "de")
    assert chosen.returncode == 0, chosen.stderr
    [form] = _forms(server, "/v1/audio/transcriptions")
    assert form["model"] == ["gpt-4o-mini-transcribe"]
    assert form["language"] == ["de"]
    assert chosen.stdout == SENTENCE + "\n"


def test_transcribe_stream_sends_model_and_language(cli: Runner, server: AudioServer, said_wav: Path) -> None:
    result = cli(
        "transcribe", said_wav.name, "--stream", "--model", "gpt-4o-mini-transcribe", "--language", "es"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == SENTENCE + "\n"
    [form] = _forms(server, "/v1/audio/transcriptions")
    assert form["stream"] == ["true"]
    assert form["model"] == ["gpt-4o-mini-transcribe"]
    assert form["language"] == ["es"]


def test_translate_sends_model(cli: Runner, server: AudioServer, said_wav: Path) -> None:
    result = cli("translate", said_wav.name, "--model", "whisper-1", "--format", "verbose_json")
    assert result.returncode == 0, result.stderr
    [form] = _forms(server, "/v1/audio/translations")
    assert form["model"] == ["whisper-1"]
    assert json.loads(result.stdout)["task"] == "translate"


def test_translate_unknown_model_reaches_the_server(cli: Runner, server: AudioServer, said_wav: Path) -> None:
    result = cli("--max-retries", "0", "translate", said_wav.name, "--model", "my-own-whisper")
    assert result.returncode == 1
    assert [form["model"] for form in _forms(server, "/v1/audio/translations")] == [["my-own-whisper"]]
    assert "BadRequestError: 400" in result.stderr


# -- --timeout --------------------------------------------------------------------------------------

# The stall is far longer than the timeout: if --timeout were ignored, the request would simply
# succeed once the stall ended (the client's default timeout is minutes), and the test would fail.
STALL_SECONDS = 30.0


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("speak", SENTENCE, "-o", "out.wav"), id="speak"),
        pytest.param(("transcribe", "said.wav"), id="transcribe"),
        pytest.param(("consents", "list"), id="consents"),
    ],
)
def test_timeout_is_applied_to_requests(
    cli: Runner, server: AudioServer, said_wav: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    server.inject("stall", stall=STALL_SECONDS, path="/v1/audio/")
    result = cli("--timeout", "0.5", "--max-retries", "0", *args)
    assert result.returncode == 1, result.output
    assert result.stderr.startswith("error: APITimeoutError"), result.stderr
    assert "Traceback" not in result.output and FAKE_KEY not in result.output
    assert not (tmp_path / "out.wav").exists()


def test_timeout_large_enough_lets_requests_through(cli: Runner, server: AudioServer, said_wav: Path) -> None:
    result = cli("--timeout", "60", "transcribe", said_wav.name)
    assert result.returncode == 0, result.stderr
    assert result.stdout == SENTENCE + "\n"


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_timeout_must_be_a_positive_number(cli: Runner, server: AudioServer, value: str) -> None:
    result = cli("--timeout", value, "consents", "list")
    assert result.returncode == 2
    assert "Invalid value for '--timeout'" in result.stderr
    assert server.requests == []
