"""MkDocs hook: render the Sphinx cross-reference roles used in the façade's docstrings.

Docstrings say ``:meth:`stream``` or ``:class:`StreamError```; Markdown turns the backticked
part into ``<code>``, leaving the role name in front of it. Drop the role, keep the code; and
turn reST's ``Example::`` into ``Example:``.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:meth|func|class|attr|exc|mod|data|obj):(?=<code>)")
# reST's "Example::" introduces a literal block; Markdown already shows the block as code.
_LITERAL_INTRO = re.compile(r"::</p>")


def on_page_content(html: str, **kwargs: Any) -> str:
    return _LITERAL_INTRO.sub(":</p>", _ROLE.sub("", html))
