"""The ``openai_audio`` logger, switched on by ``OPENAI_LOG=debug|info|warning|error`` (as the SDK's).

Only method, URL, status, timing and retry decisions are logged: never headers,
so the Authorization header cannot leak into logs.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("openai_audio")

_configured = False

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def configure_from_env() -> None:
    """Attach a stderr handler once if OPENAI_LOG asks for it; otherwise leave logging to the app."""
    global _configured
    if _configured:
        return
    _configured = True
    level = LEVELS.get(os.environ.get("OPENAI_LOG", "").strip().lower())
    if level is None:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
