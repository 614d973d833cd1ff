"""A word index for the name search of persons (PostgreSQL only; nothing on other databases).

``Person.objects.matching_ids`` looked up ``name_key LIKE '%sabir zhanatuli%'`` (and the
same of aliases and pseudonyms) by trigram index: one posting list per trigram, and
trigrams such as ``ana`` occur in a large share of all names (1.4 ms for persons, 0.5 for
aliases at 100,000 persons, twice per search page). As cases 0015 does for case texts:

- a GIN index of the words of ``name_key`` and of ``pseudonym_key`` of persons and of
  ``name_key`` of aliases (``kz_search_words``, from cases 0015);
- ``people_nameword``: every word ever written in those keys, with a trigram index, kept
  by statement triggers; no unique key, so that writers never wait for each other (as
  cases 0015). Words are never removed: a word no name holds any more finds nothing.

``kazmonitor.search.WordsMatch`` asks for the names holding words that contain the two
longest words of the key, then checks the key itself (``Contains``). The trigram indexes
stay (keys without a word of three letters, the admin's one-letter searches). See
docs/performance.md."""

from django.db import migrations

from kazmonitor import pg_search_indexes

SOURCES = {"people_person": ("name_key", "pseudonym_key"), "people_personalias": ("name_key",)}


def words(table: str, prefix: str = "") -> str:
    return " UNION ".join(
        f"SELECT unnest(kz_search_words(({prefix}{column})::text)) AS word FROM {table if not prefix else 'changed'}"
        for column in SOURCES[table]
    )


def collect(table: str) -> str:
    return f"""
-- Each new word is looked up in the B-tree index whatever the statistics say (as cases 0015).
CREATE OR REPLACE FUNCTION {table}_namewords() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
    -- No unique key: two writers adding the same new word may both add it (harmless),
    -- but neither ever waits for the other's transaction or deadlocks with it.
    INSERT INTO people_nameword (word)
    SELECT DISTINCT found.word FROM ({words(table, "changed.")}) AS found
    WHERE found.word <> ''
        AND NOT EXISTS (SELECT FROM people_nameword AS known WHERE known.word = found.word);
    RETURN NULL;
END
$$;
CREATE TRIGGER {table}_namewords_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {table}_namewords();
CREATE TRIGGER {table}_namewords_update AFTER UPDATE ON {table}
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION {table}_namewords();
INSERT INTO people_nameword (word)
SELECT DISTINCT found.word FROM ({words(table)}) AS found
WHERE found.word <> '' AND NOT EXISTS (SELECT FROM people_nameword AS known WHERE known.word = found.word);
"""  # noqa: S608 (this module's constants only)


TRIGRAM = {"people_nameword_trgm": "people_nameword USING gin (word gin_trgm_ops)"}
INDEXES = {
    f"{table.split('_')[1]}_{column}_words": f"{table} USING gin ((kz_search_words(({column})::text)))"
    for table, columns in SOURCES.items()
    for column in columns
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE TABLE IF NOT EXISTS people_nameword (word text NOT NULL)", params=None)
    schema_editor.execute("CREATE INDEX IF NOT EXISTS people_nameword_word ON people_nameword (word)", params=None)
    for table in SOURCES:
        schema_editor.execute(collect(table), params=None)
    pg_search_indexes.create(schema_editor, TRIGRAM, INDEXES)
    pg_search_indexes.analyze_unless_empty(schema_editor, "people_nameword")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SOURCES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_namewords_insert ON {table}", params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_namewords_update ON {table}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_namewords()", params=None)
    pg_search_indexes.drop(schema_editor, INDEXES)
    schema_editor.execute("DROP TABLE IF EXISTS people_nameword", params=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0007_person_protected_at"), ("cases", "0015_case_word_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
