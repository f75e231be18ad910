"""consents create/list/get/rename/delete and voices create (both modes)/delete, as JSON and as tables."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .conftest import Runner


def test_consent_lifecycle(cli: Runner, speech_wav: Callable[[str], bytes], tmp_path: Path) -> None:
    (tmp_path / "consent.wav").write_bytes(speech_wav("I consent to the use of my voice."))

    ids: list[str] = []
    for name, global_json in (("CLI Ada", False), ("CLI Grace", True)):
        args = ["consents", "create", "--name", name, "--recording", "consent.wav", "--language", "en"]
        created = cli(*(["--json", *args] if global_json else [*args, "--json"]))
        assert created.returncode == 0, created.stderr
        body = json.loads(created.stdout)
        assert body["object"] == "audio.voice_consent" and body["name"] == name and body["language"] == "en"
        assert body["id"].startswith("cons_") and isinstance(body["created_at"], int)
        ids.append(body["id"])

    # One consent per page: --json output has to come from walking every page.
    listed = cli("consents", "list", "--page-size", "1", "--json")
    assert listed.returncode == 0, listed.stderr
    names = {item["id"]: item["name"] for item in json.loads(listed.stdout)}
    assert names[ids[0]] == "CLI Ada" and names[ids[1]] == "CLI Grace"
    limited = cli("consents", "list", "--limit", "1", "--json")
    assert len(json.loads(limited.stdout)) == 1

    # Not a terminal: a header and tab-separated rows, no box drawing.
    table = cli("consents", "list")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == "id\tname\tlanguage\tcreated (UTC)"
    assert any(line.startswith(f"{ids[1]}\tCLI Grace\ten\t") for line in lines[1:])

    renamed = cli("consents", "rename", ids[0], "Ada Lovelace", "--json")
    assert json.loads(renamed.stdout)["name"] == "Ada Lovelace"
    got = cli("consents", "get", ids[0], "--json")
    assert json.loads(got.stdout)["name"] == "Ada Lovelace"
    got_table = cli("consents", "get", ids[0])
    assert f"{ids[0]}\tAda Lovelace\ten\t" in got_table.stdout

    # A voice from a sample and one of the consents.
    voice = cli(
        "voices", "create", "--name", "CLI voice", "--sample", "consent.wav", "--consent", ids[1], "--json"
    )
    assert voice.returncode == 0, voice.stderr
    assert json.loads(voice.stdout)["id"].startswith("voice_")

    deleted = cli("consents", "delete", ids[0], "--json")
    body = json.loads(deleted.stdout)
    assert body["id"] == ids[0] and body["deleted"] is True
    deleted_table = cli("consents", "delete", ids[1])
    assert deleted_table.stdout.splitlines() == ["id\tdeleted", f"{ids[1]}\ttrue"]

    gone = cli("consents", "get", ids[0])
    assert gone.returncode == 1
    assert gone.stdout == ""
    assert gone.stderr.startswith("error: NotFoundError: 404 ")


def test_voice_lifecycle(cli: Runner, speech_wav: Callable[[str], bytes], tmp_path: Path) -> None:
    (tmp_path / "consent.wav").write_bytes(speech_wav("I consent to the use of my voice."))
    args = ["consents", "create", "--name", "Ada", "--recording", "consent.wav", "--language", "en", "--json"]
    consent_id = json.loads(cli(*args).stdout)["id"]

    sampled = cli(
        "voices", "create", "--name", "From a sample", "--sample", "consent.wav", "--consent", consent_id
    )
    assert sampled.returncode == 0, sampled.stderr
    header, row = sampled.stdout.splitlines()
    assert header == "id\tname\ttype\tcreated (UTC)"
    sampled_id, name, kind, _ = row.split("\t")
    assert (name, kind) == ("From a sample", "audio_sample")

    prompted = cli(
        "voices", "create", "--name", "Calm", "--prompt", "A calm, low voice.",
        "--model", "2026-10-08", "--script-hint", "Hello there.", "--json",
    )  # fmt: skip
    assert prompted.returncode == 0, prompted.stderr
    voice = json.loads(prompted.stdout)
    assert (voice["type"], voice["prompt"], voice["name"]) == ("prompt", "A calm, low voice.", "Calm")

    deleted = cli("voices", "delete", voice["id"])
    assert deleted.stdout.splitlines() == ["id\tdeleted", f"{voice['id']}\ttrue"]
    again = cli("voices", "delete", voice["id"])
    assert again.returncode == 1
    assert again.stderr.startswith("error: NotFoundError: 404 ")
    assert json.loads(cli("voices", "delete", sampled_id, "--json").stdout)["deleted"] is True
    assert json.loads(cli("consents", "get", consent_id, "--json").stdout)["id"] == consent_id  # kept


def test_voice_create_modes_do_not_mix(cli: Runner) -> None:
    for args, message in [
        (("--prompt", "Calm.", "--consent", "cons_1"), "--prompt cannot be combined"),
        (("--script-hint", "Hi."), "go with --prompt"),
        ((), "give --sample and --consent, or --prompt"),
    ]:
        result = cli("voices", "create", "--name", "n", *args)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
    blank = cli("voices", "create", "--name", "n", "--prompt", "   ")
    assert blank.returncode == 1
    assert "prompt" in blank.stderr and "must not be empty" in blank.stderr
