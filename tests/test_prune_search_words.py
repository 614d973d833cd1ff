"""``prune_search_words`` deletes from the search word lexicons (cases 0015, people 0008)
the words no current row holds, so an erased person's names do not stay in the database
(and its backups); words some row still holds stay, and a writer saving a word while the
command runs never loses it. The admin prunes a deleted person's words right away."""

import re
import threading
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.urls import reverse

from cases.models import Case
from kazmonitor import lexicons
from kazmonitor.models import Visibility
from kazmonitor.search import name_key
from kazmonitor.services import record_restore
from people.models import Person
from tests.factories import CaseFactory, PersonAliasFactory, PersonFactory
from tests.test_search_words import lexicon

pytestmark = pytest.mark.django_db
postgresql = pytest.mark.postgresql


@pytest.fixture(autouse=True)
def _lexicons_hold_only_current_words():
    """Transactional tests (here and elsewhere) leave words in the lexicons, which are no
    models' tables and so are not flushed: start from the words of the rows there are."""
    if connection.vendor == "postgresql":
        for table in lexicons.HOLDERS:
            lexicons.prune(table)


def prune(*options: str) -> str:
    out = StringIO()
    call_command("prune_search_words", *options, stdout=out)
    return out.getvalue()


def removed(output: str) -> dict[str, int]:
    """How many words the command says it removed (or would) from each lexicon."""
    lines = re.findall(r"^(\w+): [\d,]+ words checked, (?:would remove|removed) ([\d,]+) ", output, re.MULTILINE)
    return {table: int(count.replace(",", "")) for table, count in lines}


def word(name: str) -> str:
    """A name's word as the lexicon holds it."""
    return name_key(name).upper()


def names(fragment: str) -> list[str]:
    return lexicon(fragment, "people_nameword")


def persons_found(text: str) -> set[int]:
    return set(Person.objects.search(text, reveal_protected=True).values_list("pk", flat=True))


def cases_found(text: str) -> set[int]:
    public = Visibility.PUBLIC
    return set(Case.objects.visible_to(public).search(text, level=public).values_list("pk", flat=True))


@postgresql
def test_a_deleted_persons_words_leave_the_lexicon_and_the_name_still_finds_nothing():
    PersonFactory(name="Other Person", name_latin="")  # holds "|", the key's separator
    person = PersonFactory(name="Жанабергенов Куаныш", name_latin="Zhanabergenov Kuanysh")
    PersonAliasFactory(person=person, name="Zhanabergenuly")
    person.delete()
    assert names("ZHANABERGEN") == ["ZHANABERGENOV", "ZHANABERGENULI"]  # the triggers only add

    output = prune()

    assert names("ZHANABERGEN") == [] and names(word("Куаныш")) == []
    assert persons_found("Zhanabergenov") == persons_found("Жанабергенұлы") == set()
    assert removed(output) == {"cases_searchword": 0, "people_nameword": 3}
    assert "ZHANABERGEN" not in output.upper()  # counts only, never the words: they are names


@postgresql
def test_words_another_person_alias_or_case_holds_stay():
    erased = PersonFactory(name="Tursynbekov Ermek Koraltay", name_latin="")
    PersonFactory(name="Tursynbekov Arman", name_latin="")  # the surname, in another name
    PersonAliasFactory(name="Ermek Saparov")  # the first name, in another person's alias
    erased.delete()
    first, second = CaseFactory(title="Trial of Zhaksylykov"), CaseFactory(summary="Zhaksylykov appeals")
    Case.objects.filter(pk=first.pk).update(title="Trial of Zhaksybekov")  # a correction

    assert removed(prune()) == {"cases_searchword": 0, "people_nameword": 1}

    assert names("TURSINBEKOV") == ["TURSINBEKOV"] and names("ERMEK") == ["ERMEK"]
    assert names("KORALTAI") == []
    assert lexicon("ZHAKSYLYKOV") == ["ZHAKSYLYKOV"]  # the other case holds it
    assert cases_found("Zhaksylykov") == {second.pk} and cases_found("Zhaksybekov") == {first.pk}

    Case.objects.filter(pk=second.pk).update(summary="Zhaksybekov appeals")
    assert removed(prune()) == {"cases_searchword": 1, "people_nameword": 0}
    assert lexicon("ZHAKSYLYKOV") == [] and lexicon("ZHAKSYBEKOV") == ["ZHAKSYBEKOV"]
    assert cases_found("Zhaksylykov") == set() and cases_found("Zhaksybekov") == {first.pk, second.pk}


