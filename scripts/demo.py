"""`make demo`: a full round trip through the `openai-audio` CLI against the local server.

No API key or network needed: `openai-audio serve` runs the bundled local server (its first
stdout line is the base URL) and every other step is the CLI run as a subprocess, printed as
you would type it. Exits non-zero if any step fails or the transcript differs from the text.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = "The quick brown fox jumps over the lazy dog."
# The local server accepts any key; a placeholder keeps real keys out of the demo.
DEMO_KEY = "sk-local-demo"
CLI = [sys.executable, "-m", "openai_audio.cli"]


class DemoError(Exception):
    pass


def run(*args: str, env: dict[str, str], cwd: Path) -> str:
    """Run `openai-audio ARGS`, echo the command and its output, return stdout."""
    print(f"$ openai-audio {shlex.join(args)}", flush=True)
    result = subprocess.run([*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    for stream in (result.stdout, result.stderr):
        if stream.strip():
            print("  " + stream.rstrip("\n").replace("\n", "\n  "), flush=True)
    if result.returncode != 0:
        raise DemoError(f"`openai-audio {args[0]}` exited with {result.returncode}")
    return result.stdout


def start_server() -> tuple[subprocess.Popen[str], str]:
    print("$ openai-audio serve --port 0", flush=True)
    server = subprocess.Popen(
        [*CLI, "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    if not url.startswith("http"):
        server.kill()
        raise DemoError(f"the server did not print its URL (got {url!r})")
    print(f"  {url}", flush=True)
    return server, url


def stop_server(server: subprocess.Popen[str]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    print(f"server stopped (exit code {server.returncode})", flush=True)


def demo(url: str, workdir: Path) -> None:
    env = {**os.environ, "OPENAI_BASE_URL": url, "OPENAI_API_KEY": DEMO_KEY, "OPENAI_AUDIO_PROGRESS": "0"}
    env.pop("OPENAI_ORG_ID", None)

    print("\n# Text to speech, and back")
    run("speak", SENTENCE, "-o", "sentence.wav", "--voice", "alloy", env=env, cwd=workdir)
    transcript = run("transcribe", "sentence.wav", env=env, cwd=workdir).strip()
    if transcript != SENTENCE:
        raise DemoError(f"round trip mismatch: said {SENTENCE!r}, heard {transcript!r}")
    print(f"round trip ok: {transcript!r}")

    print("\n# Batch transcription into a folder (resumable: a second run skips finished files)")
    run("transcribe", "sentence.wav", "--out-dir", "transcripts", "--format", "srt", env=env, cwd=workdir)
    run("transcribe", "sentence.wav", "--out-dir", "transcripts", "--format", "srt", env=env, cwd=workdir)

    print("\n# Voice consents")
    ids: list[str] = []
    speakers = (("Ada", "I, Ada, consent to my voice being used."), ("Grace", "I, Grace, consent too."))
    for name, text in speakers:
        recording = f"{name.lower()}-consent.wav"
        run("speak", text, "-o", recording, env=env, cwd=workdir)
        args = ("--name", name, "--recording", recording, "--language", "en", "--json")
        created = run("consents", "create", *args, env=env, cwd=workdir)
        ids.append(json.loads(created)["id"])
    listed = json.loads(run("consents", "list", "--json", env=env, cwd=workdir))
    missing = set(ids) - {item["id"] for item in listed}
    if missing:
        raise DemoError(f"consents not listed: {sorted(missing)}")
    run("consents", "list", env=env, cwd=workdir)
    renamed = json.loads(run("consents", "rename", ids[0], "Ada Lovelace", "--json", env=env, cwd=workdir))
    if renamed["name"] != "Ada Lovelace":
        raise DemoError(f"rename did not stick: {renamed}")
    for consent_id in ids:
        run("consents", "delete", consent_id, env=env, cwd=workdir)


def main() -> int:
    started = time.monotonic()
    server, url = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="openai-audio-demo-") as tmp:
            demo(url, Path(tmp))
    except DemoError as exc:
        print(f"\ndemo FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        stop_server(server)
    print(f"\ndemo passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
