"""The API person list and search (``/api/v1/persons/?q=``) answer exactly what DRF's own
path with ``prefetch_related("roles", "aliases")`` answers, for every reader, search and
page, in a fixed number of queries; on PostgreSQL the list's order can be read from an
index instead of sorting every visible person (docs/performance.md, "API person list")."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kazmonitor.api import compiled, pagination
from kazmonitor.models import Visibility
from people import api as people_api
from people.models import Person, Role
from tests.api_support import anonymous_fixture, body, client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import DetentionFactory, LocationFactory, PersonAliasFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_path(monkeypatch):
    """Switch the fast paths off: the search page's one statement, aliases by
    ``prefetch_related``, DRF's own ``to_representation`` and ``list(queryset)``."""

    def switch_off():
        monkeypatch.setattr(people_api, "fast_page", False)
        monkeypatch.setattr(people_api, "fast_aliases", False)
        monkeypatch.setattr(compiled, "bind", lambda serializer: False)
        monkeypatch.setattr(pagination, "fetch_all", list)

    return switch_off


def _role(slug: str) -> Role:
    return Role.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0]


@pytest.fixture
def people():
    """Persons named Zhanatuly (in the name, only in an alias, only in a pseudonym) at
    every level, with and without roles, aliases, a Latin name and a place."""
    almaty = LocationFactory(name="Almaty", slug="almaty")
    journalist, activist = _role("journalist"), _role("activist")
    found = {}
    found["plain"] = PersonFactory(name="Сабыр Жанатұлы", name_latin="Sabyr Zhanatuly", location=almaty)
    found["plain"].roles.set([journalist, activist])
    for alias in ["zhanatuly s.", "Sabir Zhanatuli", "Жанатұлы Сабыр"]:  # order by name, capitals and scripts
        PersonAliasFactory(person=found["plain"], name=alias)
    found["no_latin"] = PersonFactory(name="Zhanatuly Aidos", name_latin="")
    found["alias_only"] = PersonFactory(name="Ерлан Бекұлы", name_latin="Yerlan Bekuly")
    PersonAliasFactory(person=found["alias_only"], name="Yerlan Zhanatuly")
    found["alias_only"].roles.set([activist])
    found["protected"] = PersonFactory(
        name="Асқар Жанатұлы",
        name_latin="Askar Zhanatuly",
        identity_protected=True,
        pseudonym="Blogger from Zhanatuly street",
    )
    PersonAliasFactory(person=found["protected"], name="Askar Zhanatuly (real alias)")
    found["protected_by_name"] = PersonFactory(
        name="Нұрлан Жанатұлы", name_latin="Nurlan Zhanatuly", identity_protected=True, pseudonym="Witness A"
    )
    found["partners"] = PersonFactory(name_latin="Dana Zhanatuly", visibility=Visibility.PARTNERS)
    PersonAliasFactory(person=found["partners"], name="Dana Zh.")
    found["internal"] = PersonFactory(name_latin="Internal Zhanatuly", visibility=Visibility.INTERNAL)
    PersonAliasFactory(person=found["internal"], name="Internal alias Zhanatuly")
    for i in range(4):  # same display name: the id breaks the tie
        PersonFactory(name_latin="Zhanatuly Twin", name=f"Жанатұлы {i}")
    PersonFactory(name_latin="Bolat Other")
    return found


def _readers():
    return {"anonymous": client_for(), "partners": client_for(make_key(Visibility.PARTNERS)[1])}


def _pages(client, url: str) -> list[tuple[int, str]]:
    """Every page of ``url`` (following ``next``), then back from the last (``previous``)."""
    answers, response = [], client.get(url)
    answers.append((response.status_code, body(response)))
    if response.streaming:  # CSV: one answer
        return answers
    while response.status_code == 200 and response.json()["next"]:
        response = client.get(response.json()["next"])
        answers.append((response.status_code, body(response)))
    while response.status_code == 200 and response.json()["previous"]:
        response = client.get(response.json()["previous"])
        answers.append((response.status_code, body(response)))
    return answers


URLS = [
    "/api/v1/persons/?q=Zhanatuly",
    "/api/v1/persons/?q=Zhanatuly&page_size=2",
    "/api/v1/persons/?q=Жанатұлы&page_size=3&ordering=-name",
    "/api/v1/persons/?q=zhanatuli&ordering=updated_at",
    "/api/v1/persons/?q=Sabir",
    "/api/v1/persons/?q=Blogger",
    "/api/v1/persons/?q=Zh",
    "/api/v1/persons/?q=%25",
    "/api/v1/persons/?q=nobody-at-all",
    "/api/v1/persons/?page_size=4",
    "/api/v1/persons/?role=activist",
    "/api/v1/persons/?q=Zhanatuly&role=journalist&location=almaty",
    "/api/v1/persons/?q=zhanatuly&pseudonymous=false&updated_since=2000-01-01",
    "/api/v1/persons/?pseudonymous=true",
    "/api/v1/persons/?detained_on=2022-05-01&page_size=2",
    "/api/v1/persons/?q=Zhanatuly&format=csv",
]


def test_person_pages_answer_byte_for_byte_what_drf_and_prefetch_related_answer(no_response_cache, plain_path, people):
    for person in [people["plain"], people["protected"], people["partners"], people["no_latin"]]:
        DetentionFactory(person=person, started_on=datetime.date(2022, 4, 1))
    readers = _readers()
    fast = {(name, url): _pages(client, url) for name, client in readers.items() for url in URLS}
    plain_path()
    plain = {(name, url): _pages(client, url) for name, client in readers.items() for url in URLS}

    assert [key for key in fast if fast[key] != plain[key]] == []
    assert all(status == 200 for answers in fast.values() for status, _text in answers)
    assert len(fast["anonymous", "/api/v1/persons/?q=Zhanatuly&page_size=2"]) > 4  # pages there and back


