"""A word index for the text search of cases (PostgreSQL only; nothing on other databases).

A trigram index answers ``UPPER(title) LIKE '%SABYR ZHANATULY%'`` by reading one posting
list per trigram of the text, and trigrams such as ``ANA`` or `` ZH`` occur in a large
share of all cases: ~3 ms per column at national scale, growing with the data. Here:

- ``kz_search_words(texts…)``: the upper-cased words of the texts (split on
  ``kazmonitor.search.WORD_BREAKS``, written out below), and a GIN index of each case's
  words in its eight text columns (``case_words_gin``). A word of more than 200 letters
  (a long link, say) would not fit in an index entry (2,712 bytes) and the case could not
  be saved: it is written as the empty word, which no real word is, and the search
  checks every row holding it;
- ``cases_searchword``: every word ever written in those columns, with a trigram index,
  kept by two statement triggers on ``cases_case``. It has no unique key, so that writers
  never wait for each other (two may add the same new word; a word found twice changes
  nothing). Words are never removed: a word that no case holds any more finds nothing;
- ``kz_search_word_like(text, n)``: the ``LIKE`` pattern of the n-th longest word of the
  searched text (of three letters or more; the longest when it has fewer).

``kazmonitor.search.WordsMatch`` asks for the cases holding words that contain the two
longest words of the text, then checks the text itself (``Contains``): ~0.4 ms where the
four trigram scans took ~6 ms. The trigram indexes stay (texts without a word of three
letters, the admin's one-letter searches). Building takes ~1 minute at national scale
(200,000 cases) and blocks writes to cases meanwhile. See docs/performance.md."""

from django.db import migrations

from kazmonitor import pg_search_indexes

# Every character Python's str.split() splits on (kazmonitor.search.WORD_BREAKS).
BREAKS = (
    r"[\u0009\u000a\u000b\u000c\u000d\u001c\u001d\u001e\u001f\u0020\u0085\u00a0\u1680\u2000\u2001\u2002"
    r"\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
COLUMNS = ("title", "title_en", "title_ru", "title_kk", "summary", "summary_en", "summary_ru", "summary_kk")
WORDS = "kz_search_words({})".format(", ".join(f"({{prefix}}{column})::text" for column in COLUMNS))

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION kz_search_words(VARIADIC texts text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT CASE WHEN length(word) > 200 THEN '' ELSE word END
        FROM unnest(regexp_split_to_array(upper(array_to_string(texts, ' ')), '{BREAKS}')) AS word
        WHERE word <> ''
    )
$$;
CREATE OR REPLACE FUNCTION kz_search_word_like(searched text, n integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT '%' || replace(replace(replace(coalesce(longest[n], longest[1], ''), '\\', '\\\\'), '%', '\\%'), '_', '\\_')
        || '%'
    FROM (
        SELECT array_agg(word ORDER BY length(word) DESC, place) AS longest
        FROM regexp_split_to_table(upper(searched), '{BREAKS}') WITH ORDINALITY AS words (word, place)
        WHERE length(word) >= 3
    ) AS found
$$;
"""  # noqa: S608 (this module's constants only)

TABLE = f"""
CREATE TABLE IF NOT EXISTS cases_searchword (word text NOT NULL);
CREATE INDEX IF NOT EXISTS cases_searchword_word ON cases_searchword (word);
-- Each new word is looked up in the B-tree index whatever the statistics say: planned
-- while they said the lexicon was empty, a bulk load scanned the whole lexicon for every
-- word (~1,350 cases a second went down to ~110), and a probe of the trigram index for
-- each word took minutes where that index had grown unvacuumed (the test database).
CREATE OR REPLACE FUNCTION cases_searchword_collect() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off SET enable_bitmapscan = off AS $$
BEGIN
    -- No unique key: two writers adding the same new word may both add it (harmless),
    -- but neither ever waits for the other's transaction or deadlocks with it.
    INSERT INTO cases_searchword (word)
    SELECT DISTINCT found.word FROM changed, unnest({WORDS.format(prefix="changed.")}) AS found (word)
    WHERE found.word <> ''
        AND NOT EXISTS (SELECT FROM cases_searchword AS known WHERE known.word = found.word);
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_searchword_insert AFTER INSERT ON cases_case
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cases_searchword_collect();
CREATE TRIGGER cases_searchword_update AFTER UPDATE ON cases_case
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION cases_searchword_collect();
INSERT INTO cases_searchword (word)
SELECT DISTINCT word FROM cases_case, unnest({WORDS.format(prefix="")}) AS word WHERE word <> '';
"""  # noqa: S608 (this module's constants only)

TRIGRAM = {"cases_searchword_trgm": "cases_searchword USING gin (word gin_trgm_ops)"}
INDEX = {"case_words_gin": f"cases_case USING gin (({WORDS.format(prefix='')}))"}

UNDO = """
DROP TRIGGER IF EXISTS cases_searchword_insert ON cases_case;
DROP TRIGGER IF EXISTS cases_searchword_update ON cases_case;
DROP FUNCTION IF EXISTS cases_searchword_collect();
DROP INDEX IF EXISTS case_words_gin;
DROP TABLE IF EXISTS cases_searchword;
DROP FUNCTION IF EXISTS kz_search_word_like(text, integer);
DROP FUNCTION IF EXISTS kz_search_words(VARIADIC text[]);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    schema_editor.execute(TABLE, params=None)
    pg_search_indexes.create(schema_editor, TRIGRAM, INDEX)
    pg_search_indexes.analyze_unless_empty(schema_editor, "cases_searchword")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNDO, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_translated_field_labels")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
