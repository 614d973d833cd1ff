"""A page of the API person search (``/api/v1/persons/?q=``, with at most ``page_size``
and ``cursor``) read on PostgreSQL from one prepared statement with its roles and
aliases (``people.api.search_page``) answers byte for byte what the ordinary list
answers (filter, ORM queryset, prefetches), for every reader, text, page size and
cursor; anything else, and other databases, take the ordinary list."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kazmonitor.models import Visibility
from people import api as people_api
from people.models import Role
from tests.api_support import body, client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import LocationFactory, PersonAliasFactory, PersonFactory
from tests.test_api_person_search import _pages

pytestmark = pytest.mark.django_db

TEXTS = [
    *("Zhanatuly", "zhanatuli", "ZHANATULY", "  Zhanatuly  ", "Жанатұлы", "Sabyr Zhanatuly", "Zhanatuly Sabyr"),
    *("Sabir", "Blogger", "street", "Blogger from Zhanatuly", "Witness", "Twin", "Zhanatuly Twin", "natul"),
    *("Askar", "real alias", "Асқар", "Nurlan", "Dana", "Internal", "Bekuly", "Yerlan Zhanatuly", "Aidos"),
    *("Zh", "ly", "%", "_", "\\", "'", "a_b", "100%", "Zhana%tuly", "Zhanatuly\tstreet", "nobody-at-all"),
    *("O'Brien", "Mc Twin", "Жанатұлы Сабыр", "x" * 201, "Zhanatuly\x00", "   ", ""),
]


def _role(slug: str) -> Role:
    return Role.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0]


@pytest.fixture
def people():
    """Persons found by a name, an alias or a pseudonym only, at every level, protected
    ones with aliases that name them, roles in an order that is not their ids', equal
    public names, names without a Latin form and with apostrophes."""
    almaty = LocationFactory(name="Almaty", slug="almaty")
    roles = [_role(slug) for slug in ["writer", "activist", "journalist", "blogger"]]
    found = {}
    found["plain"] = PersonFactory(name="Сабыр Жанатұлы", name_latin="Sabyr Zhanatuly", location=almaty)
    found["plain"].roles.set(roles[:3])
    for alias in ["zhanatuly s.", "Sabir Zhanatuli", "Жанатұлы Сабыр", "O'Brien"]:
        PersonAliasFactory(person=found["plain"], name=alias)
    found["no_latin"] = PersonFactory(name="Zhanatuly Aidos", name_latin="", birth_year=1990)
    found["alias_only"] = PersonFactory(name="Ерлан Бекұлы", name_latin="Yerlan Bekuly")
    PersonAliasFactory(person=found["alias_only"], name="Yerlan Zhanatuly")
    found["alias_only"].roles.set([roles[3], roles[1]])
    found["protected"] = PersonFactory(
        name="Асқар Жанатұлы",
        name_latin="Askar Zhanatuly",
        identity_protected=True,
        pseudonym="Blogger from Zhanatuly street",
        location=almaty,
    )
    found["protected"].roles.set([roles[1]])
    PersonAliasFactory(person=found["protected"], name="Askar Zhanatuly (real alias)")
    found["protected_by_name"] = PersonFactory(
        name="Нұрлан Жанатұлы", name_latin="Nurlan Zhanatuly", identity_protected=True, pseudonym="Witness A"
    )
    PersonAliasFactory(person=found["protected_by_name"], name="Witness Zhanatuly real")
    found["partners"] = PersonFactory(name_latin="Dana Zhanatuly", visibility=Visibility.PARTNERS)
    PersonAliasFactory(person=found["partners"], name="Dana Zh.")
    found["partners_protected"] = PersonFactory(
        name_latin="Partner Zhanatuly", identity_protected=True, pseudonym="Zhanatuly witness", visibility=10
    )
    found["internal"] = PersonFactory(name_latin="Internal Zhanatuly", visibility=Visibility.INTERNAL)
    PersonAliasFactory(person=found["internal"], name="Internal alias Zhanatuly")
    for i in range(5):  # the same public name: the id breaks the tie
        twin = PersonFactory(name_latin="Zhanatuly Twin", name=f"Жанатұлы {i}", location=almaty if i % 2 else None)
        twin.roles.set(roles[i % 3 : i % 3 + 2])
    PersonFactory(name_latin="Mc Twin O'Brien")
    PersonFactory(name_latin="Bolat Other")
    return found


def _readers():
    return {
        "anonymous": client_for(),
        "public": client_for(make_key(Visibility.PUBLIC)[1]),
        "partners": client_for(make_key(Visibility.PARTNERS, name="partner mirror")[1]),
    }


def _both_ways(monkeypatch, requests) -> tuple[dict, dict]:
    """The answers to ``requests`` (``{key: (client, url)}``) with the fast page, then without."""
    fast = {key: _pages(client, url) for key, (client, url) in requests.items()}
    monkeypatch.setattr(people_api, "fast_page", False)
    plain = {key: _pages(client, url) for key, (client, url) in requests.items()}
    return fast, plain


def test_every_text_reader_and_page_answers_what_the_ordinary_list_answers(no_response_cache, monkeypatch, people):
    readers = _readers()
    requests = {}
    for name, client in readers.items():
        for text in TEXTS:
            for size in ["", "&page_size=1", "&page_size=3", "&page_size=500"]:
                requests[name, text, size] = (client, f"/api/v1/persons/?q={_quoted(text)}{size}")

    answered = []
    search_page = people_api.search_page
    monkeypatch.setattr(people_api, "search_page", lambda *args: answered.append(found := search_page(*args)) or found)

    fast, plain = _both_ways(monkeypatch, requests)

    assert [key for key in requests if fast[key] != plain[key]] == []
    if connection.vendor == "postgresql":  # the fast page answered most of them
        assert sum(found is not None for found in answered) > 700
    pages = [answer for answers in fast.values() for answer in answers]
    assert {status for status, _text in pages} == {200, 400}  # too long, a NUL: the ordinary 400
    assert len(fast["partners", "Zhanatuly", "&page_size=1"]) > 20  # every page there and back
    for secret in ["Askar", "real alias", "Асқар", "Nurlan", "Witness Zhanatuly real", "Partner Zhanatuly"]:
        assert all(secret not in text for _status, text in pages)
    for person in ["protected", "protected_by_name", "partners_protected"]:
        assert all(str(people[person].uuid) not in text and people[person].slug not in text for _s, text in pages)


def test_requests_of_other_shapes_answer_as_before(no_response_cache, monkeypatch, people):
    """Another order, another filter, a format, a bad page size or cursor: the ordinary list
    answers (and its errors), whichever way is switched on."""
    client = _readers()["partners"]
    urls = [
        "/api/v1/persons/?q=Zhanatuly&ordering=-name",
        "/api/v1/persons/?q=Zhanatuly&ordering=name&page_size=2",
        "/api/v1/persons/?q=Zhanatuly&role=activist",
        "/api/v1/persons/?q=Zhanatuly&updated_since=2000-01-01&page_size=4",
        "/api/v1/persons/?q=Zhanatuly&format=json",
        "/api/v1/persons/?q=Zhanatuly&format=csv",
        "/api/v1/persons/?q=Zhanatuly&page_size=0",
        "/api/v1/persons/?q=Zhanatuly&page_size=x",
        "/api/v1/persons/?q=Zhanatuly&cursor=abc",
        "/api/v1/persons/?q=Zhanatuly&cursor=v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "/api/v1/persons/?q=Zhanatuly&q=Twin",
        "/api/v1/persons/?page_size=3",
    ]
    fast, plain = _both_ways(monkeypatch, {url: (client, url) for url in urls})

    assert [url for url in urls if fast[url] != plain[url]] == []
    assert [fast[url][0][0] for url in urls[6:10]] == [400, 400, 400, 400]


def test_a_cursor_of_one_order_is_refused_in_the_search(no_response_cache, monkeypatch, people):
    client = client_for()
    link = client.get("/api/v1/persons/?q=Zhanatuly&ordering=updated_at&page_size=1").json()["next"]
    (cursor,) = parse_qs(urlsplit(link).query)["cursor"]
    url = f"/api/v1/persons/?q=Zhanatuly&page_size=1&cursor={cursor}"

    fast, plain = _both_ways(monkeypatch, {url: (client, url)})

    assert fast == plain
    assert fast[url][0][0] == 400


def _page_statements() -> dict[str, tuple[int, int]]:
    """The search page's prepared statements on this connection: (generic plans, custom plans)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s AND statement LIKE %s",
            ["%people_person_roles%", "%LIMIT $%"],
        )
        return {statement: (generic, custom) for statement, generic, custom in cursor.fetchall()}


