"""Voice consents and custom voices: create, retrieve, rename, list page by page, delete.

Reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (see quickstart.py). On OpenAI,
custom voices are limited to eligible organisations; the local server always allows them.
"""

from __future__ import annotations

from openai_audio import AudioClient, NotFoundError


def main() -> None:
    with AudioClient() as client:
        # Stand-ins for real recordings of the speaker.
        client.speech.save(
            "I agree that my voice may be used to create a custom voice.", "consent.wav", voice="nova"
        )
        client.speech.save("This is what my voice sounds like when I read aloud.", "sample.wav", voice="nova")

        created = [
            client.voice_consents.create(name=name, recording="consent.wav", language="en")
            for name in ("Ada", "Grace", "Barbara")
        ]
        first = created[0]
        print(f"created {first.id} ({first.name})")
        print(f"retrieved: {client.voice_consents.retrieve(first.id).name}")
        print(f"renamed: {client.voice_consents.update(first.id, name='Ada Lovelace').name}")

        # One page at a time...
        first_page = client.voice_consents.list(limit=2)
        for number, page in enumerate(first_page.iter_pages(), start=1):
            print(f"page {number}: {[consent.name for consent in page.data]}")
        # ...or every consent, pages fetched lazily.
        print(f"all consents: {sum(1 for _ in client.voice_consents.iter())}")

        voice = client.voices.create(name="Ada", audio_sample="sample.wav", consent=first)
        print(f"voice {voice.id} ({voice.name})")
        path = client.speech.save("Hello in a custom voice.", "custom-voice.wav", voice=voice)
        print(f"spoke with it: {path}")

        for consent in created:
            client.voice_consents.delete(consent.id)
        try:
            client.voice_consents.retrieve(first.id)
        except NotFoundError:
            print("deleted")


if __name__ == "__main__":
    main()
