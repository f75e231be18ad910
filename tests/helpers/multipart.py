"""Parse a captured ``multipart/form-data`` body with the standard library's email parser."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None  # None when the part had no Content-Type header
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


def boundary_of(content_type: str) -> str:
    """The boundary parameter of a multipart Content-Type header value."""
    msg = EmailMessage(policy=policy.HTTP)
    msg["Content-Type"] = content_type
    boundary = msg.get_boundary()
    if not boundary:
        raise ValueError(f"no boundary in {content_type!r}")
    return boundary


def parse_multipart(content_type: str, body: bytes) -> list[Part]:
    """The parts of ``body`` in wire order; raises ValueError if it is not well-formed multipart."""
    # The email parser wants a whole message: prepend the one header that matters.
    raw = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    msg = BytesParser(policy=policy.HTTP).parsebytes(raw)
    if not isinstance(msg, EmailMessage) or not msg.is_multipart():
        raise ValueError(f"not a multipart body (Content-Type {content_type!r})")
    if msg.defects:
        raise ValueError(f"malformed multipart body: {msg.defects}")
    parts: list[Part] = []
    for sub in msg.iter_parts():
        if sub.get_content_disposition() != "form-data":
            raise ValueError(f"part without form-data disposition: {sub.items()}")
        name = sub.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ValueError(f"part without a name: {sub.items()}")
        payload = sub.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        parts.append(Part(name, sub.get_filename(), sub.get("Content-Type"), data))
    return parts
