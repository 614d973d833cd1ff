"""PostgreSQL-only search indexes, created by migrations ``people 0003``, ``cases 0005``
and ``cases 0011`` (the translations of titles and of summaries joined into one indexed
text each: ``kazmonitor.search.Joined``).

Django's ``contains`` on ``name_key`` is ``name_key::text LIKE '%key%'`` and
``icontains`` is ``UPPER(col::text) LIKE UPPER('%text%')``: a trigram GIN index
(``pg_trgm``) on exactly that expression answers both without reading the table.
The case full-text index is on the expression ``cases.models.case._full_text_match`` uses.

Other databases (SQLite in development and tests) get nothing here and search by
scanning, which is fine at their size. Where ``pg_trgm`` cannot be created (no
contrib package, no privilege) the trigram indexes are skipped with a warning and
searches still work, only slower."""

import warnings

from django.db import DatabaseError, migrations, transaction


def trigram_available(schema_editor) -> bool:
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        warnings.warn(f"pg_trgm is not available ({error}); name and text search will scan.", stacklevel=1)
        return False
    return True


def create(schema_editor, trigram: dict[str, str], other: dict[str, str] | None = None) -> None:
    """``trigram``: index name → ``table (expression gin_trgm_ops)``; ``other``: name → full clause."""
    if schema_editor.connection.vendor != "postgresql":
        return
    if trigram and trigram_available(schema_editor):
        for name, target in trigram.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    for name, clause in (other or {}).items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {clause}")


def drop(schema_editor, names) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def replacing(new: dict[str, str], old: dict[str, str]):
    """A migration operation that creates the trigram indexes ``new`` and drops ``old``
    (and the reverse when unapplied), on PostgreSQL only."""

    def forward(apps, schema_editor):
        create(schema_editor, new)
        drop(schema_editor, old)

    def backward(apps, schema_editor):
        create(schema_editor, old)
        drop(schema_editor, new)

    return migrations.RunPython(forward, backward, elidable=False)


def analyze_unless_empty(schema_editor, table: str) -> None:
    """``ANALYZE table`` if it holds rows. Statistics taken of an empty table tell the
    planner it is empty until the next analysis, and a search or a trigger planned on
    that reads it whole for every lookup; a table never analysed is sized by its pages."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT FROM {table})")  # noqa: S608 (a table name of the code's)
        if cursor.fetchone()[0]:
            cursor.execute(f"ANALYZE {table}")
