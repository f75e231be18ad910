"""Reusable test helpers: a recording loopback HTTP server, a multipart parser and a Prism runner."""

from .multipart import Part, boundary_of, parse_multipart
from .paths import PRISM_BIN, REPO_ROOT, SPEC, UPSTREAM_SPEC
from .prism import PrismError, PrismServer
from .recording_server import CannedResponse, RecordedRequest, RecordingServer

__all__ = [
    "PRISM_BIN",
    "REPO_ROOT",
    "SPEC",
    "UPSTREAM_SPEC",
    "CannedResponse",
    "Part",
    "PrismError",
    "PrismServer",
    "RecordedRequest",
    "RecordingServer",
    "boundary_of",
    "parse_multipart",
]
