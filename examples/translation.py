"""Translation into English, in every response format.

Reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (see quickstart.py).
"""

from __future__ import annotations

from openai_audio import AudioClient


def main() -> None:
    with AudioClient() as client:
        # A French sentence to translate (the voice reads it as written).
        clip = client.speech.save("Bonjour à tous, la réunion commence.", "bonjour.wav", voice="alloy")

        print("json:", client.translations.create(clip).text)
        print("text:", client.translations.create(clip, response_format="text").strip())
        print("srt:", client.translations.create(clip, response_format="srt").splitlines()[1])
        verbose = client.translations.create(clip, response_format="verbose_json")
        print(f"verbose_json: {verbose.duration:.2f} s in {len(verbose.segments)} segment(s)")


if __name__ == "__main__":
    main()
