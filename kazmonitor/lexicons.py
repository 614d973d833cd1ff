"""Deleting from the search word lexicons the words no current row holds (PostgreSQL):
``manage.py prune_search_words`` and the admin's person delete (``prune_when_deleted``).

``cases_searchword`` (cases 0015) and ``people_nameword`` (people 0008) keep every word ever
written in case texts and in name keys, and their triggers never remove one: after a person
is erased or a text corrected, the old words stay, and go into every ``pg_dump``. A word is
kept while ``kz_search_words(<columns>) @> ARRAY[word]`` finds a row, asked exactly as the
GIN indexes of those words are written (``HOLDERS``), so each check reads one posting list.

Writers are never waited for long and never lose a word. The triggers add only the words
they do not find in the lexicon; a word found here held by no row, while another transaction
was saving a row holding it whose trigger had found the word still present, would be lost.
So the words a batch finds held by none are checked again, and deleted, under a lock on the
lexicon ``IN SHARE ROW EXCLUSIVE MODE``: it conflicts with the ``ROW EXCLUSIVE`` lock every
trigger's ``INSERT`` takes (before its snapshot, even when it inserts nothing) and holds
until its transaction ends. The batch waits for the writers in flight, then sees their rows
(a new snapshot per statement); a writer coming later waits for the batch, then sees its
deletions and adds the word again. Reads (searches, ``pg_dump``) are not blocked, and two
runs take turns. The first check takes no lock, so the lock is held only to check words
held by none (short posting lists): at most tens of ms a batch at national scale. It is
asked for with a short ``lock_timeout`` and retried: saves queue behind a waiting lock, and
a long import holding the lexicon must not stop every editor."""

import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import QuerySet

from cases.models.case import CASE_TEXT_FIELDS

logger = logging.getLogger(__name__)

# The rows that can hold a lexicon's words: (table, GIN index, the index's expression).
HOLDERS = {
    "cases_searchword": (
        (
            "cases_case",
            "case_words_gin",
            "kz_search_words({})".format(", ".join(f"({c})::text" for c in CASE_TEXT_FIELDS)),
        ),
    ),
    "people_nameword": (
        ("people_person", "person_name_key_words", "kz_search_words((name_key)::text)"),
        ("people_person", "person_pseudonym_key_words", "kz_search_words((pseudonym_key)::text)"),
        ("people_personalias", "personalias_name_key_words", "kz_search_words((name_key)::text)"),
    ),
}
BATCH = 1000  # words a batch (national scale: its lock held 5-20 ms, at most ~60)
LOCK_TIMEOUT = "1s"  # the longest a save waits behind a batch asking for its lock
ATTEMPTS = 10  # per batch, a second apart


class LexiconBusy(Exception):
    """Writers held the lexicon through every attempt (a long import): run again later."""


class LexiconMissing(Exception):
    """A lexicon table or word index is not there (migrations not applied)."""


@dataclass
class Pruned:
    lexicon: str
    checked: int = 0
    removed: int = 0


def unheld(lexicon: str, word: str) -> str:
    """SQL: no row holds ``word`` (an SQL expression), asked through each holder's GIN index."""
    return " AND ".join(
        f"NOT EXISTS (SELECT FROM {table} WHERE {expression} @> ARRAY[{word}])"  # noqa: S608 (constants)
        for table, _index, expression in HOLDERS[lexicon]
    )