@pytest.mark.postgresql  # the fast page is PostgreSQL's
def test_a_search_page_is_one_prepared_statement_planned_once(no_response_cache, people):
    # As a new connection: the session set up again (an earlier test's setting was rolled back).
    connection.connection.prepare_threshold = None
    client = client_for()
    client.get("/api/v1/persons/?q=Zhanatuly&page_size=2")  # a one-word text (people_publicnameword)
    client.get("/api/v1/persons/?q=Zhanatuly Twin&page_size=2")  # a text of two words
    next_url = client.get("/api/v1/persons/?q=Twin&page_size=2").json()["next"]
    before = _page_statements()

    with CaptureQueriesContext(connection) as captured:
        rows = client.get("/api/v1/persons/?q=Sabyr Zhanatuly").json()["results"]
        one_word = client.get("/api/v1/persons/?q=Sabyr").json()["results"]
        client.get(next_url)

    after = _page_statements()
    assert len(captured.captured_queries) == 3
    assert rows[0]["roles"] == [role.slug for role in people["plain"].roles.order_by("name")]
    assert rows[0]["aliases"] == sorted(["zhanatuly s.", "Sabir Zhanatuli", "Жанатұлы Сабыр", "O'Brien"])
    assert one_word[0] == rows[0]
    ran = {sql: generic - before.get(sql, (0, 0))[0] for sql, (generic, _custom) in after.items()}
    # the first page of either kind of text; a page after a cursor (not one before)
    assert sorted(ran.values()) == [1, 1, 1]
    assert all(custom == 0 for _generic, custom in after.values())  # planned once, generically


