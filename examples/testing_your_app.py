"""Testing your own code with openai_audio.testing: a pytest file.

    pytest examples/testing_your_app.py        # or: python examples/testing_your_app.py

The ``audio_server`` and ``audio_server_clean`` fixtures come from the pytest plugin that
openai-audio installs (the ``server`` extra is needed). No key and no network are used.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from openai_audio import AudioClient, RateLimitError
from openai_audio.testing import AudioServer

# -- the code under test -------------------------------------------------------------------------


def caption(client: AudioClient, audio: Path) -> Path:
    """Write subtitles next to an audio file and return their path."""
    srt = client.transcriptions.create(audio, model="whisper-1", response_format="srt")
    target = audio.with_suffix(".srt")
    target.write_text(srt, encoding="utf-8")
    return target


# -- its tests -----------------------------------------------------------------------------------


@pytest.fixture
def client(audio_server_clean: AudioServer) -> AudioClient:
    return AudioClient(base_url=audio_server_clean.base_url, api_key=audio_server_clean.api_key)


def test_caption_writes_subtitles(client: AudioClient, tmp_path: Path) -> None:
    audio = client.speech.save("Subtitles for everyone.", tmp_path / "talk.wav", voice="alloy")
    srt = caption(client, audio)
    assert srt.read_text(encoding="utf-8").splitlines()[2] == "Subtitles for everyone."


def test_caption_retries_rate_limits(
    client: AudioClient, audio_server_clean: AudioServer, tmp_path: Path
) -> None:
    audio = client.speech.save("Try again.", tmp_path / "retry.wav", voice="alloy")
    audio_server_clean.inject("rate_limit", count=2, path="/audio/transcriptions", retry_after_ms=1)
    caption(client, audio)
    uploads = [r for r in audio_server_clean.requests if r.path.endswith("/transcriptions")]
    assert [r.status for r in uploads] == [429, 429, 200]
    assert len({r.uploads[0].sha256 for r in uploads}) == 1  # the same bytes every time


def test_caption_gives_up_when_the_quota_is_exhausted(
    client: AudioClient, audio_server_clean: AudioServer, tmp_path: Path
) -> None:
    audio = client.speech.save("Not today.", tmp_path / "busy.wav", voice="alloy")
    audio_server_clean.set_rate_limit(None, insufficient_quota=True)  # reset after the test
    with pytest.raises(RateLimitError) as caught:
        caption(client, audio)
    assert caught.value.code == "insufficient_quota"  # final: never retried
    assert not audio.with_suffix(".srt").exists()


def test_caption_gives_up_on_rate_limits_after_its_deadline(
    client: AudioClient, audio_server_clean: AudioServer, tmp_path: Path
) -> None:
    audio = client.speech.save("Not now.", tmp_path / "later.wav", voice="alloy")
    audio_server_clean.inject("rate_limit", count=3, retry_after_ms=1)
    # 429 rate_limit_exceeded is retried until rate_limit_timeout (600 s by default), not a count.
    with pytest.raises(RateLimitError) as caught:
        caption(client.with_options(rate_limit_timeout=0), audio)
    assert caught.value.code == "rate_limit_exceeded"


def test_requests_are_as_expected(
    client: AudioClient, audio_server_clean: AudioServer, tmp_path: Path
) -> None:
    audio = client.speech.save("Inspect me.", tmp_path / "inspect.wav", voice="alloy")
    caption(client, audio)
    last = audio_server_clean.requests[-1]
    assert last.form["model"] == ["whisper-1"]
    assert last.form["response_format"] == ["srt"]
    assert last.uploads[0].filename == "inspect.wav"
    assert last.uploads[0].size == audio.stat().st_size


if __name__ == "__main__":
    print(f"running the tests in {Path(__file__).name} with pytest")
    # This module is already imported, so pytest cannot rewrite its asserts: say so quietly.
    quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider", *quiet]))
