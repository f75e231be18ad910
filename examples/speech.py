"""Text to speech: bytes in memory, files on disk, formats, instructions and speed.

Reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (see quickstart.py).
"""

from __future__ import annotations

from pathlib import Path

from openai_audio import AudioClient, InvalidArgumentError


def main() -> None:
    with AudioClient() as client:
        # The whole clip in memory (mp3 unless response_format says otherwise).
        mp3 = client.speech.create("A short clip, kept in memory.", voice="coral")
        print(f"create(): {len(mp3)} bytes of mp3")

        # Straight to disk, atomically; the format comes from the suffix.
        out = Path("speech-out")
        out.mkdir(exist_ok=True)
        for suffix in ("wav", "mp3", "pcm"):
            path = client.speech.save("One file per format.", out / f"sample.{suffix}", voice="nova")
            print(f"save(): {path} {path.stat().st_size} bytes")

        # How it is said: instructions (gpt-4o-mini-tts) and speed (0.25-4.0).
        styled = client.speech.save(
            "Thank you for calling. Your call matters to us.",
            out / "styled.wav",
            voice="sage",
            instructions="Calm and reassuring, like a helpful receptionist.",
            speed=0.9,
        )
        print(f"styled: {styled.name}")

        # Mistakes are caught before anything is sent.
        try:
            client.speech.save("Which format?", out / "notes.txt", voice="sage")
        except InvalidArgumentError as exc:
            print(f"refused locally: {exc}")


if __name__ == "__main__":
    main()
