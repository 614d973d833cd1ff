"""The public search and the API person search built from scratch (they are never
cached): a fixed number of queries however many records match, the person and case
queries compiled once per process on PostgreSQL yet answering exactly as the ORM does
for any text, one or two letters searched as whole names only, and case rows that name
a few people, never a protected real name."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Participant
from cases.public_filters import public_cases, search_cases
from cases.search_views import (
    SearchView,
    articles_query,
    assemblies_query,
    cases_query,
    organizations_query,
    persons_query,
)
from kazmonitor import search
from kazmonitor.models import Visibility
from people.models import Person, Role
from tests.api_support import anonymous_fixture  # noqa: F401
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    LegalArticleFactory,
    LocationFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonAliasFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
PUBLIC = Visibility.PUBLIC


def _matches(n: int) -> None:
    """``n`` persons, cases, organizations, assemblies and articles matching "Mamai";
    each case with eight people (more than a row names), each person with two roles."""
    roles = [Role.objects.get_or_create(slug=name, defaults={"name": name})[0] for name in ("journalist", "activist")]
    for i in range(n):
        person = PersonFactory(name=f"Мамай {i}", name_latin=f"Mamai {i}")
        person.roles.add(*roles)
        case = CaseFactory(title=f"Trial of Mamai {i}")
        ParticipantFactory(case=case, person=person)
        for _ in range(7):
            ParticipantFactory(case=case)
        OrganizationFactory(name=f"Mamai Foundation {i}")
        AssemblyFactory(title=f"Picket for Mamai {i}")
        LegalArticleFactory(title=f"Mamai article {i}")


@pytest.mark.parametrize("n", [1, 12])
def test_the_search_page_takes_the_same_queries_however_many_records_match(client, django_assert_num_queries, n):
    _matches(n)
    client.get("/search/", {"q": "Mamai"})  # compiled once per process, not per request

    # persons (roles in a column), cases, their first participants, organizations,
    # assemblies, articles; on PostgreSQL one statement, the first participants in the case rows
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 6):
        response = client.get("/search/", {"q": "Mamai"})

    results = response.context["results"]
    assert len(results["persons"]) == len(results["cases"]) == n
    assert len(results["organizations"]) == len(results["assemblies"]) == len(results["articles"]) == n


@pytest.mark.parametrize("n", [1, 12])
def test_the_api_person_search_takes_the_same_queries_however_many_persons_match(
    anonymous, django_assert_num_queries, n
):
    _matches(n)
    anonymous.get("/api/v1/persons/", {"q": "Mamai"})

    # the persons, their roles, their aliases; on PostgreSQL one prepared statement
    # (people.api, the search page's shape)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        response = anonymous.get("/api/v1/persons/", {"q": "Mamai"})

    assert len(response.json()["results"]) == n


def test_a_case_row_names_its_first_five_people_and_no_articles(client):
    case = CaseFactory(title="Mass trial of the Mamai supporters")
    for i in range(8):
        ParticipantFactory(case=case, person=PersonFactory(name_latin=f"Defendant {i}"))
    small = CaseFactory(title="Mamai appeal")
    ParticipantFactory(case=small, person=PersonFactory(name_latin="Lawyer Aiym"), role=Participant.Role.LAWYER)
    ParticipantFactory(case=small, person=PersonFactory(name_latin="Unpublished"), visibility=Visibility.INTERNAL)

    page = client.get("/search/", {"q": "Mamai"}).content.decode()

    appeal = page[page.index("Mamai appeal") : page.index("Mass trial")]  # by title: same date
    mass = page[page.index("Mass trial") :]
    assert [f"Defendant {i}<" in mass for i in range(8)] == [True] * 5 + [False] * 3
    assert ", …</p>" in mass
    assert 'Lawyer Aiym</a> <span class="role">(lawyer)</span></p>' in appeal
    assert "Unpublished" not in page
    assert 'class="articles"' not in page


def test_a_protected_participant_shows_by_pseudonym_and_is_never_found_by_the_real_name(client):
    hidden = PersonFactory(
        name="Самал Ержанова", name_latin="Samal Erzhanova", identity_protected=True, pseudonym="Journalist from Oral"
    )
    PersonAliasFactory(person=hidden, name="Samal Yerzhanova")
    ParticipantFactory(case=CaseFactory(title="Trial of a journalist"), person=hidden)

    by_pseudonym = client.get("/search/", {"q": "journalist from oral"})
    for real in ("Erzhanova", "Ержанова", "Yerzhanova", "Samal"):
        response = client.get("/search/", {"q": real})
        assert response.context["results"]["persons"] == []
        assert response.context["results"]["cases"] == []

    assert [p.public_name for p in by_pseudonym.context["results"]["persons"]] == ["Journalist from Oral"]
    page = by_pseudonym.content.decode()
    assert 'Journalist from Oral</a> <span class="role">(defendant)</span>' in page
    assert "Erzhanova" not in page and "Самал" not in page and hidden.slug not in page


def test_persons_come_best_match_first_with_their_roles_in_name_order(client):
    inside = PersonFactory(name="Дана Серикбаева", name_latin="Dana Serikbaeva")
    exact = PersonFactory(name="Серик", name_latin="Serik")
    exact.roles.add(
        *(Role.objects.get_or_create(slug=name, defaults={"name": name})[0] for name in ("lawyer", "activist"))
    )
    by_alias = PersonFactory(name="Серікжан Омаров", name_latin="Serikzhan Omarov")
    PersonAliasFactory(person=by_alias, name="Serik Omarov")

    response = client.get("/search/", {"q": "Serik"})

    found = response.context["results"]["persons"]
    assert [person.pk for person in found] == [exact.pk, by_alias.pk, inside.pk]
    assert found[0].roles_text == "activist, lawyer"
    assert ">Serik</a> <span>(Серик)</span> — activist, lawyer</li>" in response.content.decode()


def test_one_or_two_letters_find_whole_names_numbers_and_words_only(client, anonymous):
    short = PersonFactory(name="Ли", name_latin="Li")
    PersonFactory(name="Алина Ли", name_latin="Alina Li")  # "li" is a whole word, not the whole name
    PersonFactory(name="Лилия Ахметова", name_latin="Liliia Akhmetova")
    by_number = CaseFactory(title="A case", case_number="42")
    CaseFactory(title="Case of Li", summary="Li was detained.")
    ParticipantFactory(case=CaseFactory(title="Trial"), person=short)

    for text in ("Ли", "li", "LI"):
        results = client.get("/search/", {"q": text}).context["results"]
        assert [person.pk for person in results["persons"]] == [short.pk], text
        assert [case.title for case in results["cases"]] == ["Trial"], text
    assert [case.pk for case in client.get("/search/", {"q": "42"}).context["results"]["cases"]] == [by_number.pk]
    for text in ("a", "Ё", "%", "_", "..", "1"):
        assert client.get("/search/", {"q": text}).status_code == 200, text
        assert anonymous.get("/api/v1/persons/", {"q": text}).status_code == 200, text
        # No name key at all ("%", ".."): the case search used to send ANY(ARRAY NULL), a 500 on PostgreSQL.
        assert client.get("/cases/", {"q": text}).status_code == 200, text
        assert anonymous.get("/api/v1/cases/", {"q": text}).status_code == 200, text
    assert [p["name"] for p in anonymous.get("/api/v1/persons/", {"q": "li"}).json()["results"]] == ["Li"]
    # Staff still find two letters inside names (the admin's search and autocomplete).
    assert Person.objects.search("li", reveal_protected=True).count() == 3


TEXTS = ["Mamai", "Мамай", "  Mamay ", "50%_off", "back\\slash", "O'Brien", "zq_xz", "zk ksz", "a_b%c", "riots Almaty"]


@pytest.mark.parametrize("text", TEXTS)
def test_the_once_compiled_queries_answer_as_the_orm_for_any_text(text):
    mamai = PersonFactory(name="Мамай", name_latin="Mamai")
    PersonFactory(name="Тест", name_latin="50%_off back\\slash O'Brien zq_xz a_b%c")
    PersonFactory(name="Тест 2", name_latin="50 off zk ksz abc")
    ParticipantFactory(case=CaseFactory(title="Calls to mass riots", summary="In Almaty, 50%_off"), person=mamai)
    CaseFactory(title="O'Brien and zq_xz", summary="back\\slash a_b%c")
    view = SearchView()

    found = view.search(text)
    persons = [person.pk for person in found["persons"]]
    cases = [case.pk for case in found["cases"]]

    assert persons == [p.pk for p in Person.objects.visible_to(PUBLIC).search(text)[:20]]
    assert cases == [c.pk for c in public_cases().filter(search_cases(text))[:20]]
    if connection.vendor == "postgresql":  # the compiled SQL answered, not a fallback to the ORM
        assert search._COMPILED["search persons"] is not None
        assert search._COMPILED["search cases"] is not None


@pytest.mark.parametrize("text", [*TEXTS, "Almaty", "274"])
def test_the_searches_run_together_answer_as_each_built_alone(text):
    """One statement for the page's five searches (PostgreSQL): the same rows, in the same
    order, of the same types (dates, uuids, no location) as the ORM's queries alone."""
    almaty = LocationFactory(name="Almaty", name_local="Алматы")
    mamai = PersonFactory(name="Мамай", name_latin="Mamai")
    PersonFactory(name="Тест", name_latin="50%_off back", identity_protected=True, pseudonym="O'Brien zq_xz a_b%c")
    ParticipantFactory(
        case=CaseFactory(title="Calls to mass riots", summary="In Almaty, 50%_off", location=almaty), person=mamai
    )
    CaseFactory(title="O'Brien and zq_xz", summary="back\\slash a_b%c", opened_on=None)
    CaseFactory(title="Mamai riots in Almaty", opened_on=datetime.date(2022, 1, 5), location=almaty)
    OrganizationFactory(name="Mamai riots Almaty watch", abbreviation="MRAW")
    AssemblyFactory(title="Riots Almaty: Mamai", held_on=datetime.date(2022, 1, 5))
    AssemblyFactory(title="O'Brien zq_xz a_b%c march")
    LegalArticleFactory(number="274", title="Mass riots in Almaty 50%_off")
    searches = {
        "persons": ("search persons", persons_query),
        "cases": ("search cases", cases_query),
        "organizations": ("search organizations", organizations_query),
        "assemblies": ("search assemblies", assemblies_query),
        "articles": ("search articles", articles_query),
    }

    together = search.search_groups(searches, text)

    assert together == {name: list(build(text)) for name, (_shape, build) in searches.items()}
    assert sum(map(len, together.values())) > 0, text


