"""Cursor pages (``after`` = the last id seen) and lazy iteration over all of them.

As in the official SDK, iterating a page (``async for``) walks every item of it and of every
following page (fetched as iteration reaches them); ``.data`` is this page's items.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class _PageBase(Generic[T]):
    def __init__(
        self, data: Sequence[T], *, has_more: bool, first_id: str | None, last_id: str | None
    ) -> None:
        self.data: list[T] = list(data)
        self.has_more = has_more
        self.first_id = first_id
        self.last_id = last_id

    def __len__(self) -> int:
        """The number of items on this page (``len(page.data)``)."""
        return len(self.data)

    def __getitem__(self, index: int) -> T:
        return self.data[index]

    def has_next_page(self) -> bool:
        """Whether another page follows (``has_more`` and a cursor to continue from)."""
        # Without a last id there is no cursor to continue from, whatever has_more says.
        return self.has_more and bool(self.last_id) and bool(self.data)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(items={len(self.data)}, has_more={self.has_more}, last_id={self.last_id!r})"


_NO_NEXT_PAGE = "no next page: check page.has_next_page() before page.get_next_page()"


class AsyncPage(_PageBase[T]):
    """One page of a list; iterating it (``async for``) walks every item of every page from this one on."""

    def __init__(
        self,
        data: Sequence[T],
        *,
        has_more: bool,
        first_id: str | None,
        last_id: str | None,
        fetch: Callable[[str], Awaitable[AsyncPage[T]]],
    ) -> None:
        super().__init__(data, has_more=has_more, first_id=first_id, last_id=last_id)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T] | None:
        """The following page, or ``None`` after the last one."""
        if not self.has_next_page():
            return None
        assert self.last_id is not None
        return await self._fetch(self.last_id)

    async def get_next_page(self) -> AsyncPage[T]:
        """The following page; ``RuntimeError`` after the last one (the SDK's behaviour)."""
        page = await self.next_page()
        if page is None:
            raise RuntimeError(_NO_NEXT_PAGE)
        return page

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and every following one, fetched as needed."""
        page: AsyncPage[T] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def iter_all(self) -> AsyncIterator[T]:
        """Items of this page and every following one, fetched as needed."""
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self.iter_all()
