"""Shared by the generation tests: what to do when something they need is not on this machine."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NoReturn

import pytest


def in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this is a CI run (CI set to anything but empty/0/false/no), as tests/contract decides."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_unless_ci(message: str, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Skip on a developer's machine; fail in CI, which must never pass by silently skipping."""
    if in_ci(environ):
        pytest.fail(f"{message} (CI is set: this must not be skipped)", pytrace=False)
    pytest.skip(message)
