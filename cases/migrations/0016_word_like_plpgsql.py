"""``kz_search_word_like`` (cases 0015) in PL/pgSQL, with the same body (PostgreSQL only).

A SQL function that cannot be inlined (this one reads a ``FROM``) is parsed and planned
again at every call site of every execution: ~35–120 µs each, and a search page calls it
at fourteen sites (two per searched column group or name key, in the person search and
again in the case search's persons). PL/pgSQL keeps the function's plan for the whole
session: ~5 µs a call. The answers do not change (``tests/test_search_words.py`` holds
them to Python's). ``kz_search_words`` stays in SQL: it is an index expression, and a
query calls it only where the index is not enough."""

from django.db import migrations

BREAKS = (
    r"[\u0009\u000a\u000b\u000c\u000d\u001c\u001d\u001e\u001f\u0020\u0085\u00a0\u1680\u2000\u2001\u2002"
    r"\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
LONGEST = f"""
    SELECT '%' || replace(replace(replace(coalesce(longest[n], longest[1], ''), '\\', '\\\\'), '%', '\\%'), '_', '\\_')
        || '%'
    FROM (
        SELECT array_agg(word ORDER BY length(word) DESC, place) AS longest
        FROM regexp_split_to_table(upper(searched), '{BREAKS}') WITH ORDINALITY AS words (word, place)
        WHERE length(word) >= 3
    ) AS found"""

PLPGSQL = f"""
CREATE OR REPLACE FUNCTION kz_search_word_like(searched text, n integer) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN ({LONGEST});
END
$$;
"""

SQL = f"""
CREATE OR REPLACE FUNCTION kz_search_word_like(searched text, n integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $${LONGEST}
$$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLPGSQL, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_case_word_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
