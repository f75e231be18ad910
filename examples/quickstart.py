"""Quick start: say a sentence, save it, and transcribe it back.

Run against OpenAI:            OPENAI_API_KEY=sk-... python examples/quickstart.py
Run against the local server:  python -m openai_audio.testing --port 8765   (in another terminal)
                               OPENAI_BASE_URL=http://127.0.0.1:8765/v1 OPENAI_API_KEY=sk-local \
                               python examples/quickstart.py
"""

from __future__ import annotations

from openai_audio import AudioClient

SENTENCE = "The quick brown fox jumps over the lazy dog."


def main() -> None:
    # OPENAI_API_KEY and OPENAI_BASE_URL come from the environment.
    with AudioClient() as client:
        path = client.speech.save(SENTENCE, "quickstart.wav", voice="alloy")
        print(f"saved {path} ({path.stat().st_size} bytes)")

        transcript = client.transcriptions.create(path)
        print(f"transcript: {transcript.text}")


if __name__ == "__main__":
    main()
