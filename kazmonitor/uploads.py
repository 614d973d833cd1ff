"""Uploaded source documents: what is accepted, and under which name it is stored.

The type is decided by the file's first bytes, never by its name or the browser's
Content-Type; the stored name is random, never the uploader's."""

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024

# extension → (content type, test on the first bytes)
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "txt": "text/plain; charset=utf-8",
}
_SNIFF_BYTES = 8192


def _is_text(head: bytes, complete: bool) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if complete or error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\n\r\f" for ch in text)


def sniff(head: bytes, complete: bool = False) -> str | None:
    """The extension of an accepted document type from its first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head and _is_text(head, complete):
        return "txt"
    return None


def validate_document(upload) -> str:
    """Check size and type of an uploaded file; return its extension. Raises ValidationError."""
    if upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("The file is %(size)s MB; documents may be at most 20 MB."),
            code="too_large",
            params={"size": f"{upload.size / 1024 / 1024:.1f}"},
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    extension = sniff(head, complete=upload.size <= _SNIFF_BYTES)
    if extension is None:
        raise ValidationError(
            _("Only PDF, PNG, JPEG and plain-text (UTF-8) documents are accepted; this file is none of those."),
            code="bad_type",
        )
    return extension


def random_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"
