"""Transcription: every response format, timestamps, known speakers and chunking.

Reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (see quickstart.py). It records
its own input with text to speech, so it needs no audio file.
"""

from __future__ import annotations

from openai_audio import AudioClient


def main() -> None:
    with AudioClient() as client:
        meeting = client.speech.save(
            "Good morning everyone. The release is on track for Friday.", "meeting.wav", voice="alloy"
        )

        # json (the default) -> Transcription
        print("json:", client.transcriptions.create(meeting).text)

        # text / srt / vtt -> str (whisper-1)
        for fmt in ("text", "srt", "vtt"):
            result = client.transcriptions.create(meeting, model="whisper-1", response_format=fmt)
            print(f"{fmt}:", result.strip().splitlines()[-1])

        # verbose_json -> TranscriptionVerbose, with word timestamps
        verbose = client.transcriptions.create(
            meeting, model="whisper-1", response_format="verbose_json", timestamp_granularities=["word"]
        )
        print(f"verbose_json: {verbose.language}, {verbose.duration:.2f} s")
        for word in verbose.words[:4]:
            print(f"  {word.start:5.2f}s {word.word}")

        # diarized_json -> TranscriptionDiarized, with known speakers (2-10 s reference clips)
        reference = client.speech.save(
            "This is Priya. I am recording a short reference clip of my voice.", "priya.wav", voice="alloy"
        )
        diarized = client.transcriptions.create(
            meeting,
            model="gpt-4o-transcribe-diarize",
            response_format="diarized_json",
            known_speakers={"Priya": reference},
        )
        for segment in diarized.segments:
            print(f"diarized: [{segment.speaker}] {segment.text}")

        # Chunking long audio: "auto" or server-side voice activity detection.
        vad = client.transcriptions.create(
            meeting, chunking_strategy={"type": "server_vad", "silence_duration_ms": 500}
        )
        print("server_vad:", vad.text)


if __name__ == "__main__":
    main()
