"""On PostgreSQL, ``detention_held_until_idx`` also carries each detention's case and
visibility (``INCLUDE``), so "the cases with someone held on a day" (the API's
``cases?detained_on=`` for a past day: ``cases.filters.DetainedOnFilter``) is read
from the index alone instead of scanning every detention: at national scale 232–393 ms
became 81–115 ms (docs/performance.md, "Custody on a day").

The key, and so every plan that used the index, is unchanged, and so is the name:
Django's model state still describes the plain index, which is what other databases
get. Rebuilding it takes a few seconds at 500,000 detentions and blocks writes to
detentions meanwhile."""

from django.db import migrations

PLAIN = "cases_detention (held_until, started_on, person_id)"


def covering(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS detention_held_until_idx")
        schema_editor.execute(f"CREATE INDEX detention_held_until_idx ON {PLAIN} INCLUDE (case_id, visibility)")


def plain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS detention_held_until_idx")
        schema_editor.execute(f"CREATE INDEX detention_held_until_idx ON {PLAIN}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_joined_translation_indexes")]

    operations = [migrations.RunPython(covering, plain, elidable=False)]