@pytest.mark.postgresql
def test_the_first_participants_read_in_the_case_rows_are_those_of_the_window_query():
    """On PostgreSQL a case row carries its first participants (``first_people``); the
    window query elsewhere must name the same persons, roles and order, a protected person
    only by pseudonym, no unpublished participation or person, "…" after the sixth."""
    case = CaseFactory(title="Mass trial of Mamai supporters")
    for n, role in enumerate([Participant.Role.DEFENDANT] * 7 + [Participant.Role.WITNESS, Participant.Role.LAWYER]):
        ParticipantFactory(case=case, role=role, person=PersonFactory(name=f"Мамай {n}", name_latin=f"Mamai {9 - n}"))
    hidden = PersonFactory(name="Скрытый", name_latin="Hidden", identity_protected=True, pseudonym="Aigerim A.")
    ParticipantFactory(case=case, role=Participant.Role.DEFENDANT, person=hidden)
    ParticipantFactory(case=case, role=Participant.Role.DEFENDANT, visibility=Visibility.INTERNAL)
    ParticipantFactory(case=case, person=PersonFactory(name="Черновик", visibility=Visibility.INTERNAL))
    small = CaseFactory(title="Mamai questioned")
    ParticipantFactory(case=small, person=hidden, role=Participant.Role.WITNESS)

    rows = SearchView().search("Mamai")["cases"]
    window = SearchView().first_participants([row.pk for row in rows])

    assert {row.pk for row in rows} == {case.pk, small.pk}
    for row in rows:
        named = window[row.pk]
        assert (row.people, row.more_people) == (named[:5], len(named) > 5)
    assert [person.public_name for _role, person in window[small.pk]] == ["Aigerim A."]
    assert next(row for row in rows if row.pk == case.pk).more_people


