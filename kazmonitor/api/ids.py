"""Identifiers that do not give away who a protected person is.

A protected person keeps its real ``uuid`` in the database, but the API shows a
different, stable identifier derived from it with a keyed hash: the identifier
alone does not tell who it is. A mirror that already held records naming the person
(their cases, charges, detentions) can still link the two through those records; the
old identifier gets a tombstone, which partners must apply (README, "API")."""

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