@postgresql
def test_a_dry_run_counts_the_words_and_removes_nothing():
    PersonFactory(name="Other Person", name_latin="")
    PersonFactory(name="Moldabaev Ersin", name_latin="").delete()

    output = prune("--dry-run")

    assert removed(output) == {"cases_searchword": 0, "people_nameword": 2} and "would remove 2" in output
    assert names("MOLDABAEV") == ["MOLDABAEV"] and names("ERSIN") == ["ERSIN"]
    assert removed(prune())["people_nameword"] == 2 and names("MOLDABAEV") == []


@postgresql
def test_a_protected_persons_pseudonym_and_real_name_stay():
    """The real name of a protected person stays in ``name_key`` (staff search it), and so
    in the lexicon: by design, as long as the person is kept. Only deletion erases it."""
    person = PersonFactory(
        name="Асқарбеков Нұрлыбек", name_latin="", identity_protected=True, pseudonym="Blogger from Qarasaz"
    )
    assert removed(prune())["people_nameword"] == 0
    assert names("KARASAZ") == ["KARASAZ"]  # held only by the pseudonym
    assert names(word("Асқарбеков")) == [word("Асқарбеков")] and names(word("Нұрлыбек")) == [word("Нұрлыбек")]
    assert persons_found("Qarasaz") == persons_found("Асқарбеков") == {person.pk}


@postgresql
def test_every_word_check_is_written_as_its_word_index():
    """The checks are written exactly as the GIN indexes' expressions, so the planner answers
    them by those indexes (EXPLAIN at national scale: a Bitmap Index Scan on each); with
    another expression it would read the whole table for each word. Compared as PostgreSQL
    parsed them, an index built here from the command's expression against the real one
    (on tiny test tables the planner's choice tells nothing)."""

    def parsed(index: str) -> str:
        cursor.execute(
            "SELECT regexp_replace(indexprs::text, ' :location -?[0-9]+', '', 'g') FROM pg_index "
            "WHERE indexrelid = %s::regclass",
            [index],
        )
        return cursor.fetchone()[0]

    holders = [holder for holders in lexicons.HOLDERS.values() for holder in holders]
    assert len(holders) == 4
    with connection.cursor() as cursor:  # the probes go with the test's transaction
        for number, (table, index, expression) in enumerate(holders):
            cursor.execute(f"CREATE INDEX probe_{number} ON {table} USING gin (({expression}))")
            assert parsed(f"probe_{number}") == parsed(index), index
        cursor.execute("CREATE INDEX probe_other ON cases_case USING gin ((kz_search_words((title)::text)))")
        assert parsed("probe_other") != parsed("case_words_gin")  # the comparison tells them apart


@postgresql
def test_missing_lexicon_tables_are_an_error():
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE people_nameword RENAME TO people_nameword_gone")
    with pytest.raises(CommandError, match="people_nameword missing: apply the migrations"):
        prune()


@pytest.mark.sqlite
def test_on_sqlite_the_command_says_there_is_nothing_to_prune():
    assert prune() == "The search word lexicons exist only on PostgreSQL: nothing to prune.\n"
    assert prune("--dry-run") == prune()


