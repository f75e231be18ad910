"""Cursor pages: ``AsyncPage`` is written once in ``_async/pagination.py``; ``Page`` is generated
from it (``_sync/pagination.py``)."""

from ._async.pagination import AsyncPage
from ._sync.pagination import Page

__all__ = ["AsyncPage", "Page"]
