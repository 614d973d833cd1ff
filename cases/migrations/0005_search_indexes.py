"""Trigram and full-text GIN indexes for case search on PostgreSQL (nothing on other
databases): ``Case.objects.search()`` asks ``UPPER(col) LIKE UPPER('%text%')`` of the
title and summary in every language, ``UPPER(case_number) = UPPER(text)`` (or ``LIKE``), and the
full-text match of title and summary. See docs/performance.md."""

from django.db import migrations

from kazmonitor import pg_search_indexes

# case_number too: its trigram index answers both icontains (API) and iexact (site).
TEXT_FIELDS = (
    *("title", "title_en", "title_ru", "title_kk"),
    *("summary", "summary_en", "summary_ru", "summary_kk"),
    "case_number",
)
TRIGRAM = {f"case_{field}_trgm": f"cases_case USING gin ((UPPER({field}::text)) gin_trgm_ops)" for field in TEXT_FIELDS}
OTHER = {
    "case_fulltext_idx": "cases_case USING gin ((to_tsvector('simple'::regconfig, "
    "COALESCE(title, '') || ' ' || COALESCE(summary, ''))))",
}


def create(apps, schema_editor):
    pg_search_indexes.create(schema_editor, TRIGRAM, OTHER)


def drop(apps, schema_editor):
    pg_search_indexes.drop(schema_editor, [*TRIGRAM, *OTHER])


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_scale_indexes"), ("people", "0003_search_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