@postgresql
def test_the_admin_prunes_a_deleted_persons_words_at_once(client, editor, django_capture_on_commit_callbacks):
    erased = PersonFactory(name="Сейтқазиев Бауыржан", name_latin="")
    PersonAliasFactory(person=erased, name="Seitkaziuly")
    PersonFactory(name="Бауыржан Омаров", name_latin="")
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:people_person_delete", args=[erased.pk]), {"post": "yes"})

    assert response.status_code == 302 and not Person.objects.filter(pk=erased.pk).exists()
    assert names(word("Сейтқазиев")) == names("SEITKAZIULI") == []
    assert names(word("Бауыржан")) == [word("Бауыржан")]  # the other person's

    deletion = Person.history.filter(id=erased.pk, history_type="-").get()  # restored from Recently deleted:
    record_restore(model_label="people.person", history_id=deletion.history_id, user=editor)
    assert names(word("Сейтқазиев")) == [word("Сейтқазиев")]  # the triggers write the words again
    assert persons_found("Сейтқазиев") == persons_found("Seitkaziuly") == {erased.pk}

    chosen = [PersonFactory(name=name, name_latin="").pk for name in ("Kemelbekov Aset", "Kemelbekova Dana")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:people_person_changelist"),
            {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
        )
    assert response.status_code == 302 and not Person.objects.filter(pk__in=chosen).exists()
    assert names("KEMELBEKOV") == names("ASET") == []


@postgresql
def test_a_failed_prune_after_the_delete_leaves_the_delete_done_and_no_error_page(
    client, editor, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    erased = PersonFactory(name="Жаңабергенов Ерлан", name_latin="")
    client.force_login(editor)

    def broken(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(lexicons, "prune", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:people_person_delete", args=[erased.pk]), {"post": "yes"})

    assert response.status_code == 302 and not Person.objects.filter(pk=erased.pk).exists()
    assert "left to prune_search_words" in caplog.text


def waits_for_lexicon_lock(table: str) -> bool:
    """Whether a session comes to wait for a lock on ``table`` within ten seconds."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [table])
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def in_thread(function, *args, **kwargs) -> threading.Thread:
    def run():
        try:
            function(*args, **kwargs)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_word_saved_while_the_command_checks_it_is_never_lost():
    """An editor's transaction saves a name holding a word whose only holder was deleted:
    its trigger finds the word in the lexicon and adds nothing. The command, run before the
    editor commits, finds no committed row holding it, but must not delete it: it waits for
    the lock until the editor has committed, then sees the editor's row."""
    import psycopg

    PersonFactory(name="Aldabergenov Nur", name_latin="").delete()
    kept = PersonFactory(name="Other Person", name_latin="")
    with psycopg.connect(**connection.get_connection_params()) as editor:
        editor.execute("UPDATE people_person SET name_key = 'aldabergenov | ' WHERE id = %s", [kept.pk])
        pruning = in_thread(lexicons.prune, "people_nameword")
        assert waits_for_lexicon_lock("people_nameword")  # the command waits for the editor
        editor.commit()
        pruning.join()

    assert names("ALDABERGENOV") == ["ALDABERGENOV"] and names("NUR") == []
    assert persons_found("Aldabergenov") == {kept.pk}


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_word_saved_while_a_batch_deletes_it_is_written_again():
    """The other order: the batch holds the lock and deletes the word; an editor saving a
    name holding it waits for the batch, then finds the word gone and adds it again."""
    import psycopg

    PersonFactory(name="Bekmagambetov Oraz", name_latin="").delete()
    kept = PersonFactory(name="Other Person", name_latin="")
    with psycopg.connect(**connection.get_connection_params()) as batch:
        batch.execute("LOCK TABLE people_nameword IN SHARE ROW EXCLUSIVE MODE")  # as each batch does
        batch.execute("DELETE FROM people_nameword WHERE word = 'BEKMAGAMBETOV'")
        saving = in_thread(Person.objects.filter(pk=kept.pk).update, name_key="bekmagambetov | ")
        assert waits_for_lexicon_lock("people_nameword")  # the editor's trigger waits
        batch.commit()
        saving.join()

    assert names("BEKMAGAMBETOV") == ["BEKMAGAMBETOV"]
    assert persons_found("Bekmagambetov") == {kept.pk}


@postgresql
@pytest.mark.django_db(transaction=True)
def test_the_command_gives_up_on_a_lexicon_writers_hold_and_says_so(monkeypatch):
    """Saves queue behind a lock that waits: the command waits a second at a time, never long."""
    import psycopg

    PersonFactory(name="Zhetpisbaev Ulan", name_latin="").delete()
    monkeypatch.setattr(lexicons, "ATTEMPTS", 2)
    with psycopg.connect(**connection.get_connection_params()) as importing:
        importing.execute("LOCK TABLE people_nameword IN ROW EXCLUSIVE MODE")  # as a trigger's insert does
        started = time.monotonic()
        with pytest.raises(CommandError, match="people_nameword: writers held it through 2 attempts"):
            prune()
        assert time.monotonic() - started < 5
        importing.rollback()
    assert names("ZHETPISBAEV") == ["ZHETPISBAEV"]
    assert removed(prune())["people_nameword"] >= 2  # ZHETPISBAEV, ULAN, and "|" unless another key holds it
    assert names("ZHETPISBAEV") == []