def test_a_lookup_asked_more_than_once_is_run_once_and_read_wherever_it_was():
    lookup = "ARRAY(SELECT word FROM people_nameword WHERE word LIKE (SELECT kz_search_word_like(%s, {})))"
    sql = f"SELECT a && {lookup.format(1)}, '50%%', %s, b && {lookup.format(1)}, c && {lookup.format(2)}"

    same, params = search.shared_lookups(sql, ["KEY", "x", "KEY", "KEY"])
    other, other_params = search.shared_lookups(sql, ["KEY", "x", "TEXT", "KEY"])

    assert same == (
        f"WITH kz_lookups AS MATERIALIZED (SELECT {lookup.format(1)} AS w0, {lookup.format(2)} AS w1) "  # noqa: S608
        "SELECT a && (SELECT w0 FROM kz_lookups), '50%%', %s, b && (SELECT w0 FROM kz_lookups), "
        "c && (SELECT w1 FROM kz_lookups)"
    )
    assert params == ["KEY", "KEY", "x"]
    assert other.count("kz_search_word_like") == 3 and other_params == ["KEY", "TEXT", "KEY", "x"]
    assert search.shared_lookups("SELECT %s, '%%'", [1]) == ("SELECT %s, '%%'", [1])


@pytest.mark.postgresql
def test_the_search_page_asks_each_lexicon_each_question_once(client, django_assert_num_queries):
    _matches(3)
    client.get("/search/", {"q": "Mamai"})

    with CaptureQueriesContext(connection) as captured:
        found = client.get("/search/", {"q": "Mamai"}).context["results"]

    (statement,) = [query["sql"] for query in captured]
    # the two longest words (here the one word twice), once in the names' lexicon and
    # once in the case texts', where the person and case searches asked fourteen times
    assert statement.count("kz_search_word_like") == 4
    assert len(found["persons"]) == len(found["cases"]) == 3


