"""``people_publicnameword``: the words the public may find each person by, with the name
the public sees, kept by triggers (PostgreSQL only; other databases get the empty table).

The API's name search (``people.api.search_page``) sorted every person a text finds by
public name to show the first 50: ~5 µs of PostgreSQL per match, so a common surname's
page cost more the more persons the monitor holds (docs/performance.md, "The API person
search: what grows with the data"). With a B-tree on (word, public name, person) that
includes the visibility, each lexicon word that contains a one-word text gives its first
page in public-name order from the index alone, whatever the number of matches.

What the table holds is what the public search matches (``PersonQuerySet.matching``):
the words of ``name_key`` and of every alias's ``name_key`` for a person whose identity
is not protected, and only the words of ``pseudonym_key`` for a protected one. Words are
``kz_search_words``'s (upper case, a word of more than 200 letters as the empty word);
words of fewer than three letters are left out, for no searched word that short is
looked for inside names (``kazmonitor.search.is_short``).

``people_publicnameword_write(persons)`` rewrites the rows of ``persons`` from their
current names; statement triggers call it after a person is inserted or its names,
pseudonym, protection or visibility change, and after an alias is inserted, changed or
deleted. It first locks the persons' rows, so two transactions changing one person's
aliases write its words one after the other, the second from what the first committed.
A deleted person's rows go with it (ON DELETE CASCADE, set here: Django's own delete never
reads them)."""

from django.db import migrations, models
import django.db.models.deletion

from kazmonitor import pg_search_indexes

# The public name as ``people.models.public_name_order`` writes it (never NULL: NOT NULL columns).
PUBLIC_NAME = (
    "CASE WHEN person.identity_protected THEN person.pseudonym"
    " ELSE COALESCE(NULLIF(person.name_latin, ''), person.name) END"
)

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION people_publicnameword_write(persons bigint[]) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    IF cardinality(persons) = 0 THEN
        RETURN;
    END IF;
    PERFORM FROM people_person WHERE id = ANY(persons) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM people_publicnameword WHERE person_id = ANY(persons);
    INSERT INTO people_publicnameword (word, public_name, person_id, visibility)
    SELECT DISTINCT found.word, {PUBLIC_NAME}, person.id, person.visibility
    FROM people_person AS person
    CROSS JOIN LATERAL unnest(
        CASE WHEN person.identity_protected THEN kz_search_words((person.pseudonym_key)::text)
        ELSE kz_search_words((person.name_key)::text) || ARRAY(
            SELECT unnest(kz_search_words((alias.name_key)::text))
            FROM people_personalias AS alias WHERE alias.person_id = person.id
        ) END
    ) AS found (word)
    WHERE person.id = ANY(persons) AND (length(found.word) >= 3 OR found.word = '');
END
$$;
"""

# Each trigger: its table, the change it follows, the transition tables it reads, and the
# persons whose words it rewrites.
TRIGGERS = {
    "people_person_publicnamewords_insert": (
        "people_person",
        "INSERT",
        "NEW TABLE AS changed",
        "SELECT id FROM changed",
    ),
    "people_person_publicnamewords_update": (
        "people_person",
        "UPDATE",
        "OLD TABLE AS previous NEW TABLE AS changed",
        """SELECT changed.id FROM changed JOIN previous ON previous.id = changed.id
        WHERE (changed.name, changed.name_latin, changed.name_key, changed.pseudonym, changed.pseudonym_key,
               changed.identity_protected, changed.visibility)
            IS DISTINCT FROM (previous.name, previous.name_latin, previous.name_key, previous.pseudonym,
               previous.pseudonym_key, previous.identity_protected, previous.visibility)""",
    ),
    "people_personalias_publicnamewords_insert": (
        "people_personalias",
        "INSERT",
        "NEW TABLE AS changed",
        "SELECT DISTINCT person_id FROM changed",
    ),
    "people_personalias_publicnamewords_update": (
        "people_personalias",
        "UPDATE",
        "OLD TABLE AS previous NEW TABLE AS changed",
        """SELECT DISTINCT owner FROM changed JOIN previous ON previous.id = changed.id
        CROSS JOIN LATERAL (VALUES (changed.person_id), (previous.person_id)) AS owners (owner)
        WHERE (changed.person_id, changed.name_key) IS DISTINCT FROM (previous.person_id, previous.name_key)""",
    ),
    "people_personalias_publicnamewords_delete": (
        "people_personalias",
        "DELETE",
        "OLD TABLE AS previous",
        "SELECT DISTINCT person_id FROM previous",
    ),
}


def trigger(name: str, table: str, change: str, transitions: str, persons: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM people_publicnameword_write(ARRAY({persons}));
    RETURN NULL;
END
$$;
CREATE TRIGGER {name} AFTER {change} ON {table} REFERENCING {transitions}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


CASCADE = """
DO $$
DECLARE
    constraint_name text;
BEGIN
    FOR constraint_name IN
        SELECT conname FROM pg_constraint WHERE conrelid = 'people_publicnameword'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE people_publicnameword DROP CONSTRAINT %I', constraint_name);
    END LOOP;
END
$$;
ALTER TABLE people_publicnameword ADD CONSTRAINT people_publicnameword_person_cascade
    FOREIGN KEY (person_id) REFERENCES people_person (id) ON DELETE CASCADE;
"""

INDEXES = {"people_publicnameword_page": "people_publicnameword (word, public_name, person_id) INCLUDE (visibility)"}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CASCADE, params=None)
    schema_editor.execute(FUNCTIONS, params=None)
    for name, parts in TRIGGERS.items():
        schema_editor.execute(trigger(name, *parts), params=None)
    schema_editor.execute(
        "SELECT people_publicnameword_write(ARRAY(SELECT id FROM people_person ORDER BY id))", params=None
    )
    pg_search_indexes.create(schema_editor, {}, INDEXES)
    pg_search_indexes.analyze_unless_empty(schema_editor, "people_publicnameword")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, *_rest) in TRIGGERS.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS people_publicnameword_write(bigint[])", params=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0008_name_word_index")]

    operations = [
        migrations.CreateModel(
            name="PublicNameWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=200)),
                ("public_name", models.CharField(max_length=300)),
                ("visibility", models.PositiveSmallIntegerField()),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="people.person"
                    ),
                ),
            ],
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
