"""Writes for API keys: create (the key is shown once, only its hash is kept) and revoke."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from people.models import ApiKey, Organization

PREFIX_BYTES = 6  # 8 URL-safe characters


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> tuple[str, str]:
    """``(prefix, full key)``; the key reads ``<prefix>.<secret>``."""
    prefix = secrets.token_urlsafe(PREFIX_BYTES).replace("-", "x").replace("_", "y")
    return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_key_create(
    *,
    organization: Organization,
    name: str,
    level: int = ApiKey.Level.PUBLIC,
    rate_limit: int | None = None,
    created_by=None,
    instance: ApiKey | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with its plain text, which is never stored: show it
    to the editor once. ``instance`` lets the admin save the object it validated."""
    key = instance or ApiKey()
    key.organization, key.name, key.level, key.rate_limit = organization, name, level, rate_limit
    key.created_by = created_by
    prefix, plain = generate_key()
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix, plain = generate_key()
    key.prefix, key.hashed_key = prefix, hash_key(plain)
    key.save()
    return key, plain


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_touch(*, key: ApiKey, every_seconds: int = 60) -> None:
    """Record the key's last use, at most once per ``every_seconds``."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= every_seconds:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
