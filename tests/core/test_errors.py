"""Every error class from a real response of the local server, and the hierarchy users rely on."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

import openai_audio
from openai_audio import AudioClient, errors
from openai_audio.testing import AudioServer


@pytest.fixture
def client(audio_server: AudioServer) -> Iterator[AudioClient]:
    audio_server.clear_faults()
    with AudioClient(base_url=audio_server.base_url, api_key=audio_server.api_key, max_retries=0) as client:
        yield client
    audio_server.clear_faults()


def test_hierarchy_matches_what_openai_users_know() -> None:
    assert issubclass(errors.APIError, errors.AudioError)
    assert issubclass(errors.APIStatusError, errors.APIError)
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.APIConnectionError, errors.APIError)
    assert issubclass(errors.APIResponseValidationError, errors.APIError)
    for cls in (
        errors.BadRequestError,
        errors.AuthenticationError,
        errors.PermissionDeniedError,
        errors.NotFoundError,
        errors.ConflictError,
        errors.RequestTooLargeError,
        errors.UnprocessableEntityError,
        errors.RateLimitError,
        errors.InternalServerError,
    ):
        assert issubclass(cls, errors.APIStatusError)
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert issubclass(errors.InvalidArgumentTypeError, TypeError)
    assert set(errors.__all__) <= set(openai_audio.__all__)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (413, errors.RequestTooLargeError),
        (422, errors.UnprocessableEntityError),
        (429, errors.RateLimitError),
        (500, errors.InternalServerError),
        (503, errors.InternalServerError),
        (418, errors.APIStatusError),
    ],
)
def test_status_maps_to_class_with_details(
    client: AudioClient, audio_server: AudioServer, status: int, cls: type[errors.APIStatusError]
) -> None:
    audio_server.inject("status", status=status, path="/v1/audio/voice_consents")
    with pytest.raises(cls) as info:
        client.voice_consents.list()
    error = info.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.request_id and error.request_id.startswith("req_")
    assert error.message
    assert isinstance(error.body, dict)
    assert error.response.status_code == status


def test_real_not_found_carries_openai_fields(client: AudioClient) -> None:
    with pytest.raises(errors.NotFoundError) as info:
        client.voice_consents.retrieve("cons_doesnotexist")
    assert info.value.type == "invalid_request_error"
    assert "cons_doesnotexist" in info.value.message
    assert "request id" in str(info.value)


def test_bad_key_is_authentication_error(audio_server: AudioServer) -> None:
    strict = AudioServer(api_keys=["sk-right"]).start()
    try:
        with AudioClient(base_url=strict.base_url, api_key="sk-wrong", max_retries=0) as client:
            with pytest.raises(errors.AuthenticationError) as info:
                client.voice_consents.list()
        assert "sk-wrong" not in str(info.value)
        assert "sk-wrong" not in repr(info.value.body)
    finally:
        strict.stop()


def test_html_error_page_still_gives_a_typed_useful_error(
    client: AudioClient, audio_server: AudioServer
) -> None:
    audio_server.inject("html_error", status=502, path="/v1/audio/voice_consents")
    with pytest.raises(errors.InternalServerError) as info:
        client.voice_consents.list()
    assert info.value.status_code == 502
    assert "502" in info.value.message
    assert "html" in info.value.message.lower()


@pytest.mark.parametrize("kind", ["truncated_json", "empty_200", "malformed_json"])
def test_bad_success_bodies_are_validation_errors(
    client: AudioClient, audio_server: AudioServer, kind: str
) -> None:
    audio_server.inject(kind, path="/v1/audio/voice_consents")
    with pytest.raises(errors.APIResponseValidationError) as info:
        client.voice_consents.list()
    assert info.value.status_code == 200
    assert info.value.request_id


def test_json_labelled_as_text_is_tolerated(client: AudioClient, audio_server: AudioServer) -> None:
    # Proxies relabel bodies; a body that is valid JSON of the right shape is still used.
    audio_server.inject("wrong_content_type", path="/v1/audio/voice_consents")
    page = client.voice_consents.list()
    assert page.data is not None


def test_connection_refused_is_connection_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with AudioClient(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-x", max_retries=0) as client:
        with pytest.raises(errors.APIConnectionError) as info:
            client.voice_consents.list()
    assert not isinstance(info.value, errors.APITimeoutError)


def test_stall_beyond_read_timeout_is_timeout_error(client: AudioClient, audio_server: AudioServer) -> None:
    audio_server.inject("stall", stall=5, path="/v1/audio/voice_consents")
    with pytest.raises(errors.APITimeoutError):
        client.with_options(timeout=0.3).voice_consents.list()


# --- The SDK's error shapes: body is the inner error object; code/param/type everywhere ----------


def test_status_error_body_is_the_inner_error_object(client: AudioClient) -> None:
    with pytest.raises(errors.NotFoundError) as info:
        client.voice_consents.retrieve("cons_doesnotexist")
    body = info.value.body
    assert isinstance(body, dict)
    assert "cons_doesnotexist" in body["message"]  # e.body["message"], as SDK users write it
    assert body["type"] == info.value.type == "invalid_request_error"
    assert "error" not in body


def test_code_param_type_come_from_the_error_object(client: AudioClient, audio_server: AudioServer) -> None:
    error = {"message": "bad", "type": "invalid_request_error", "param": "voice", "code": 1234}
    audio_server.inject("status", status=400, path="/v1/audio/voice_consents", body={"error": error})
    with pytest.raises(errors.BadRequestError) as info:
        client.voice_consents.list()
    assert info.value.body == error
    # A numeric code is turned into text, as the SDK does.
    assert (info.value.code, info.value.param, info.value.type) == ("1234", "voice", "invalid_request_error")
    assert info.value.message == "bad"


def test_error_without_an_error_envelope_keeps_the_whole_body(
    client: AudioClient, audio_server: AudioServer
) -> None:
    audio_server.inject("status", status=400, path="/v1/audio/voice_consents", body={"detail": "nope"})
    with pytest.raises(errors.BadRequestError) as info:
        client.voice_consents.list()
    assert info.value.body == {"detail": "nope"}
    assert (info.value.code, info.value.param, info.value.type) == (None, None, None)


def test_non_json_error_body_is_the_text(client: AudioClient, audio_server: AudioServer) -> None:
    audio_server.inject("html_error", status=502, path="/v1/audio/voice_consents")
    with pytest.raises(errors.InternalServerError) as info:
        client.voice_consents.list()
    assert isinstance(info.value.body, str) and "Bad Gateway" in info.value.body
    assert (info.value.code, info.value.param, info.value.type) == (None, None, None)


def test_connection_and_timeout_errors_have_none_details(
    client: AudioClient, audio_server: AudioServer
) -> None:
    audio_server.inject("drop", path="/v1/audio/voice_consents")
    with pytest.raises(errors.APIConnectionError) as info:
        client.voice_consents.list()
    timeout = errors.APITimeoutError()
    for error in (info.value, timeout):
        assert (error.body, error.code, error.param, error.type) == (None, None, None, None)


def test_validation_errors_have_none_details_unless_the_body_is_an_error(
    client: AudioClient, audio_server: AudioServer
) -> None:
    audio_server.inject("malformed_json", path="/v1/audio/voice_consents", body={"type": "list", "x": 1})
    with pytest.raises(errors.APIResponseValidationError) as info:
        client.voice_consents.list()
    assert info.value.body == {"type": "list", "x": 1}
    assert (info.value.code, info.value.param, info.value.type) == (None, None, None)

    error = {"message": "quota", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}
    audio_server.inject("malformed_json", path="/v1/audio/voice_consents", body={"error": error})
    with pytest.raises(errors.APIResponseValidationError) as info:
        client.voice_consents.list()
    assert (info.value.code, info.value.type) == ("insufficient_quota", "insufficient_quota")


def test_stream_error_body_is_the_error_object(client: AudioClient, audio_server: AudioServer) -> None:
    audio = client.speech.create("Hello there, stream.", voice="alloy", response_format="wav")
    audio_server.inject("sse_error", path="/v1/audio/transcriptions")
    with pytest.raises(errors.StreamError) as info:
        with client.transcriptions.stream(("a.wav", audio)) as events:
            list(events)
    assert isinstance(info.value.body, dict)
    assert info.value.body["type"] == info.value.type == "server_error"
    assert info.value.body["message"] == info.value.message


@pytest.mark.parametrize(
    "attribute",
    ["body", "code", "param", "type", "message", "request"],
)
def test_every_api_error_class_has_the_sdk_attributes(attribute: str) -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.APIError)]
    response = httpx.Response(400, request=httpx.Request("GET", "http://127.0.0.1/v1/x"))
    for cls in classes:
        if issubclass(cls, errors.APIStatusError | errors.APIResponseValidationError):
            error: errors.APIError = cls("m", response=response)
        elif cls is errors.APIError or cls is errors.StreamError:
            error = cls("m")
        else:
            error = cls()
        assert hasattr(error, attribute), (cls, attribute)


def test_same_error_attributes_as_the_openai_sdk(audio_server: AudioServer) -> None:
    openai = pytest.importorskip("openai")
    audio_server.clear_faults()
    error = {"message": "bad voice", "type": "invalid_request_error", "param": "voice", "code": 7}
    ours_client = AudioClient(base_url=audio_server.base_url, api_key=audio_server.api_key, max_retries=0)
    sdk_client = openai.OpenAI(base_url=audio_server.base_url, api_key=audio_server.api_key, max_retries=0)
    seen = []
    for call in (ours_client.voice_consents.list, sdk_client.audio.voice_consents.list):
        audio_server.inject("status", status=400, path="/v1/audio/voice_consents", body={"error": error})
        with pytest.raises(Exception) as info:
            call()
        seen.append(info.value)
    ours, theirs = seen
    for name in ("body", "code", "param", "type", "status_code"):
        assert getattr(ours, name) == getattr(theirs, name), name
    # The SDK folds the status into .message; ours keeps the server's words and str() adds it.
    assert theirs.message == "Error code: 400 - bad voice"
    assert ours.message == "bad voice" and str(ours).startswith("Error code: 400 - bad voice")
    ours_client.close()
    sdk_client.close()
