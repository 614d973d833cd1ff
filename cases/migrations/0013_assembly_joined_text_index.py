"""One trigram GIN index for an assembly's title in every language and its topic joined,
instead of one per column (PostgreSQL only; nothing on other databases).

The public search and the API's ``q`` ask ``UPPER(title || E'\\x1f' || title_en || … ||
topic) LIKE UPPER('%text%')`` (``cases.models.assembly.assembly_text_matches``). Their old
``OR`` of five ``UPPER(col) LIKE`` was priced above a sequential scan of a few thousand
assemblies, which then took 6 ms (five ``UPPER()`` of Cyrillic text per row); one index
answers the joined text in well under one at any size. The per-column indexes had no
other user (the admin's search also looks in ``place``, which has none, so it scans
either way) and are dropped. See docs/performance.md."""

from django.db import migrations

from kazmonitor import pg_search_indexes

FIELDS = ("title", "title_en", "title_ru", "title_kk", "topic")

JOINED = {
    "assembly_text_trgm": "cases_assembly USING gin ((UPPER({})) gin_trgm_ops)".format(
        " || E'\\x1f' || ".join(f"{field}::text" for field in FIELDS)
    )
}
# As cases 0007 made them.
PER_COLUMN = {
    f"assembly_{field}_trgm": f"cases_assembly USING gin ((UPPER({field}::text)) gin_trgm_ops)" for field in FIELDS
}


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_detention_held_until_covering")]

    operations = [pg_search_indexes.replacing(JOINED, PER_COLUMN)]
