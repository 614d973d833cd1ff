"""The API person search page read by ids sorted inside the match union
(``people.api._page_ids``, ``PersonQuerySet.matching_branches``): a surname shared by
public, partner-only, internal and protected persons, whose protected real names and
aliases carry it too, is paged exactly as the ordinary list pages it, in both
directions and at every page size, and nothing a protected person's real name or
aliases match moves a row, a page boundary or a cursor."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.db import connection

from kazmonitor import search
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import Visibility
from people import api as people_api
from people.models import Person, PersonAlias
from tests.api_support import client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import PersonAliasFactory, PersonFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 2, 3, 4, 500]
TEXTS = ["Kasymov", "kasimov", "Қасымов", "KASYMOV twin", "symov", "Kasymov\\", "Kasy%mov", "Kasymov_"]
KEYS = [("api_name", False), ("pk", False)]


@pytest.fixture
def kasymovs():
    """A surname in the names, the aliases and the pseudonyms of persons whose public
    names sort on both sides of every protected person's, with protected persons whose
    real name and aliases carry it (found by neither), one whose pseudonym does (found
    by that alone), equal public names across protection, and a match by name and alias."""
    made = {}
    made["first"] = PersonFactory(name="Айдос Қасымов", name_latin="Aidos Kasymov")
    made["no_latin"] = PersonFactory(name="Қасымов Ерлан", name_latin="")  # sorted by the name as written
    made["both"] = PersonFactory(name="Марат Қасымов", name_latin="Marat Kasymov")
    PersonAliasFactory(person=made["both"], name="Kasymov M.")  # the name and an alias: one row
    PersonAliasFactory(person=made["both"], name="M. Kasymov")
    made["alias_early"] = PersonFactory(name="Бекет А", name_latin="Beket A")
    PersonAliasFactory(person=made["alias_early"], name="Beket Kasymov")
    made["alias_late"] = PersonFactory(name="Янтарь Ю", name_latin="Yantar Yu")
    PersonAliasFactory(person=made["alias_late"], name="Kasymov Yantar")
    made["twins"] = [PersonFactory(name=f"Қасымов {i}", name_latin="Kasymov Twin") for i in range(3)]
    # protected, found by the pseudonym: equal to the twins' public name, and between others
    made["pseudonym_twin"] = PersonFactory(
        name="Секрет Қасымов", name_latin="Secret Kasymov", identity_protected=True, pseudonym="Kasymov Twin"
    )
    PersonAliasFactory(person=made["pseudonym_twin"], name="Kasymov real alias")
    made["pseudonym"] = PersonFactory(
        name="Тайна Қасымов", name_latin="Aaa Kasymov", identity_protected=True, pseudonym="Kasymov Witness"
    )
    # protected, found by nothing public: the real name and aliases would sort first and last
    made["hidden"] = []
    for real, alias in [("Aaaa Kasymov", "Aaaa Kasymov alias"), ("Zzzz Kasymov", "Zzzz Kasymov alias")]:
        person = PersonFactory(name=real, name_latin=real, identity_protected=True, pseudonym=f"Witness {real[0]}")
        PersonAliasFactory(person=person, name=alias)
        made["hidden"].append(person)
    made["partners"] = PersonFactory(name_latin="Kasymov Partner", visibility=Visibility.PARTNERS)
    PersonAliasFactory(person=made["partners"], name="Kasymov partner alias")
    made["partners_protected"] = PersonFactory(
        name_latin="Partner Kasymov Real",
        identity_protected=True,
        pseudonym="Kasymov partner witness",
        visibility=Visibility.PARTNERS,
    )
    PersonAliasFactory(person=made["partners_protected"], name="Partner Kasymov alias")
    made["internal"] = PersonFactory(name_latin="Kasymov Internal", visibility=Visibility.INTERNAL)
    PersonAliasFactory(person=made["internal"], name="Kasymov internal alias")
    PersonFactory(name_latin="Bolat Other")
    return made


def _readers() -> dict:
    return {
        Visibility.PUBLIC: client_for(),
        "public key": client_for(make_key(Visibility.PUBLIC)[1]),
        Visibility.PARTNERS: client_for(make_key(Visibility.PARTNERS, name="partner mirror")[1]),
    }


def _level(reader) -> int:
    return Visibility.PUBLIC if reader == "public key" else int(reader)


def _walk(client, url: str) -> list[tuple[int, list, str | None, str | None]]:
    """Every page of ``url`` forward, then back from the last: (status, the rows' ids and
    names, the next and previous cursors)."""
    pages, response = [], client.get(url)
    pages.append(_page(response))
    while response.status_code == 200 and response.json()["next"]:
        response = client.get(response.json()["next"])
        pages.append(_page(response))
    while response.status_code == 200 and response.json()["previous"]:
        response = client.get(response.json()["previous"])
        pages.append(_page(response))
    return pages


def _page(response):
    if response.status_code != 200:
        return response.status_code, [], None, None
    data = response.json()
    rows = [(row["id"], row["name"]) for row in data["results"]]
    return 200, rows, _cursor(data["next"]), _cursor(data["previous"])


def _cursor(link: str | None) -> str | None:
    return None if link is None else parse_qs(urlsplit(link).query).get("cursor", [""])[0]


def _url(text: str, size: int) -> str:
    return f"/api/v1/persons/?q={quote(text, safe='')}&page_size={size}"


def _expected(level: int, text: str) -> list[tuple[str, str]]:
    """What the search finds, in the list's order, worked out apart from the database's
    search: a name or alias holding the text's key (never a protected person's), or a
    protected person's pseudonym holding it; ordered by the public name, then the id."""
    key = search.name_key(text)
    aliases: dict[int, list[str]] = {}
    for person_id, alias_key in PersonAlias.objects.values_list("person_id", "name_key"):
        aliases.setdefault(person_id, []).append(alias_key)
    found = []
    for person in Person.objects.filter(visibility__gte=level):
        if person.identity_protected:
            matched = key in person.pseudonym_key
        else:
            matched = key in person.name_key or any(key in alias for alias in aliases.get(person.pk, []))
        if matched:
            found.append((person.public_name, person.pk, str(api_id(person))))
    return [(uid, name) for name, _pk, uid in sorted(found)]


