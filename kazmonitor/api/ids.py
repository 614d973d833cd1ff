"""Identifiers that do not give away who a protected person is.

A protected person keeps its real ``uuid`` in the database, but the API shows a
different, stable identifier derived from it with a keyed hash, so a mirror that
knew the person before protection cannot link the pseudonym to the real name."""

import uuid

from django.conf import settings
from django.utils.crypto import salted_hmac


def masked_uuid(value: uuid.UUID) -> uuid.UUID:
    secret = getattr(settings, "API_PSEUDONYM_SECRET", "") or settings.SECRET_KEY
    digest = salted_hmac("kazmonitor.api.protected-person", str(value), secret=secret, algorithm="sha256").digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
