"""The content generation: a value that changes whenever any record of the case
tracker may have changed.

Whatever is cached from records (API responses, public pages) carries the generation
it was built at in its key, so a save, a delete, a change of tags or a withdrawal
makes every such entry unreachable at once, in every worker. It has two parts:

- a number in the shared cache, raised by the model signals connected in
  ``KazmonitorConfig.ready`` when a change is made and again when it is committed
  (so nothing built from the old rows in between survives under the new number);
- a counter in the database, raised by triggers on every table of records
  (``install_triggers``, run after each ``migrate``), so that writes which send no
  signals (a bulk ``QuerySet.update()`` in a shell, raw SQL, a bulk import) make the
  cache stale too. On PostgreSQL it is a sequence (no lock, so writers never wait on
  each other); on SQLite a one-row table, raised in the writing transaction.

Saving an API key's last use does not count: it changes no record.
"""

import logging

from django.apps import apps
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

KEY = "content:generation"
APPS = ("kazmonitor", "people", "cases")
# Not records: API keys; the public name words, which change only with a person or an
# alias (whose own change raises the counter).
NOT_CONTENT = ("people.ApiKey", "people.PublicNameWord")


# The database counter: a sequence on PostgreSQL, a one-row table on SQLite.
SEQUENCE = TABLE = "kazmonitor_content_generation"


def current() -> str:
    """The generation now: the shared cache's number and the database's counter."""
    return f"{cache_number()}.{database_counter()}"


def cache_number() -> int:
    """The signal-raised part alone (no query): enough where a bulk write that sends no
    signal may show late, within the entry's timeout (the statistics figures)."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 0, None)
        value = cache.get(KEY, 0)
    return value


def database_counter() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT last_value + is_called::int FROM kazmonitor_content_generation")
        else:
            cursor.execute("SELECT value FROM kazmonitor_content_generation")
        return cursor.fetchone()[0]


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


def content_tables() -> list[str]:
    """Every table of records, many-to-many tables included."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if _is_content(model) and model._meta.managed and not model._meta.proxy
    )


def install_triggers(using: str = "default", **kwargs) -> None:
    """Create (or re-create) the database counter and a trigger on every table of records
    that raises it. Idempotent; run after every ``migrate`` (``post_migrate``), so a new
    model gets its trigger with the migration that creates its table."""
    db = connections[using]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
            cursor.execute(
                "CREATE OR REPLACE FUNCTION kazmonitor_content_changed() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN PERFORM nextval('{SEQUENCE}'); RETURN NULL; END $$"
            )
            for table in content_tables():
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER kazmonitor_content_changed AFTER INSERT OR UPDATE OR DELETE "
                    f'OR TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION kazmonitor_content_changed()'
                )
        elif db.vendor == "sqlite":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (value integer NOT NULL)")
            cursor.execute(
                "INSERT INTO kazmonitor_content_generation (value) "
                "SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM kazmonitor_content_generation)"
            )
            for table in content_tables():
                for operation in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(  # table names from the models' Meta, never from input
                        f'CREATE TRIGGER IF NOT EXISTS "{table}_content_{operation.lower()}" AFTER {operation} '  # noqa: S608
                        f'ON "{table}" BEGIN UPDATE {TABLE} SET value = value + 1; END'
                    )