def _forward(pages) -> list:
    """The rows of the forward walk (up to the last page, the first without ``next``)."""
    rows = []
    for _status, page_rows, next_cursor, _previous in pages:
        rows += page_rows
        if next_cursor is None:
            break
    return rows


def test_a_shared_surname_pages_as_the_ordinary_list_both_ways_for_every_reader(
    no_response_cache, monkeypatch, kasymovs
):
    answered = []
    search_page = people_api.search_page
    monkeypatch.setattr(people_api, "search_page", lambda *args: answered.append(found := search_page(*args)) or found)
    readers = _readers()
    urls = {
        (reader, text, size): (client, _url(text, size))
        for reader, client in readers.items()
        for text in TEXTS
        for size in SIZES
    }

    fast = {key: _walk(client, url) for key, (client, url) in urls.items()}
    monkeypatch.setattr(people_api, "fast_page", False)
    plain = {key: _walk(client, url) for key, (client, url) in urls.items()}

    assert [key for key in urls if fast[key] != plain[key]] == []
    if connection.vendor == "postgresql":
        assert sum(found is not None for found in answered) > 300  # the union's page answered them
    for (reader, text, size), pages in fast.items():
        expected = _expected(_level(reader), text)
        forward = _forward(pages)
        assert forward == expected, (reader, text, size)
        last = next(index for index, page in enumerate(pages) if page[2] is None)
        back = [row for _status, rows, _next, _previous in reversed(pages[last + 1 :]) for row in rows]
        assert back == expected[: len(expected) - len(pages[last][1])], (reader, text, size)
    public = _expected(Visibility.PUBLIC, "Kasymov")
    partners = _expected(Visibility.PARTNERS, "Kasymov")
    assert [name for _id, name in public] == [
        *("Aidos Kasymov", "Beket A", "Kasymov Twin", "Kasymov Twin", "Kasymov Twin", "Kasymov Twin"),
        *("Kasymov Witness", "Marat Kasymov", "Yantar Yu", "Қасымов Ерлан"),
    ]
    assert len(partners) == len(public) + 2  # the partner-only person and pseudonym


