"""The content generation: one number, kept in the shared cache, that changes whenever
any record of the case tracker may have changed.

Whatever is cached from records (API responses) carries the generation it was built
at in its key, so a save, a delete, a change of tags or a withdrawal makes every such
entry unreachable at once, in every worker. Raised by the signals connected in
``KazmonitorConfig.ready``, and explicitly after bulk writes that send no signals
(``import_data``). Saving an API key's last use does not count: it changes no record.
"""

import logging

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

KEY = "content:generation"
APPS = ("kazmonitor", "people", "cases")
NOT_CONTENT = ("people.ApiKey",)


def current() -> int:
    """The generation now (0 before the first change the cache has seen)."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 0, None)
        value = cache.get(KEY, 0)
    return value


def bump(key: str = KEY) -> None:
    """Raise a generation number. A cache that fails (Redis down) must never fail the
    save that triggered it, nor poison its transaction (hence the savepoint); what was
    cached then expires on its own timeout."""
    try:
        with transaction.atomic():
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, None)
    except Exception:  # noqa: BLE001
        logger.warning("could not raise the generation %s", key, exc_info=True)


def changed(**kwargs) -> None:
    """Signal receiver: stale from now on, and again once the change is committed, so
    that nothing built meanwhile from the old rows survives under the new number."""
    bump()
    transaction.on_commit(bump)


def _is_content(model) -> bool:
    label = model._meta.label
    return (
        model._meta.app_label in APPS
        and label not in NOT_CONTENT
        and not model.__name__.startswith("Historical")  # django-simple-history's copies
    )


def connect() -> None:
    for model in apps.get_models(include_auto_created=True):
        if not _is_content(model):
            continue
        uid = f"content-generation-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")
        if model._meta.auto_created:  # many-to-many tables (case tags, sources …)
            m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=f"{uid}-m2m")


def _m2m_changed(action: str, **kwargs) -> None:
    if action.startswith("post_"):
        changed()