@pytest.mark.postgresql  # the fast page is PostgreSQL's
def test_without_prepared_plans_the_page_is_the_same_one_statement(
    no_response_cache, monkeypatch, settings, people, django_assert_num_queries
):
    """``SEARCH_PREPARED_PLANS=0`` (PgBouncer in transaction mode): the same statement,
    planned on every run."""
    client = client_for(make_key(Visibility.PARTNERS)[1])
    urls = ["/api/v1/persons/?q=Zhanatuly&page_size=2", "/api/v1/persons/?q=Жанатұлы&page_size=500"]
    prepared = {url: _pages(client, url) for url in urls}
    settings.SEARCH_PREPARED_PLANS = False
    connection.connection.prepare_threshold = None

    with django_assert_num_queries(1):
        client_for().get(urls[0])
    fast, plain = _both_ways(monkeypatch, {url: (client, url) for url in urls})

    assert fast == plain == prepared
    assert len(fast[urls[0]]) > 10


@pytest.mark.postgresql  # the fast page is PostgreSQL's
def test_a_protected_persons_aliases_are_never_read(no_response_cache, monkeypatch, people):
    monkeypatch.setattr(people_api, "_roles_and_aliases", lambda persons, db: None)
    keys = [("api_name", False), ("pk", False)]

    persons = people_api.search_page(Visibility.PARTNERS, "Zhanatuly", keys, 50, None, False)

    found = {person.pk: person for person in persons}
    assert found[people["protected"].pk].alias_names is None
    assert found[people["partners_protected"].pk].alias_names is None
    assert found[people["plain"].pk].alias_names == sorted(
        ["zhanatuly s.", "Sabir Zhanatuli", "Жанатұлы Сабыр", "O'Brien"]
    )
    assert people["protected_by_name"].pk not in found  # a protected person is found by the pseudonym only


def test_a_search_page_is_one_query_on_postgresql_and_three_elsewhere(
    no_response_cache, people, django_assert_num_queries
):
    client = client_for()
    client.get("/api/v1/persons/?q=Zhanatuly")

    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        response = client.get("/api/v1/persons/?q=Zhanatuly")

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == [
        *("Blogger from Zhanatuly street", "Sabyr Zhanatuly", "Yerlan Bekuly", "Zhanatuly Aidos"),
        *["Zhanatuly Twin"] * 5,
    ]


def _quoted(text: str) -> str:
    return quote(text, safe="")
