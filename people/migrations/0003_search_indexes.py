"""Trigram GIN indexes for name search on PostgreSQL (nothing on other databases):
``Person.objects.search()`` looks up ``name_key``, ``pseudonym_key`` and the aliases'
``name_key`` with ``LIKE '%key%'``. See docs/performance.md."""

from django.db import migrations

from kazmonitor import pg_search_indexes

TRIGRAM = {
    "person_name_key_trgm": "people_person USING gin (name_key gin_trgm_ops)",
    "person_pseudonym_key_trgm": "people_person USING gin (pseudonym_key gin_trgm_ops)",
    "alias_name_key_trgm": "people_personalias USING gin (name_key gin_trgm_ops)",
    "organization_name_key_trgm": "people_organization USING gin (name_key gin_trgm_ops)",
}


def create(apps, schema_editor):
    pg_search_indexes.create(schema_editor, TRIGRAM)


def drop(apps, schema_editor):
    pg_search_indexes.drop(schema_editor, TRIGRAM)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_roles")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
