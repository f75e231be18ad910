"""``python -m openai_audio.testing``."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx


def test_module_entry_point_prints_base_url_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "openai_audio.testing", "--port", "0", "--api-key", "sk-cli"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        ok = httpx.get(
            f"{base_url}/audio/voice_consents", headers={"Authorization": "Bearer sk-cli"}, timeout=10
        )
        assert ok.status_code == 200
        denied = httpx.get(
            f"{base_url}/audio/voice_consents", headers={"Authorization": "Bearer other"}, timeout=10
        )
        assert denied.status_code == 401
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
