"""Errors: one line, class/status/request id, no traceback, never the API key."""

from __future__ import annotations

import re
from pathlib import Path

from openai_audio.testing import AudioServer

from .conftest import FAKE_KEY, Runner

ONE_LINE = re.compile(r"^error: NotFoundError: 404 .+ \(request id: req_\w+\)\n$")


def test_api_error_is_one_line_without_the_key(cli: Runner) -> None:
    from_env = cli("consents", "get", "cons_doesnotexist")
    other_key = "sk-command-line-SECRET-1b2c3d"
    from_option = cli("--api-key", other_key, "consents", "get", "cons_doesnotexist")
    for result in (from_env, from_option):
        assert result.returncode == 1
        assert result.stdout == ""
        assert ONE_LINE.match(result.stderr), result.stderr
        assert "Traceback" not in result.stderr
        assert FAKE_KEY not in result.output and other_key not in result.output


def test_a_key_echoed_by_the_server_is_redacted(cli: Runner, audio_server: AudioServer) -> None:
    # The real API quotes (part of) a wrong key back; we must not print it.
    body = {"error": {"message": f"Incorrect API key provided: {FAKE_KEY}.", "type": "invalid_request_error"}}
    audio_server.inject("status", status=401, path="/audio/voice_consents", body=body)
    try:
        result = cli("consents", "list")
    finally:
        audio_server.clear_faults()
    assert result.returncode == 1
    assert result.stderr.startswith("error: AuthenticationError: 401 Incorrect API key provided: ***.")
    assert result.stderr.count("\n") == 1
    assert FAKE_KEY not in result.output


def test_input_and_usage_errors(cli: Runner, tmp_path: Path) -> None:
    missing = cli("consents", "create", "--name", "x", "--recording", "nope.wav", "--language", "en")
    assert missing.returncode == 1
    assert missing.stderr == "error: InvalidArgumentError: recording: no such file: 'nope.wav'\n"

    bad_format = cli("speak", "hi", "-o", "x.wav", "--speed", "9")
    assert bad_format.returncode == 1
    assert bad_format.stderr.startswith("error: InvalidArgumentError: speed:")

    no_key = cli("consents", "list", api_key="")
    assert no_key.returncode == 1
    assert no_key.stderr.startswith("error: MissingAPIKeyError: api_key:")

    usage = cli("consents", "rename", "only-one-argument")
    assert usage.returncode == 2
    assert "Missing argument 'NAME'" in usage.stderr

    stream_many = cli("transcribe", "--stream", "a.wav", "b.wav")
    assert stream_many.returncode == 2

    for result in (missing, bad_format, no_key, usage, stream_many):
        assert "Traceback" not in result.output and FAKE_KEY not in result.output


def test_help_and_version_never_show_the_key(cli: Runner) -> None:
    help_text = cli("--help")
    assert help_text.returncode == 0
    assert "--api-key" in help_text.stdout and "OPENAI_API_KEY" in help_text.stdout
    for command in ("speak", "transcribe", "translate", "serve", "consents", "voices"):
        assert command in help_text.stdout
    version = cli("--version")
    assert version.returncode == 0 and "openai-audio" in version.stdout
    assert FAKE_KEY not in help_text.output + version.output