def test_protected_real_names_and_aliases_move_no_row_boundary_or_cursor(no_response_cache, kasymovs):
    """Every page, both ways, is the same (rows, ids, cursors) whether or not the protected
    persons' real names and aliases hold the searched surname."""
    readers = _readers()
    urls = [(reader, _url(text, size)) for reader in readers for text in ["Kasymov", "kasymov twin"] for size in SIZES]
    before = {(reader, url): _walk(readers[reader], url) for reader, url in urls}
    protected = Person.objects.filter(identity_protected=True)
    for person in protected:  # names without the surname, written as save() writes the key
        Person.objects.filter(pk=person.pk).update(
            name="Иной", name_latin="Other", name_key=f"{search.name_key('Иной')} | {search.name_key('Other')}"
        )
    PersonAlias.objects.filter(person__in=protected).update(name="Other alias", name_key="other alias")

    after = {(reader, url): _walk(readers[reader], url) for reader, url in urls}

    assert after == before
    texts = str(before)
    for person in [*kasymovs["hidden"], kasymovs["pseudonym_twin"], kasymovs["pseudonym"]]:
        assert str(person.uuid) not in texts
    for hidden in kasymovs["hidden"]:
        assert str(api_id(hidden)) not in texts  # matched by the real name and alias only


@pytest.mark.postgresql  # the compiled page is PostgreSQL's
@pytest.mark.parametrize("variant", ["first", "on", "back"])
@pytest.mark.parametrize("by_word", [False, True])
def test_the_compiled_page_has_the_parameters_the_page_built_for_the_text_has(variant, by_word, kasymovs):
    """``search.compiled``'s stand-in reproduces the union's parameters for texts with what
    LIKE escapes, quotes, Kazakh letters, the stand-in's and the probe's own forms, for
    the page of several words and the page from the words table."""
    texts = [
        *("Kasymov", "Kasy%mov", "Kasymov_", "Kas\\ymov", "O'Kasymov", "Қасымов Ерлан", "Kasymov 100%"),
        *("zq_xz", "zk ksz", "Jwort%y\\v_q x", "\x1fcursor name\x1f Kasymov", "Kasymov " + "ы" * 150),
    ]
    for level in [Visibility.PUBLIC, Visibility.PARTNERS]:
        build = lambda text, level=level: people_api._page_queryset(int(level), variant, by_word, text)  # noqa: E731
        for text in texts:
            found = search.compiled(f"api person page {int(level)} {variant} {by_word}", build, text)
            assert found is not None, text
            sql, params = build(text).query.sql_with_params()
            assert found == (sql, list(params)), text
            # the union's LIMIT; by word also each word's
            assert found[1].count(people_api._SIZE_MARK) == (2 if by_word else 1)


@pytest.mark.postgresql  # the compiled page is PostgreSQL's
def test_a_page_at_a_boundary_starts_after_the_cursor_row_in_both_directions(kasymovs):
    """A cursor on each row of the public search: the page after it starts at the next
    row, the page before it ends at the previous one, for page sizes 1 and the maximum."""
    expected = _expected(Visibility.PUBLIC, "Kasymov")
    persons = {str(api_id(person)): person for person in Person.objects.all()}
    for size in [1, 2, 500]:
        for index, (uid, _name) in enumerate(expected):
            person = persons[uid]
            position = [person.public_name, person.pk]
            after = people_api.search_page(Visibility.PUBLIC, "Kasymov", KEYS, size, position, False)
            before = people_api.search_page(Visibility.PUBLIC, "Kasymov", KEYS, size, position, True)
            assert [str(api_id(row)) for row in after] == [uid for uid, _n in expected[index + 1 : index + 2 + size]]
            assert [str(api_id(row)) for row in before] == [
                uid for uid, _n in reversed(expected[max(index - size - 1, 0) : index])
            ]