def test_aliases_come_in_their_order_and_never_for_protected_persons(no_response_cache, anonymous, people):
    rows = {row["name"]: row for row in anonymous.get("/api/v1/persons/?q=Zhanatuly").json()["results"]}

    assert rows["Sabyr Zhanatuly"]["aliases"] == sorted(["zhanatuly s.", "Sabir Zhanatuli", "Жанатұлы Сабыр"])
    assert rows["Sabyr Zhanatuly"]["roles"] == ["activist", "journalist"]
    assert rows["Yerlan Bekuly"]["aliases"] == ["Yerlan Zhanatuly"]
    assert rows["Zhanatuly Aidos"]["aliases"] == []
    assert rows["Blogger from Zhanatuly street"]["aliases"] == []
    assert rows["Blogger from Zhanatuly street"]["slug"] is None
    assert "Witness A" not in rows  # matched only by the real name, which protected persons never match by
    assert "Dana Zhanatuly" not in rows and "Internal Zhanatuly" not in rows


def test_the_search_reveals_nothing_protected_or_unpublished(no_response_cache, people):
    for name, client in _readers().items():
        text = body(client.get("/api/v1/persons/?q=Zhanatuly&page_size=500"))
        for secret in ["Askar", "real alias", "Асқар", "Internal", "Nurlan", str(people["protected"].uuid)]:
            assert secret not in text, (name, secret)
        assert ("Dana Zhanatuly" in text) == (name == "partners")
        assert ("Dana Zh." in text) == (name == "partners")


@pytest.mark.parametrize("fast_page", [True, False])
@pytest.mark.parametrize("n", [1, 30])
def test_a_search_takes_a_fixed_number_of_queries_however_many_persons_match(
    no_response_cache, anonymous, django_assert_num_queries, monkeypatch, n, fast_page
):
    monkeypatch.setattr(people_api, "fast_page", fast_page)
    for i in range(n):
        person = PersonFactory(name_latin=f"Mamai {i:02}")
        person.roles.set([_role("journalist")])
        PersonAliasFactory(person=person, name=f"Мамай {i:02}")
    anonymous.get("/api/v1/persons/", {"q": "Mamai"})

    # On PostgreSQL one statement reads the page with its roles and aliases' names
    # (people.api.search_page); elsewhere the persons, their roles, their aliases' names.
    with django_assert_num_queries(1 if fast_page and connection.vendor == "postgresql" else 3):
        response = anonymous.get("/api/v1/persons/", {"q": "Mamai"})

    assert len(response.json()["results"]) == n
    assert response.json()["results"][0]["roles"] == ["journalist"]
    assert response.json()["results"][0]["aliases"] == ["Мамай 00"]


@pytest.mark.parametrize("fast_page", [True, False])
def test_a_page_of_protected_persons_only_reads_no_aliases(
    no_response_cache, anonymous, django_assert_num_queries, monkeypatch, fast_page
):
    monkeypatch.setattr(people_api, "fast_page", fast_page)
    PersonFactory(name_latin="Hidden Mamai", identity_protected=True, pseudonym="Mamai supporter")
    anonymous.get("/api/v1/persons/", {"q": "Mamai"})

    with django_assert_num_queries(1 if fast_page and connection.vendor == "postgresql" else 2):
        response = anonymous.get("/api/v1/persons/", {"q": "Mamai"})

    assert [row["name"] for row in response.json()["results"]] == ["Mamai supporter"]


def test_the_list_order_can_be_read_from_the_name_index_on_postgresql(no_response_cache, people):
    """The index's expression is the one Django writes for ``people.models.public_name_order()``
    (otherwise PostgreSQL could not use it); other databases get no such index."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Person._meta.db_table)
    if connection.vendor != "postgresql":
        assert "person_api_name_idx" not in indexes
        return
    with CaptureQueriesContext(connection) as captured:
        client_for().get("/api/v1/persons/?detained_on=2022-05-01")
    (sql,) = [query["sql"] for query in captured.captured_queries if 'AS "api_name"' in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "person_api_name_idx" in indexes
    assert "Index Scan using person_api_name_idx" in plan
    assert " Sort " not in f" {plan} ".replace("\n", " ")


@pytest.mark.parametrize("fast_page", [True, False])
@pytest.mark.parametrize("q", ["Mamai", None])
def test_a_page_shows_each_persons_place_without_a_query_per_person(
    no_response_cache, anonymous, django_assert_num_queries, monkeypatch, fast_page, q
):
    """A list reads only the place's slug, name and kind (what it shows): no other column
    of the place may be read later, one query per person."""
    monkeypatch.setattr(people_api, "fast_page", fast_page)
    places = [LocationFactory(name=f"Town {i}", slug=f"town-{i}") for i in range(3)]
    for i in range(12):
        PersonFactory(name_latin=f"Mamai {i:02}", location=places[i % 3])
    params = {"q": q} if q else {}
    anonymous.get("/api/v1/persons/", params)

    searched_fast = q and fast_page and connection.vendor == "postgresql"
    with django_assert_num_queries(1 if searched_fast else 3):
        response = anonymous.get("/api/v1/persons/", params)

    rows = response.json()["results"]
    assert len(rows) == 12
    first = next(row for row in rows if row["name"] == "Mamai 00")
    assert first["location"] == {
        "id": "town-0",
        "url": "http://testserver/api/v1/locations/town-0/",
        "name": "Town 0",
        "kind": "city",
    }
    assert {row["location"]["id"] for row in rows} == {"town-0", "town-1", "town-2"}