def test_an_article_number_with_its_part_finds_the_article_beside_the_other_groups(client):
    LegalArticleFactory(number="274", title="Spreading false information")
    CaseFactory(title="Charged under 274.4")

    found = client.get("/search/", {"q": "274.4"}).context["results"]
    nothing = client.get("/search/", {"q": "9999.1"})

    assert [article.number for article in found["articles"]] == ["274"]
    assert [case.title for case in found["cases"]] == ["Charged under 274.4"]
    assert nothing.status_code == 200
    assert not any(nothing.context["results"].values())


def test_a_query_the_stand_in_cannot_map_is_built_every_time():
    PersonFactory(name_latin="Mamai")

    def build(text):  # uses the text transformed: the stand-in's mapping cannot reproduce it
        return Person.objects.filter(name_latin__iexact=text[::-1][::-1].title()).values("name_latin")

    assert search.search_rows("test: transformed text", build, "mamai") == [{"name_latin": "Mamai"}]
    assert search.search_rows("test: transformed text", build, "MAMAI") == [{"name_latin": "Mamai"}]
    if connection.vendor == "postgresql":
        assert search._COMPILED["test: transformed text"] is None


@pytest.mark.parametrize("text", TEXTS)
def test_the_case_list_and_the_api_person_search_answer_as_the_orm_for_any_text(client, anonymous, text):
    mamai = PersonFactory(name="Мамай", name_latin="Mamai")
    PersonFactory(name="Тест", name_latin="50%_off back\\slash O'Brien zq_xz a_b%c")
    ParticipantFactory(case=CaseFactory(title="Calls to mass riots", summary="In Almaty, 50%_off"), person=mamai)
    CaseFactory(title="O'Brien and zq_xz", summary="back\\slash a_b%c")

    listed = client.get("/cases/", {"q": text}).context["object_list"]
    api = anonymous.get("/api/v1/persons/", {"q": text}).json()["results"]

    assert {case.pk for case in listed} == set(
        Case.objects.visible_to(PUBLIC).search(text, level=PUBLIC).values_list("pk", flat=True)
    )
    expected = Person.objects.visible_to(PUBLIC).filter(identity_protected=False).matching(text)
    assert {person["name"] for person in api} == set(expected.values_list("name_latin", flat=True))
    ordered = anonymous.get("/api/v1/persons/", {"q": text, "ordering": "-updated_at"}).json()["results"]
    assert {person["name"] for person in ordered} == {person["name"] for person in api}
    key, cleaned = search.name_key(text), search.search_text(text)
    # texts search.compiled takes (a key with no word of three letters is built every time)
    if connection.vendor == "postgresql" and all(search.has_word(f) and not search.is_short(f) for f in (key, cleaned)):
        assert search._COMPILED["public case ids"] is not None
        # the page of a plain search (people.api.search_page: a one-word text's from the
        # public name words), and the ids of any other list
        by_word = " by word" if " " not in key else ""
        assert search._COMPILED[f"api person page {int(PUBLIC)} first{by_word}"] is not None
        assert search._COMPILED["api person ids"] is not None
