"""What each request is, shared by the sync and async resources: argument checks, the
:class:`~openai_audio._call.APICall` to send and how its response is parsed. No I/O here."""
