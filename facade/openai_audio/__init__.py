"""openai-audio: a typed client for the OpenAI Audio API."""

__version__ = "0.1.0"
