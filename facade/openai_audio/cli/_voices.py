"""``voices`` and ``consents``: custom voices and the consent recordings they need."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from openai_audio import FileInput, VoiceConsent

from ._output import print_json, print_table
from ._progress import ProgressReader, progress_enabled, transfer_progress
from ._settings import Settings, json_option, pass_settings

# -- uploads with a progress bar -------------------------------------------------------------------


def _upload(path: Path, argument: str, send: Callable[[FileInput], Any]) -> Any:
    """Call ``send`` with the file, wrapped in a byte-counting reader when bars are on."""
    if not progress_enabled():
        return send(path)
    with transfer_progress() as progress:
        task = progress.add_task(f"upload {path.name}", total=path.stat().st_size if path.is_file() else None)
        with ProgressReader.open(
            path, lambda n: progress.update(task, advance=n), argument=argument
        ) as reader:
            return send((path.name, reader.as_io()))


# -- voices and consents ---------------------------------------------------------------------------


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _show(settings: Settings, as_json: bool, value: Any, columns: tuple[str, ...], row: list[Any]) -> None:
    if as_json or settings.json:
        print_json(value.to_dict())
    else:
        print_table(columns, [row])


def _consent_row(consent: VoiceConsent) -> list[Any]:
    return [consent.id, consent.name, consent.language, _when(consent.created_at)]


CONSENT_COLUMNS = ("id", "name", "language", "created (UTC)")


@click.group()
def voices() -> None:
    """Custom voices."""


VOICE_COLUMNS = ("id", "name", "type", "created (UTC)")


@voices.command("create")
@click.option("--name", required=True)
@click.option("--sample", type=click.Path(path_type=Path), help="Audio sample of the voice (with --consent).")
@click.option("--consent", help="Consent id (cons_...), with --sample.")
@click.option("--prompt", help="Describe the voice instead (a prompt voice, for Live sessions only).")
@click.option("--model", help="With --prompt: the voice creation model (default: auto).")
@click.option("--script-hint", help="With --prompt: what the voice says while it is made.")
@json_option
@pass_settings
def voices_create(
    settings: Settings,
    name: str,
    sample: Path | None,
    consent: str | None,
    prompt: str | None,
    model: str | None,
    script_hint: str | None,
    as_json: bool,
) -> int:
    """Create a custom voice: from --sample and --consent, or from --prompt."""
    if prompt is not None:
        if sample is not None or consent is not None:
            raise click.UsageError("--prompt cannot be combined with --sample or --consent")
        with settings.client() as client:
            voice = client.voices.create(name=name, prompt=prompt, model=model, script_hint=script_hint)
    else:
        if model is not None or script_hint is not None:
            raise click.UsageError("--model and --script-hint go with --prompt")
        if sample is None or consent is None:
            raise click.UsageError("give --sample and --consent, or --prompt")
        with settings.client() as client:
            voice = _upload(
                sample,
                "audio_sample",
                lambda f: client.voices.create(name=name, audio_sample=f, consent=consent),
            )
    kind = voice.type_ if isinstance(voice.type_, str) else ""
    _show(settings, as_json, voice, VOICE_COLUMNS, [voice.id, voice.name, kind, _when(voice.created_at)])
    return 0


@voices.command("delete")
@click.argument("voice_id")
@json_option
@pass_settings
def voices_delete(settings: Settings, voice_id: str, as_json: bool) -> int:
    """Delete a voice (its consent recording is kept)."""
    with settings.client() as client:
        deleted = client.voices.delete(voice_id)
    _show(settings, as_json, deleted, ("id", "deleted"), [deleted.id, str(deleted.deleted).lower()])
    return 0


@click.group()
def consents() -> None:
    """Voice consent recordings."""


@consents.command("create")
@click.option("--name", required=True)
@click.option("--recording", required=True, type=click.Path(path_type=Path), help="The consent recording.")
@click.option("--language", required=True, help="Language of the recording, e.g. en.")
@json_option
@pass_settings
def consents_create(settings: Settings, name: str, recording: Path, language: str, as_json: bool) -> int:
    """Upload a consent recording."""
    with settings.client() as client:
        consent = _upload(
            recording,
            "recording",
            lambda f: client.voice_consents.create(name=name, recording=f, language=language),
        )
    _show(settings, as_json, consent, CONSENT_COLUMNS, _consent_row(consent))
    return 0


@consents.command("list")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many (default: all).")
@click.option(
    "--page-size", type=click.IntRange(1, 100), default=100, show_default=True, help="Consents per request."
)
@json_option
@pass_settings
def consents_list(settings: Settings, limit: int | None, page_size: int, as_json: bool) -> int:
    """List consents, following every page."""
    with settings.client() as client:
        found: list[VoiceConsent] = []
        items: Iterator[VoiceConsent] = client.voice_consents.iter(limit=page_size)
        for consent in items:
            found.append(consent)
            if limit is not None and len(found) >= limit:
                break
    if as_json or settings.json:
        print_json([consent.to_dict() for consent in found])
    else:
        print_table(CONSENT_COLUMNS, [_consent_row(consent) for consent in found])
    return 0


@consents.command("get")
@click.argument("consent_id")
@json_option
@pass_settings
def consents_get(settings: Settings, consent_id: str, as_json: bool) -> int:
    """Show one consent."""
    with settings.client() as client:
        consent = client.voice_consents.retrieve(consent_id)
    _show(settings, as_json, consent, CONSENT_COLUMNS, _consent_row(consent))
    return 0


@consents.command("rename")
@click.argument("consent_id")
@click.argument("name")
@json_option
@pass_settings
def consents_rename(settings: Settings, consent_id: str, name: str, as_json: bool) -> int:
    """Give a consent a new name."""
    with settings.client() as client:
        consent = client.voice_consents.update(consent_id, name=name)
    _show(settings, as_json, consent, CONSENT_COLUMNS, _consent_row(consent))
    return 0


@consents.command("delete")
@click.argument("consent_id")
@json_option
@pass_settings
def consents_delete(settings: Settings, consent_id: str, as_json: bool) -> int:
    """Delete a consent."""
    with settings.client() as client:
        deleted = client.voice_consents.delete(consent_id)
    _show(settings, as_json, deleted, ("id", "deleted"), [deleted.id, str(deleted.deleted).lower()])
    return 0
