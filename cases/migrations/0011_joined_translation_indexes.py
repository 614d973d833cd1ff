"""One trigram GIN index for the three translations of the title joined and one for those
of the summary, instead of one per column (PostgreSQL only; nothing on other databases).

``Case.objects.search_ids`` asks ``UPPER(title_en || E'\\x1f' || title_ru || E'\\x1f' ||
title_kk) LIKE UPPER('%text%')`` (``kazmonitor.search.Joined``; the searched text never
holds the separator, so a match lies inside one column), and the same of the summaries:
one bitmap scan for three. The per-column indexes of the translations had no other user
and are dropped; ``case_title_trgm``, ``case_summary_trgm`` and ``case_case_number_trgm``
stay. Building the two takes ~15 s at national scale and blocks writes to cases
meanwhile; they may be built beforehand with ``CREATE INDEX CONCURRENTLY`` under the
same names and definitions (this migration then skips them). See docs/performance.md."""

from django.db import migrations

from kazmonitor import pg_search_indexes

TITLES = ("title_en", "title_ru", "title_kk")
SUMMARIES = ("summary_en", "summary_ru", "summary_kk")

JOINED = {
    name: "cases_case USING gin ((UPPER({})) gin_trgm_ops)".format(
        " || E'\\x1f' || ".join(f"{f}::text" for f in fields)
    )
    for name, fields in (("case_title_translations_trgm", TITLES), ("case_summary_translations_trgm", SUMMARIES))
}
# As cases 0005 made them.
PER_COLUMN = {
    f"case_{field}_trgm": f"cases_case USING gin ((UPPER({field}::text)) gin_trgm_ops)" for field in TITLES + SUMMARIES
}


def forward(apps, schema_editor):
    pg_search_indexes.create(schema_editor, JOINED)
    pg_search_indexes.drop(schema_editor, PER_COLUMN)


def backward(apps, schema_editor):
    pg_search_indexes.create(schema_editor, PER_COLUMN)
    pg_search_indexes.drop(schema_editor, JOINED)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_detention_held_until")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
