"""The raw generated client: every operation of the spec, on the same pool, key and retries.

Reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (see quickstart.py).
"""

from __future__ import annotations

from http import HTTPStatus

from openai_audio import AudioClient
from openai_audio_api.api.audio import create_speech, get_voice_consent, list_voice_consents
from openai_audio_api.models import CreateSpeechRequest


def main() -> None:
    with AudioClient() as client:
        # sync_detailed(): status, headers and raw content, plus the parsed model.
        listing = list_voice_consents.sync_detailed(client=client.raw, limit=5)
        print(f"list: HTTP {int(listing.status_code)}, request id {listing.headers.get('x-request-id')}")
        if listing.parsed is not None:
            print(f"  {len(listing.parsed.data)} consent(s) on the first page")

        # sync(): just the parsed model, or None for a status the spec does not describe.
        missing = get_voice_consent.sync_detailed(client=client.raw, consent_id="cons_missing")
        if missing.status_code != HTTPStatus.OK:
            print(f"get: HTTP {int(missing.status_code)} (the raw client does not raise)")

        # Request models use the spec's fields; keywords get a trailing underscore (input_).
        body = CreateSpeechRequest(model="gpt-4o-mini-tts", input_="From the raw client.", voice="alloy")
        speech = create_speech.sync_detailed(client=client.raw, body=body)
        kind = speech.headers["content-type"]
        print(f"speech: HTTP {int(speech.status_code)}, {len(speech.content)} bytes of {kind}")


if __name__ == "__main__":
    main()
