"""The click application: global options, commands, and the error handling around them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from openai_audio import (
    DEFAULT_MAX_RETRIES,
    AsyncAudioClient,
    AudioError,
    FileInput,
    __version__,
)
from openai_audio._capabilities import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TRANSCRIPTION_FORMATS,
    TRANSLATION_FORMATS,
    model_for_format,
)
from openai_audio._config import DEFAULT_RATE_LIMIT_TIMEOUT

from . import _batch, _speak
from ._errors import register_secret, report
from ._progress import progress_enabled
from ._settings import F, Settings, pass_settings
from ._speak import SPEECH_FORMATS
from ._voices import consents, voices

# "text" first: the default, answered by asking for json and printing its text (so any model does).
TRANSCRIBE_FORMATS = ("text", *(f for f in TRANSCRIPTION_FORMATS if f != "text"))
TRANSLATE_FORMATS = ("text", *(f for f in TRANSLATION_FORMATS if f != "text"))
# Output file extension per --format; "text" is the transcript alone, the json ones the whole object.
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "verbose_json": "json",
    "diarized_json": "json",
    "srt": "srt",
    "vtt": "vtt",
}


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--base-url", envvar="OPENAI_BASE_URL", show_envvar=True, help="API base URL.")
@click.option(
    "--api-key",
    envvar="OPENAI_API_KEY",
    show_envvar=True,
    show_default=False,
    metavar="KEY",
    help="API key (prefer the environment variable: command lines are visible to other users).",
)
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds per request.")
@click.option("--max-retries", type=click.IntRange(min=0), default=DEFAULT_MAX_RETRIES, show_default=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print results as JSON (same as each command's --json)."
)
@click.version_option(__version__, "--version", prog_name="openai-audio")
@click.pass_context
def cli(
    ctx: click.Context,
    base_url: str | None,
    api_key: str | None,
    timeout: float | None,
    max_retries: int,
    as_json: bool,
) -> None:
    """Speech, transcription, translation and voice consents from the command line."""
    register_secret(api_key)
    ctx.obj = Settings(api_key or None, base_url or None, timeout, max_retries, as_json)


# -- speech ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("text")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Audio file to write.",
)
@click.option("--voice", default="alloy", show_default=True, help="A built-in voice or a custom voice id.")
@click.option("--model", default=None, help="Default: the client's (gpt-4o-mini-tts).")
@click.option("--format", "fmt", type=click.Choice(SPEECH_FORMATS), help="Default: from the suffix.")
@click.option("--instructions", help="How to speak (not for tts-1 / tts-1-hd).")
@click.option("--speed", type=float, help="0.25 to 4.0.")
@pass_settings
def speak(
    settings: Settings,
    text: str,
    output: Path,
    voice: str,
    model: str | None,
    fmt: str | None,
    instructions: str | None,
    speed: float | None,
) -> int:
    """Say TEXT (or '-' for stdin) into OUTPUT, written atomically."""
    if text == "-":
        text = sys.stdin.read().rstrip("\n")
    with settings.client() as client:
        size = _speak.speak(
            client,
            text,
            output,
            voice=voice,
            model=model,
            fmt=fmt,
            instructions=instructions,
            speed=speed,
            progress=progress_enabled(),
        )
    click.echo(f"wrote {output} ({size} bytes)", err=True)
    return 0


# -- transcription and translation -----------------------------------------------------------------


def _render(result: Any, fmt: str) -> str:
    if isinstance(result, str):  # text, srt, vtt answers
        return result
    if fmt == "text":
        return str(result.text)
    from ._output import dump_json

    return dump_json(result.to_dict())


def _split_options(
    no_split: bool, max_concurrency: int, max_duration: float | None, max_upload_bytes: int | None
) -> dict[str, Any]:
    options: dict[str, Any] = {"split": not no_split, "max_concurrency": max_concurrency}
    if max_duration is not None:
        options["max_duration"] = max_duration
    if max_upload_bytes is not None:
        options["max_upload_bytes"] = max_upload_bytes
    return options


def _batch_options(formats: tuple[str, ...]) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        options = [
            click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path)),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(formats),
                default="text",
                show_default=True,
                help="text: the transcript alone; json/verbose_json/diarized_json: the API's object.",
            ),
            click.option("--model", help="Default depends on --format (srt, vtt, verbose_json: whisper-1)."),
            click.option(
                "--out-dir",
                type=click.Path(file_okay=False, path_type=Path),
                help="Write <stem>.<txt|json|srt|vtt> per file here instead of printing.",
            ),
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(1, 64),
                default=4,
                show_default=True,
                help="Files in flight at once (requests are paced to the rate limit regardless).",
            ),
            click.option("--force", is_flag=True, help="Redo files whose output already exists."),
            click.option(
                "--requests-per-minute",
                "rpm",
                type=click.FloatRange(min=0, min_open=True),
                metavar="N",
                help="Send at most N requests/min: give each process sharing one key its share of the "
                "limit. Default: the limit the API reports.",
            ),
            click.option(
                "--rate-limit-timeout",
                type=click.FloatRange(min=0),
                default=DEFAULT_RATE_LIMIT_TIMEOUT,
                show_default=True,
                metavar="SECONDS",
                help="How long one file keeps retrying 429 rate-limit answers before it fails.",
            ),
            click.option(
                "--chunks-at-once",
                "max_concurrency",
                type=click.IntRange(1, 64),
                default=4,
                show_default=True,
                help="Recordings over the model's limits (25 MB; 1500 s for gpt-4o models) are split "
                "at pauses and sent in chunks: this many of one recording's chunks at once.",
            ),
            click.option(
                "--no-split",
                is_flag=True,
                help="Send every recording whole, even over the limits (the API then refuses it).",
            ),
            click.option(
                "--max-duration",
                type=click.FloatRange(min=1),
                help="Seconds of audio per request (default: the model's); for OpenAI-compatible servers.",
            ),
            click.option(
                "--max-upload-bytes",
                type=click.IntRange(min=1024),
                help="Bytes per request (default: 26214400); for OpenAI-compatible servers.",
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@dataclass(frozen=True)
class Pacing:
    requests_per_minute: float | None
    rate_limit_timeout: float


def _run_files(
    settings: Settings,
    files: tuple[Path, ...],
    out_dir: Path | None,
    fmt: str,
    jobs: int,
    force: bool,
    operation: _batch.Operation,
    verb: str,
    pacing: Pacing,
) -> int:
    try:
        planned = _batch.plan(files, out_dir, EXTENSIONS[fmt])
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    return _batch.run_batch(
        planned,
        make_client=lambda: settings.async_client(
            requests_per_minute=pacing.requests_per_minute, rate_limit_timeout=pacing.rate_limit_timeout
        ),
        operation=operation,
        jobs_at_once=jobs,
        force=force,
        verb=verb,
    )


@cli.command()
@_batch_options(TRANSCRIBE_FORMATS)
@click.option("--language", help="ISO-639-1 code of the spoken language, e.g. en.")
@click.option("--stream", is_flag=True, help="Print the text as it is recognised (one file, text format).")
@pass_settings
def transcribe(
    settings: Settings,
    files: tuple[Path, ...],
    fmt: str,
    model: str | None,
    out_dir: Path | None,
    jobs: int,
    force: bool,
    rpm: float | None,
    rate_limit_timeout: float,
    max_concurrency: int,
    no_split: bool,
    max_duration: float | None,
    max_upload_bytes: int | None,
    language: str | None,
    stream: bool,
) -> int:
    """Transcribe audio FILES; prints one file's text, or writes each to --out-dir.

    With --out-dir the batch is resumable: files whose output exists are skipped, so after an
    interruption the same command finishes the rest. Requests are paced to the account's rate
    limit; an exhausted quota stops the batch at once (exit 1). The summary on stderr counts
    done / skipped / failed files and the rate achieved.

    Recordings of any length work: one over the model's limits is split at pauses, its chunks
    are transcribed concurrently and stitched back (srt/vtt cues renumbered, timestamps moved),
    with a progress bar per recording. Compressed audio (mp3, m4a, ...) over the limits needs
    PyAV: pip install 'openai-audio[media]'.
    """
    options: dict[str, Any] = {
        "response_format": "json" if fmt == "text" else fmt,
        **_split_options(no_split, max_concurrency, max_duration, max_upload_bytes),
    }
    # Without --model, a format the default model does not answer picks a model that does.
    wire_format = options["response_format"]
    if model or model_for_format(wire_format) != DEFAULT_TRANSCRIPTION_MODEL:
        options["model"] = model or model_for_format(wire_format)
    if language:
        options["language"] = language
    if stream:
        if len(files) != 1 or out_dir is not None or fmt != "text":
            raise click.UsageError("--stream takes one file, prints text, and cannot be used with --out-dir")
        options.pop("response_format")
        return _stream_transcript(settings, files[0], options)

    async def operation(
        client: AsyncAudioClient, file: FileInput, progress: _batch.ChunkProgress | None
    ) -> str:
        return _render(await client.transcriptions.create(file, **options, on_chunk_done=progress), fmt)

    pacing = Pacing(rpm, rate_limit_timeout)
    return _run_files(settings, files, out_dir, fmt, jobs, force, operation, "transcribed", pacing)


def _stream_transcript(settings: Settings, path: Path, options: dict[str, Any]) -> int:
    from openai_audio._streaming import TranscriptTextDeltaEvent, TranscriptTextDoneEvent

    printed = False
    with settings.client() as client, client.transcriptions.stream(path, **options) as events:
        for event in events:
            if isinstance(event, TranscriptTextDeltaEvent):
                sys.stdout.write(event.delta)
                sys.stdout.flush()
                printed = True
            elif isinstance(event, TranscriptTextDoneEvent) and not printed:
                sys.stdout.write(event.text)  # a server that sent no deltas
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


@cli.command()
@_batch_options(TRANSLATE_FORMATS)
@pass_settings
def translate(
    settings: Settings,
    files: tuple[Path, ...],
    fmt: str,
    model: str | None,
    out_dir: Path | None,
    jobs: int,
    force: bool,
    rpm: float | None,
    rate_limit_timeout: float,
    max_concurrency: int,
    no_split: bool,
    max_duration: float | None,
    max_upload_bytes: int | None,
) -> int:
    """Translate speech in FILES into English text; like transcribe (long recordings included)."""
    options: dict[str, Any] = {
        "response_format": "json" if fmt == "text" else fmt,
        **_split_options(no_split, max_concurrency, max_duration, max_upload_bytes),
    }
    if model:
        options["model"] = model

    async def operation(
        client: AsyncAudioClient, file: FileInput, progress: _batch.ChunkProgress | None
    ) -> str:
        return _render(await client.translations.create(file, **options, on_chunk_done=progress), fmt)

    pacing = Pacing(rpm, rate_limit_timeout)
    return _run_files(settings, files, out_dir, fmt, jobs, force, operation, "translated", pacing)


cli.add_command(voices)
cli.add_command(consents)


# -- local server ----------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0 picks a free port."
)
@click.option(
    "--api-key",
    "server_keys",
    multiple=True,
    show_default=False,
    metavar="KEY",
    help="Accept only this key (repeatable). Default: any non-empty key.",
)
@click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file for consents and voices."
)
@click.option(
    "--requests-per-minute",
    "server_rpm",
    type=click.IntRange(min=1),
    metavar="N",
    help="Limit each API key to N requests/min with OpenAI's 429s and x-ratelimit headers.",
)
@click.option(
    "--processing-speed",
    metavar="SPEED",
    help="Simulate processing time: e.g. 30x answers a 60 s recording after 2 s. Default: at once.",
)
def serve(
    host: str,
    port: int,
    server_keys: tuple[str, ...],
    db: Path | None,
    server_rpm: int | None,
    processing_speed: str | None,
) -> int:
    """Run the local test server in the foreground; the first line printed is its base URL."""
    from openai_audio.testing._processing import parse_speed

    from ._serve import serve as run_server

    try:
        speed = parse_speed(processing_speed)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--processing-speed'") from None
    for key in server_keys:
        register_secret(key)
    return run_server(
        host=host,
        port=port,
        api_keys=server_keys or None,
        db=db,
        requests_per_minute=server_rpm,
        processing_speed=speed,
    )


# -- entry point -----------------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> int:
    register_secret(os.environ.get("OPENAI_API_KEY"))
    try:
        result = cli.main(args=argv, prog_name="openai-audio", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()  # usage errors keep click's exit code (2)
        return exc.exit_code
    except click.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("interrupted", err=True)
            return 130
        click.echo("Aborted!", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a message.
        sys.stderr.close()
        return 1
    except (AudioError, OSError) as exc:
        report(exc)
        return 1
    return result if isinstance(result, int) else 0
