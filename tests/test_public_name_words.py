"""``people_publicnameword`` (people 0009, PostgreSQL): the words the public may find each
person by, kept by triggers through every way a person or alias changes, never a word of
a protected person's real name or aliases; and the API's one-word name search that reads
its page from them answers what the ordinary list answers."""

import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kazmonitor.models import Visibility
from kazmonitor.search import name_key
from people import api as people_api
from people.models import Person, PersonAlias, PublicNameWord
from tests.api_support import client_for, fresh_rate_limits_fixture  # noqa: F401
from tests.factories import PersonAliasFactory, PersonFactory
from tests.test_api_person_search import _pages

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def expected_rows() -> set[tuple]:
    """The rows the table must hold, worked out from the persons and aliases as the public
    search matches them (``PersonQuerySet.matching``)."""
    rows = set()
    for person in Person.objects.prefetch_related("aliases"):
        if person.identity_protected:
            keys, public_name = [person.pseudonym_key], person.pseudonym
        else:
            keys = [person.name_key, *(alias.name_key for alias in person.aliases.all())]
            public_name = person.name_latin or person.name
        words = {"" if len(word) > 200 else word for key in keys for word in key.upper().split()}
        rows |= {(word, public_name, person.pk, person.visibility) for word in words if len(word) >= 3 or not word}
    return rows


def table_rows() -> list[tuple]:
    return list(PublicNameWord.objects.values_list("word", "public_name", "person_id", "visibility"))


def assert_table_is_current():
    rows = table_rows()
    assert len(rows) == len(set(rows))  # each word once per person
    assert set(rows) == expected_rows()


def words_of(person_id: int) -> set[str]:
    return set(PublicNameWord.objects.filter(person_id=person_id).values_list("word", flat=True))


def key_words(*names: str) -> set[str]:
    """The words of ``names``' name keys as the table writes them."""
    return {word.upper() for name in names for word in name_key(name).split()}


def test_the_words_are_those_the_public_search_matches():
    plain = PersonFactory(name="Сабыр Жанатұлы", name_latin="Sabyr Zhanatuly")
    PersonAliasFactory(person=plain, name="Sabir Zhanatuli")
    PersonAliasFactory(person=plain, name="Ли Бо")  # words of two letters: never searched inside
    no_latin = PersonFactory(name="Айдос Жанатұлы", name_latin="", visibility=Visibility.PARTNERS)
    protected = PersonFactory(
        name="Асқар Секретов", name_latin="Askar Sekretov", identity_protected=True, pseudonym="Blogger from Aral"
    )
    PersonAliasFactory(person=protected, name="Askar Realalias")
    long_word = PersonFactory(name_latin="Longname " + "ab" * 101, visibility=Visibility.INTERNAL)  # no doubles

    assert_table_is_current()
    assert words_of(plain.pk) == key_words("Сабыр Жанатұлы", "Sabyr Zhanatuly", "Sabir Zhanatuli")
    assert ("ZHANATULI", "Айдос Жанатұлы", no_latin.pk, Visibility.PARTNERS) in table_rows()
    assert words_of(protected.pk) == key_words("Blogger from Aral")
    assert words_of(long_word.pk) >= {"LONGNAME", ""}


def test_every_change_of_a_person_or_an_alias_rewrites_its_words():
    person = PersonFactory(name="Ерлан Бекұлы", name_latin="Yerlan Bekuly")
    other = PersonFactory(name_latin="Dana Omarova")
    alias = PersonAliasFactory(person=person, name="Erlan Bekov")
    assert_table_is_current()

    person.name_latin = "Yerlan Bekuly-Nurov"
    person.save()
    assert "NUROV" in words_of(person.pk)
    assert_table_is_current()

    alias.name = "Erlan Sultanov"
    alias.save()
    assert "SULTANOV" in words_of(person.pk) and "BEKOV" not in words_of(person.pk)
    assert_table_is_current()

    PersonAlias.objects.filter(pk=alias.pk).update(person=other)  # an alias moved to another person
    assert "SULTANOV" not in words_of(person.pk) and "SULTANOV" in words_of(other.pk)
    assert_table_is_current()

    Person.objects.filter(pk=other.pk).update(visibility=Visibility.INTERNAL)  # no save(): SQL only
    assert_table_is_current()

    Person.objects.bulk_create(  # as generate_data writes persons: keys set, no save()
        [Person(name="Бұлақ Әлиев", name_latin="Bulak Aliev", slug="bulak", name_key="bulak aliev | bulak aliev")]
    )
    PersonAlias.objects.bulk_create([PersonAlias(person=person, name="Yerlan Zhanov", name_key="ierlan zhanov")])
    assert "ZHANOV" in words_of(person.pk) and "ALIEV" in words_of(Person.objects.get(slug="bulak").pk)
    assert_table_is_current()

    PersonAlias.objects.filter(person=other).delete()
    assert "SULTANOV" not in words_of(other.pk)
    assert_table_is_current()

    person.delete()  # its aliases (Django), then its words (the database)
    assert not PublicNameWord.objects.filter(person_id=person.pk).exists()
    assert_table_is_current()


