"""An index on the name the API sorts persons by (PostgreSQL only; nothing elsewhere).

The API person list orders by ``people.models.public_name_order()`` (the pseudonym of a
protected person, else the Latin name, else the name as written), then ``id``. Without an
index on exactly that expression, every page sorted every visible person:
``?detained_on=<day>`` read and sorted ~80,000 wide rows (an external merge sort on disk,
~300 ms at national scale) to show the first 50 held. With it, the first page walks the
index in order and stops after 50 matches (docs/performance.md, "API person list").

The expression must stay the one Django writes for ``people.models.public_name_order()``, or the
planner cannot use the index (``tests/test_api_person_search.py`` checks it can)."""

from django.db import migrations

from kazmonitor import pg_search_indexes

ORDER = {
    "person_api_name_idx": "people_person ((CASE WHEN identity_protected THEN pseudonym "
    "ELSE COALESCE(NULLIF(name_latin, ''), name) END), id)",
}


def create(apps, schema_editor):
    pg_search_indexes.create(schema_editor, {}, ORDER)


def drop(apps, schema_editor):
    pg_search_indexes.drop(schema_editor, ORDER)


class Migration(migrations.Migration):
    dependencies = [("people", "0004_order_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
