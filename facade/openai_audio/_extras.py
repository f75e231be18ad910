"""Optional extras (``openai-audio[cli]``, ``openai-audio[server]``): one clear error naming the
pip command when a feature's extra is not installed, instead of a bare ``ModuleNotFoundError``."""

from __future__ import annotations

import importlib.util

# The modules each extra brings, as alternatives where a distribution was renamed
# (python-multipart imports as ``python_multipart`` since 0.0.13, ``multipart`` before).
_MODULES: dict[str, tuple[tuple[str, ...], ...]] = {
    "cli": (("click",), ("rich",)),
    "server": (("starlette",), ("uvicorn",), ("python_multipart", "multipart")),
}


class ExtraNotInstalledError(ModuleNotFoundError):
    """A feature needs an optional extra that is not installed; the message says how to get it."""

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(
            f"{feature} needs the '{extra}' extra (module {module!r} is missing): "
            f"pip install 'openai-audio[{extra}]'",
            name=module,
        )
        self.extra = extra


def missing_module(extra: str) -> str | None:
    """The first module of ``extra`` that cannot be imported, or None when all can."""
    for alternatives in _MODULES[extra]:
        if not any(importlib.util.find_spec(name) is not None for name in alternatives):
            return alternatives[0]
    return None


def require(extra: str, feature: str) -> None:
    """Raise ExtraNotInstalledError unless every module of ``extra`` can be imported."""
    module = missing_module(extra)
    if module is not None:
        raise ExtraNotInstalledError(feature, extra, module)
