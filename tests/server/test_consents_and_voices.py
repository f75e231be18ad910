"""Voice consents (CRUD, pagination) and custom voices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_helpers import assert_error, conform

from openai_audio.testing import AudioServer


def test_create_retrieve_update_delete(
    client: httpx.Client, make_consent: Callable[..., dict[str, Any]]
) -> None:
    consent = make_consent("Ada", "en-GB")
    conform("VoiceConsentResource", consent)
    assert consent["id"].startswith("cons_")
    assert (consent["object"], consent["name"], consent["language"]) == (
        "audio.voice_consent",
        "Ada",
        "en-GB",
    )
    assert client.get(f"/audio/voice_consents/{consent['id']}").json() == consent

    updated = client.post(f"/audio/voice_consents/{consent['id']}", json={"name": "Ada L."}).json()
    assert updated == consent | {"name": "Ada L."}
    assert client.get(f"/audio/voice_consents/{consent['id']}").json()["name"] == "Ada L."

    deleted = client.delete(f"/audio/voice_consents/{consent['id']}").json()
    conform("VoiceConsentDeletedResource", deleted)
    assert deleted == {"id": consent["id"], "object": "audio.voice_consent", "deleted": True}
    assert_error(client.get(f"/audio/voice_consents/{consent['id']}"), 404, "consent_id")
    assert_error(client.delete(f"/audio/voice_consents/{consent['id']}"), 404, "consent_id")


@pytest.mark.parametrize("bad_id", ["cons_missing", "..", "cons_x%2Fy", "%2E%2E"])
def test_unknown_ids_404(client: httpx.Client, bad_id: str) -> None:
    response = client.get(f"/audio/voice_consents/{bad_id}")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}


def test_update_validation(client: httpx.Client, make_consent: Callable[..., dict[str, Any]]) -> None:
    consent_id = make_consent()["id"]
    assert_error(client.post(f"/audio/voice_consents/{consent_id}", json={}), 400, "name")
    assert_error(client.post(f"/audio/voice_consents/{consent_id}", json={"name": 3}), 400, "name")
    assert_error(
        client.post(f"/audio/voice_consents/{consent_id}", json={"name": "a", "lang": "x"}), 400, "lang"
    )
    assert_error(client.post("/audio/voice_consents/cons_nope", json={"name": "a"}), 404, "consent_id")


def test_pagination_over_more_than_100(
    client: httpx.Client, make_consent: Callable[..., dict[str, Any]]
) -> None:
    created = [make_consent(f"c{i}")["id"] for i in range(130)]
    expected = list(reversed(created))  # newest first
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 100}
        if after:
            params["after"] = after
        page = client.get("/audio/voice_consents", params=params).json()
        conform("VoiceConsentListResource", page)
        ids = [c["id"] for c in page["data"]]
        assert (page["first_id"], page["last_id"]) == (ids[0], ids[-1])
        seen += ids
        pages += 1
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert pages == 2
    assert seen == expected

    default = client.get("/audio/voice_consents").json()
    assert len(default["data"]) == 20
    assert default["has_more"] is True


def test_list_edges(client: httpx.Client, make_consent: Callable[..., dict[str, Any]]) -> None:
    empty = client.get("/audio/voice_consents").json()
    assert empty == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
    make_consent()
    assert client.get("/audio/voice_consents", params={"after": "cons_unknown"}).json()["data"] == []
    for limit in ("0", "101", "ten"):
        assert_error(client.get("/audio/voice_consents", params={"limit": limit}), 400, "limit")
    assert_error(client.get("/audio/voice_consents", params={"order": "asc"}), 400, "order")


@pytest.mark.parametrize(
    ("data", "files", "status", "param"),
    [
        ({"language": "en"}, {"recording": ("a.wav", b"RIFF", "audio/wav")}, 400, "name"),
        ({"name": "x"}, {"recording": ("a.wav", b"RIFF", "audio/wav")}, 400, "language"),
        ({"name": "x", "language": "en"}, {}, 400, "recording"),
        ({"name": "x", "language": "en"}, {"recording": ("a.txt", b"hello", "text/plain")}, 400, "recording"),
        (
            {"name": "x", "language": "en"},
            {"recording": ("a.wav", b"\0" * (10 * 1024 * 1024 + 1), "audio/wav")},
            413,
            "recording",
        ),
        (
            {"name": "x", "language": "en", "notes": "y"},
            {"recording": ("a.wav", b"R", "audio/wav")},
            400,
            "notes",
        ),
    ],
)
def test_create_consent_validation(
    client: httpx.Client, data: dict[str, str], files: dict[str, Any], status: int, param: str
) -> None:
    parts = {name: (None, value) for name, value in data.items()} | files  # always multipart
    assert_error(client.post("/audio/voice_consents", files=parts), status, param)


def test_recording_mime_inferred_from_extension(client: httpx.Client) -> None:
    response = client.post(
        "/audio/voice_consents",
        data={"name": "x", "language": "en"},
        files={"recording": ("a.flac", b"fLaC", "application/octet-stream")},
    )
    assert response.status_code == 200


def test_voice_requires_existing_consent(
    client: httpx.Client, make_consent: Callable[..., dict[str, Any]]
) -> None:
    sample = {"audio_sample": ("s.wav", b"RIFF" + bytes(10), "audio/x-wav")}
    assert_error(
        client.post("/audio/voices", data={"name": "v", "consent": "cons_nope"}, files=sample), 400, "consent"
    )
    consent = make_consent()
    voice = client.post("/audio/voices", data={"name": "v", "consent": consent["id"]}, files=sample).json()
    conform("VoiceResource", voice)
    assert voice["id"].startswith("voice_")
    assert voice["name"] == "v"
    assert_error(client.post("/audio/voices", data={"name": "v"}, files=sample), 400, "consent")
    bad = {"audio_sample": ("s.txt", b"hi", "text/plain")}
    assert_error(
        client.post("/audio/voices", data={"name": "v", "consent": consent["id"]}, files=bad),
        400,
        "audio_sample",
    )


def test_db_path_persists_across_servers(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    with AudioServer(db_path=db) as first:
        headers = {"Authorization": f"Bearer {first.api_key}"}
        created = httpx.post(
            f"{first.base_url}/audio/voice_consents",
            headers=headers,
            data={"name": "kept", "language": "en"},
            files={"recording": ("a.wav", b"RIFF", "audio/wav")},
        ).json()
    with AudioServer(db_path=db) as second:
        got = httpx.get(f"{second.base_url}/audio/voice_consents/{created['id']}", headers=headers)
        assert got.json() == created


def test_reset_clears_state(
    server: AudioServer, client: httpx.Client, make_consent: Callable[..., dict[str, Any]]
) -> None:
    make_consent()
    server.reset()
    assert client.get("/audio/voice_consents").json()["data"] == []


def test_voice_sample_over_10_mib_is_413(
    client: httpx.Client, make_consent: Callable[..., dict[str, Any]]
) -> None:
    # Mirrors the consent recording's limit (test_create_consent_validation): samples are at most 10 MiB.
    consent = make_consent()
    data = {"name": "v", "consent": consent["id"]}
    too_big = {"audio_sample": ("s.wav", b"RIFF" + bytes(11 * 1024 * 1024 - 4), "audio/wav")}
    response = client.post("/audio/voices", data=data, files=too_big)
    assert_error(response, 413, "audio_sample", "file_too_large")
    assert "10 MiB" in response.json()["error"]["message"]
    at_limit = {"audio_sample": ("s.wav", b"RIFF" + bytes(10 * 1024 * 1024 - 4), "audio/wav")}
    assert client.post("/audio/voices", data=data, files=at_limit).status_code == 200


# -- voices: both modes, deletion ----------------------------------------------------------------

SAMPLE = {"audio_sample": ("s.wav", b"RIFF" + bytes(10), "audio/x-wav")}


def text_parts(fields: dict[str, str]) -> dict[str, tuple[None, str]]:
    """Text-only fields as multipart parts (httpx sends a bare ``data=`` urlencoded)."""
    return {name: (None, value) for name, value in fields.items()}


def test_audio_sample_voice_says_its_type(
    client: httpx.Client, make_consent: Callable[..., dict[str, Any]]
) -> None:
    consent = make_consent()
    for extra in ({}, {"type": "audio_sample"}):  # the default mode, and named
        voice = client.post(
            "/audio/voices", data={"name": "v", "consent": consent["id"]} | extra, files=SAMPLE
        )
        assert voice.status_code == 200, voice.text
        conform("VoiceResource", voice.json())
        assert voice.json()["type"] == "audio_sample"
        assert "prompt" not in voice.json()


def test_prompt_voice_keeps_its_prompt(client: httpx.Client) -> None:
    fields = {"type": "prompt", "name": "Calm", "prompt": "A calm, low voice.", "model": "2026-10-08"}
    response = client.post("/audio/voices", files=text_parts(fields | {"script_hint": "Hello there."}))
    assert response.status_code == 200, response.text
    voice = response.json()
    conform("VoiceResource", voice)
    assert (voice["type"], voice["prompt"], voice["name"]) == ("prompt", "A calm, low voice.", "Calm")
    assert voice["id"].startswith("voice_")
    # model is optional ("auto"); so is script_hint.
    minimal = client.post(
        "/audio/voices", files=text_parts({"type": "prompt", "name": "n", "prompt": "Warm."})
    )
    assert minimal.status_code == 200, minimal.text


@pytest.mark.parametrize(
    ("fields", "param", "code"),
    [
        ({"prompt": " \t\n "}, "prompt", "empty_string"),
        ({}, "prompt", "missing_required_parameter"),
        ({"prompt": "Warm.", "script_hint": "   "}, "script_hint", "empty_string"),
        ({"prompt": "Warm.", "model": ""}, "model", "empty_string"),
        ({"prompt": "Warm.", "consent": "cons_1"}, "consent", "unknown_parameter"),
    ],
    ids=["whitespace-prompt", "no-prompt", "blank-script-hint", "blank-model", "consent-in-prompt-mode"],
)
def test_prompt_voice_validation(client: httpx.Client, fields: dict[str, str], param: str, code: str) -> None:
    response = client.post("/audio/voices", files=text_parts({"type": "prompt", "name": "n"} | fields))
    assert_error(response, 400, param, code)


def test_unknown_voice_mode_is_400(client: httpx.Client) -> None:
    assert_error(client.post("/audio/voices", files=text_parts({"type": "clone", "name": "n"})), 400, "type")


def test_delete_voice_then_404_and_the_consent_is_kept(
    client: httpx.Client, make_consent: Callable[..., dict[str, Any]]
) -> None:
    consent = make_consent()
    voice = client.post("/audio/voices", data={"name": "v", "consent": consent["id"]}, files=SAMPLE).json()
    deleted = client.delete(f"/audio/voices/{voice['id']}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"id": voice["id"], "deleted": True, "object": "audio.voice.deleted"}
    conform("VoiceDeleted", deleted.json())
    assert_error(client.delete(f"/audio/voices/{voice['id']}"), 404, "voice_id", "not_found")
    assert client.get(f"/audio/voice_consents/{consent['id']}").json() == consent
    # The deleted voice no longer speaks.
    speech = {"model": "gpt-4o-mini-tts", "input": "Hi", "voice": {"id": voice["id"]}}
    assert_error(client.post("/audio/speech", json=speech), 400, "voice", "voice_not_found")


def test_speech_refuses_a_prompt_voice_naming_it(client: httpx.Client) -> None:
    voice = client.post(
        "/audio/voices", files=text_parts({"type": "prompt", "name": "n", "prompt": "Warm."})
    ).json()
    response = client.post(
        "/audio/speech", json={"model": "gpt-4o-mini-tts", "input": "Hi", "voice": {"id": voice["id"]}}
    )
    assert_error(response, 400, "voice")
    assert voice["id"] in response.json()["error"]["message"]
    assert "prompt" in response.json()["error"]["message"]


def test_voices_from_an_older_database_file_still_load(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as old:  # the first schema: no type or prompt columns
        old.executescript(
            "CREATE TABLE voices (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
            " name TEXT NOT NULL, consent_id TEXT NOT NULL, created_at INTEGER NOT NULL,"
            " sample_sha256 TEXT NOT NULL);"
            "INSERT INTO voices (id, name, consent_id, created_at, sample_sha256)"
            " VALUES ('voice_old', 'old', 'cons_1', 1, '');"
        )
    old.close()
    with AudioServer(db_path=db) as server:
        headers = {"Authorization": f"Bearer {server.api_key}"}
        deleted = httpx.delete(f"{server.base_url}/audio/voices/voice_old", headers=headers)
        assert deleted.json()["deleted"] is True
        made = httpx.post(
            f"{server.base_url}/audio/voices",
            headers=headers,
            files=text_parts({"type": "prompt", "name": "n", "prompt": "Warm."}),
        )
        assert made.json()["type"] == "prompt"
