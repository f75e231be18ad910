"""Speech in any language to English text: ``Translations`` (sync) and ``AsyncTranslations``.

The classes are written once, async, in ``_async/translations.py``; ``Translations`` is
generated from it (``_sync/translations.py``). The checks and the call live in
``_calls/translations.py``.
"""

from ._async.translations import AsyncTranslations
from ._calls.translations import (
    DEFAULT_MODEL,
    Translation,
    TranslationOptions,
    TranslationResult,
    TranslationVerbose,
)
from ._sync.translations import Translations

__all__ = [
    "DEFAULT_MODEL",
    "AsyncTranslations",
    "Translation",
    "TranslationOptions",
    "TranslationResult",
    "TranslationVerbose",
    "Translations",
]
