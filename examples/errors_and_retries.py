"""Errors and retries: local argument checks, API errors, and retry settings.

Reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (see quickstart.py). Set
OPENAI_LOG=info to see each request and retry decision on stderr.
"""

from __future__ import annotations

from openai_audio import (
    APIConnectionError,
    APIStatusError,
    AudioClient,
    InvalidArgumentError,
    NotFoundError,
    RateLimitError,
)


def main() -> None:
    with AudioClient(max_retries=3) as client:  # retries: connection errors, 408/409/429/5xx
        # Argument errors are raised before any network I/O and name the argument.
        try:
            client.speech.create("Too fast.", voice="alloy", speed=10)
        except InvalidArgumentError as exc:
            print(f"invalid argument {exc.argument!r}: {exc}")

        # API errors carry the server's status, message, code and request id.
        try:
            client.voice_consents.retrieve("cons_does_not_exist")
        except NotFoundError as exc:
            print(f"{exc.status_code} {exc.code}: {exc.message} (request {exc.request_id})")

        # A copy with other settings, sharing the connection pool: fail fast here.
        fast = client.with_options(max_retries=0, timeout=15)
        try:
            audio = fast.speech.create("No second chances.", voice="alloy")
            print(f"fast call: {len(audio)} bytes")
        except RateLimitError as exc:
            print(f"rate limited, not retried: {exc}")
        except APIStatusError as exc:
            print(f"API error {exc.status_code}: {exc.message}")
        except APIConnectionError as exc:
            print(f"network trouble: {exc}")


if __name__ == "__main__":
    main()