def check_lexicons() -> None:
    """Raise ``LexiconMissing`` unless every lexicon table and word index exists."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        indexes = {row[0] for row in cursor.fetchall()}
    for lexicon, holders in HOLDERS.items():
        missing = [name for name in (lexicon, *(table for table, _i, _e in holders)) if name not in tables]
        missing += [index for _t, index, _e in holders if index not in indexes]
        if missing:
            raise LexiconMissing(f"{', '.join(missing)} missing: apply the migrations (cases 0015, people 0008).")


def prune(
    lexicon: str,
    *,
    words: list[str] | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH,
    attempts: int | None = None,
) -> Pruned:
    """Delete from ``lexicon`` the words no row holds (of ``words`` only, if given), in
    batches, each in its own transaction; with ``dry_run`` only count them (no lock).

    Each batch is checked first without a lock: a word some row holds is kept, and those
    are nearly all of them, and the ones whose posting lists are long (a word of 50,000
    cases). Only the words found held by none are checked again under the lock, briefly."""
    pruned = Pruned(lexicon)
    for batch in _batches(lexicon, words, batch_size):
        pruned.checked += len(batch)
        candidates = _unheld(lexicon, batch)
        if dry_run or not candidates:
            pruned.removed += len(candidates)
        else:
            pruned.removed += _delete(lexicon, candidates, attempts or ATTEMPTS)
    return pruned


def _unheld(lexicon: str, batch: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT batch.word FROM unnest(%s::text[]) AS batch (word) WHERE {unheld(lexicon, 'batch.word')}",  # noqa: S608
            [batch],
        )
        return [row[0] for row in cursor.fetchall()]


def _batches(lexicon: str, words: list[str] | None, size: int):
    if words is not None:
        words = sorted(set(words) - {""})
        for start in range(0, len(words), size):
            yield words[start : start + size]
        return
    last = ""  # every word is longer: the triggers never add the empty word
    while True:
        with connection.cursor() as cursor:  # by the lexicon's B-tree index, no lock
            sql = f"SELECT DISTINCT word FROM {lexicon} WHERE word > %s ORDER BY word LIMIT %s"  # noqa: S608
            cursor.execute(sql, [last, size])
            batch = [row[0] for row in cursor.fetchall()]
        if not batch:
            return
        yield batch
        last = batch[-1]


def _delete(lexicon: str, batch: list[str], attempts: int) -> int:
    """The number of words of ``batch`` deleted (each with all its copies)."""
    for attempt in range(attempts):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; SET LOCAL enable_seqscan = off; SET LOCAL jit = off"
                )
                cursor.execute(f"LOCK TABLE {lexicon} IN SHARE ROW EXCLUSIVE MODE")
                # Checked after the lock, in a statement of its own snapshot: every writer
                # that found one of these words present has committed or rolled back. Each
                # word's copies are found as a range, which only the B-tree index answers: the
                # trigram index answers "=" too, ~8 ms a word (planned so for 1,000 words at
                # 100,000, 7.8 s a batch). No equality, no JIT: the range's estimate is wild.
                cursor.execute(
                    f"""WITH gone AS (
                        DELETE FROM {lexicon} AS lexicon USING unnest(%s::text[]) AS batch (word)
                        WHERE lexicon.word >= batch.word AND lexicon.word <= batch.word
                            AND {unheld(lexicon, "batch.word")} RETURNING batch.word
                    ) SELECT count(DISTINCT word) FROM gone""",  # noqa: S608 (constants; words are parameters)
                    [batch],
                )
                return cursor.fetchone()[0]
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != "55P03":  # not lock_not_available
                raise
            if attempt == attempts - 1:
                raise LexiconBusy(f"{lexicon}: writers held it through {attempts} attempts") from error
            time.sleep(1)
    return 0  # no attempts


def words_of_persons(persons: QuerySet) -> list[str]:
    """The lexicon words of these persons' names, pseudonyms and aliases (before they go)."""
    if connection.vendor != "postgresql":
        return []
    ids = [*persons.order_by().values_list("pk", flat=True)]
    person, pseudonym, alias = (expression for _t, _i, expression in HOLDERS["people_nameword"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT unnest({person}) FROM people_person WHERE id = ANY(%s)
            UNION SELECT unnest({pseudonym}) FROM people_person WHERE id = ANY(%s)
            UNION SELECT unnest({alias}) FROM people_personalias WHERE person_id = ANY(%s)""",  # noqa: S608
            [ids, ids, ids],
        )
        return [row[0] for row in cursor.fetchall()]


def prune_when_deleted(persons: QuerySet) -> None:
    """Call before deleting ``persons``: once the deletion is committed, their name words that
    no other row holds leave the lexicon. A batch that cannot have its lock within a second
    (an import running) is left to the next run of the command."""
    words = words_of_persons(persons)
    if words:
        transaction.on_commit(lambda: _prune_quietly(words))


def _prune_quietly(words: list[str]) -> None:
    """After the deletion is committed: whatever goes wrong here must not turn the
    editor's completed delete into an error page; the words are then left to the command."""
    try:
        prune("people_nameword", words=words, attempts=1)
    except LexiconBusy:  # writers held the lexicon for a second: the next run of the command prunes them
        logger.warning("people_nameword was busy: a deleted person's words are left to prune_search_words")
    except DatabaseError:
        logger.exception("Pruning a deleted person's words failed: they are left to prune_search_words")
