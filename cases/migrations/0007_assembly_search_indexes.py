"""Trigram GIN indexes for the public search's assembly lookup on PostgreSQL (nothing
on other databases): ``UPPER(col) LIKE UPPER('%text%')`` on the title in every
language and the topic, ORed, is a bitmap OR of these indexes. See docs/performance.md."""

from django.db import migrations

from kazmonitor import pg_search_indexes

FIELDS = ("title", "title_en", "title_ru", "title_kk", "topic")
TRIGRAM = {
    f"assembly_{field}_trgm": f"cases_assembly USING gin ((UPPER({field}::text)) gin_trgm_ops)" for field in FIELDS
}


def create(apps, schema_editor):
    pg_search_indexes.create(schema_editor, TRIGRAM)


def drop(apps, schema_editor):
    pg_search_indexes.drop(schema_editor, TRIGRAM)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_count_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
