"""Well-known locations in the repository."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT / "openapi.yaml"
PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"
# The pinned upstream OpenAI document, kept in the repository (the Makefile's default SPEC).
UPSTREAM_SPEC = REPO_ROOT / "spec" / "upstream" / "openai-openapi.yaml"
