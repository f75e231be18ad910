"""The limits a recording is measured against: the capability table's, overridable per call."""

from __future__ import annotations

import pytest

from openai_audio._audio_split import SplitLimits
from openai_audio._long_recordings import check_split_options, model_limits
from openai_audio.errors import InvalidArgumentError

MB25 = 26_214_400


@pytest.mark.parametrize(
    ("model", "endpoint", "expected"),
    [
        ("whisper-1", "transcriptions", SplitLimits(MB25, None)),
        ("whisper-1", "translations", SplitLimits(MB25, None)),
        ("gpt-4o-transcribe", "transcriptions", SplitLimits(MB25, 1500)),
        ("gpt-4o-mini-transcribe", "transcriptions", SplitLimits(MB25, 1500)),
        ("gpt-4o-transcribe-diarize", "transcriptions", SplitLimits(MB25, 1400)),
        ("my-local-whisper", "transcriptions", SplitLimits(MB25, None)),  # a compatible server's model
    ],
)
def test_each_model_has_openais_limits(model: str, endpoint: str, expected: SplitLimits) -> None:
    assert model_limits(model, endpoint=endpoint) == expected


def test_limits_given_per_call_win_and_none_lifts_them() -> None:
    assert model_limits("gpt-4o-transcribe", max_upload_bytes=None, max_duration=60) == SplitLimits(None, 60)
    assert model_limits("whisper-1", max_upload_bytes=100 * 2**20) == SplitLimits(100 * 2**20, None)


def test_a_recording_exceeds_limits_by_size_or_duration() -> None:
    limits = SplitLimits(1000, 10.0)
    assert not limits.exceeded_by(1000, 10.0)
    assert limits.exceeded_by(1001, 1.0)
    assert limits.exceeded_by(10, 10.5)
    assert not SplitLimits(None, None).exceeded_by(10**12, 10**6)


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"split": 1}, "split"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_concurrency": True}, "max_concurrency"),
        ({"max_upload_bytes": 512}, "max_upload_bytes"),
        ({"max_upload_bytes": 1e9}, "max_upload_bytes"),
        ({"max_duration": 0.5}, "max_duration"),
        ({"max_duration": "60"}, "max_duration"),
    ],
)
def test_bad_options_name_their_argument(options: dict[str, object], argument: str) -> None:
    arguments: dict[str, object] = {
        "split": True,
        "max_concurrency": 4,
        "max_upload_bytes": None,
        "max_duration": None,
    }
    with pytest.raises(InvalidArgumentError) as caught:
        check_split_options(**{**arguments, **options})
    assert caught.value.argument == argument


def test_clients_carry_limits_for_compatible_servers() -> None:
    from openai_audio import AsyncAudioClient, AudioClient
    from openai_audio._config import NOT_GIVEN

    with AudioClient(api_key="k", base_url="http://127.0.0.1:1/v1", max_duration=600) as client:
        assert (client._config.max_upload_bytes, client._config.max_duration) == (NOT_GIVEN, 600.0)
        lifted = client.with_options(max_upload_bytes=None)
        assert (lifted._config.max_upload_bytes, lifted._config.max_duration) == (None, 600.0)
    with pytest.raises(InvalidArgumentError) as caught:
        AsyncAudioClient(api_key="k", max_upload_bytes=0)
    assert caught.value.argument == "max_upload_bytes"