def test_no_word_of_a_protected_persons_real_name_or_aliases_is_ever_written():
    person = PersonFactory(name="Нұрлан Құпия", name_latin="Nurlan Kupiya")
    PersonAliasFactory(person=person, name="Nurlan Secretalias")
    real = key_words("Нұрлан Құпия", "Nurlan Kupiya", "Nurlan Secretalias")
    assert words_of(person.pk) == real

    person.identity_protected, person.pseudonym = True, "Witness from Taraz"
    person.save()
    PersonAliasFactory(person=person, name="Another Hiddenname")  # an alias added while protected
    Person.objects.filter(pk=person.pk).update(name="Нұрлан Құпиялы")  # a real name changed while protected

    assert words_of(person.pk) == key_words("Witness from Taraz")
    assert not words_of(person.pk) & (real | key_words("Another Hiddenname", "Нұрлан Құпиялы"))
    assert {row[1] for row in table_rows() if row[2] == person.pk} == {"Witness from Taraz"}
    assert_table_is_current()

    person.identity_protected = False  # protection lifted: the real names are public again
    person.save()
    assert words_of(person.pk) == key_words("Нұрлан Құпия", "Nurlan Kupiya", "Nurlan Secretalias", "Another Hiddenname")
    assert "WITNESS" not in words_of(person.pk)
    assert_table_is_current()


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_aliases_to_one_person_write_its_words_one_after_the_other():
    """The second waits for the first and writes the person's words from what the first
    committed: both aliases' words, each once."""
    person = PersonFactory(name_latin="Marat Omarov")
    params = connection.get_connection_params()
    with psycopg.connect(**params) as first, psycopg.connect(**params, autocommit=True) as second:
        first.execute(
            "INSERT INTO people_personalias (person_id, name, kind, name_key)"
            " VALUES (%s, 'X', 'other', 'marat firstalias')",
            [person.pk],
        )
        done = threading.Event()

        def add_second():
            second.execute(
                "INSERT INTO people_personalias (person_id, name, kind, name_key)"
                " VALUES (%s, 'Y', 'other', 'marat secondalias')",
                [person.pk],
            )
            done.set()

        writer = threading.Thread(target=add_second)
        writer.start()
        time.sleep(0.5)
        assert not done.is_set()  # waiting for the first transaction's lock on the person
        first.commit()
        writer.join(timeout=10)
        assert done.is_set()
    assert {"FIRSTALIAS", "SECONDALIAS", "OMAROV"} <= words_of(person.pk)
    assert_table_is_current()


def test_a_one_word_search_reads_its_page_from_the_words_and_answers_as_the_ordinary_list(
    no_response_cache, monkeypatch
):
    for number in range(7):  # more persons than a page, under several words holding the text
        surname = ["Bekturova", "Bekturov", "Abekturov"][number % 3]
        person = PersonFactory(name_latin=f"Roza{number} {surname}", name=f"Роза {surname}")
        if number % 2:
            PersonAliasFactory(person=person, name=f"Bekturovna {number}")
    PersonFactory(name_latin="Hidden Bekturov", visibility=Visibility.INTERNAL)
    PersonFactory(name_latin="Secret Bekturov", identity_protected=True, pseudonym="Bekturov witness")
    PersonFactory(name_latin="Secret Two Bekturov", identity_protected=True, pseudonym="Aral witness")
    PersonFactory(name_latin="Roza " + "bekturova" * 25)  # one word of 225 letters: the empty word
    PersonFactory(name_latin="Roza Other", name="Роза " + "ekturo" * 40)  # found in its long word only
    client = client_for()
    urls = [
        f"/api/v1/persons/?q={text}&page_size={size}" for text in ["Bekturov", "ekturo", "Roza"] for size in (2, 50)
    ]

    with CaptureQueriesContext(connection) as captured:
        fast = {url: _pages(client, url) for url in urls}
    monkeypatch.setattr(people_api, "fast_page", False)
    plain = {url: _pages(client, url) for url in urls}

    assert fast == plain
    assert all("people_publicnameword" in query["sql"] for query in captured.captured_queries)
    first = fast["/api/v1/persons/?q=ekturo&page_size=50"][0][1]
    assert "Roza Other" in first and "bekturovabekturova" in first  # both long words found
    assert "Secret" not in first and "Hidden" not in first and "Bekturov witness" in first
    assert len(fast["/api/v1/persons/?q=Bekturov&page_size=2"]) > 8  # pages there and back


def test_a_search_of_several_words_is_answered_without_the_words_table(no_response_cache):
    PersonFactory(name_latin="Roza Bekturova")
    client = client_for()
    with CaptureQueriesContext(connection) as captured:
        rows = client.get("/api/v1/persons/?q=Roza Bekturova").json()["results"]
    assert [row["name"] for row in rows] == ["Roza Bekturova"]
    assert not any("people_publicnameword" in query["sql"] for query in captured.captured_queries)
