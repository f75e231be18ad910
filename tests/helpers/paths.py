"""Well-known locations in the repository."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT / "openapi.yaml"
PRISM_BIN = REPO_ROOT / "node_modules" / ".bin" / "prism"
# The upstream OpenAI document lives next to the checkout (see the Makefile's SPEC).
UPSTREAM_SPEC = REPO_ROOT.parent / "shared" / "reference" / "openai-openapi.yaml"
