"""The public case list and search stay cheap as the data grows: the capped count
sorts nothing, rows load only what they show, and the filter form renders as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Participant
from kazmonitor.models import Visibility
from tests.factories import CaseFactory, ChargeFactory, LocationFactory, ParticipantFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_capped_count_of_the_case_list_sorts_nothing(client):
    CaseFactory(kind=Case.Kind.CRIMINAL, status=Case.Status.TRIAL)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/", {"kind": "criminal", "status": "active"})

    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"]]
    assert response.status_code == 200
    assert "1 case" in response.content.decode()
    assert len(counts) == 1
    assert "ORDER BY" not in counts[0]
    assert "LIMIT 10001" in counts[0]


def test_case_rows_never_load_biographies_notes_or_contacts(client):
    person = PersonFactory(name_latin="Aigul Serik", biography="Long biography", internal_notes="secret")
    case = CaseFactory(title="A case", summary="A summary", internal_notes="case secret")
    ParticipantFactory(case=case, person=person)
    ChargeFactory(case=case, defendant=person)

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/cases/").content.decode()

    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "Aigul Serik" in page
    for column in ('"biography"', '"internal_notes"', '"contacts"', '"summary"', '"text"'):
        assert column not in sql


def test_case_rows_show_kind_status_and_roles_in_the_reader_language(client):
    case = CaseFactory(title="A case", kind=Case.Kind.ADMINISTRATIVE, status=Case.Status.APPEAL)
    ParticipantFactory(case=case, person=PersonFactory(name_latin="Aigul Serik"), role=Participant.Role.LAWYER)

    english = client.get("/cases/").content.decode()
    russian = client.get("/ru/cases/").content.decode()

    assert "Administrative · appeal" in english
    assert "(lawyer)" in english
    assert "(lawyer)" not in russian  # translated, not the stored value
    assert "(адвокат)" in russian


def test_the_filter_form_keeps_the_chosen_values_selected(client):
    LocationFactory(name="Almaty", slug="almaty", kind="city")

    page = client.get("/cases/", {"kind": "civil", "status": "active", "region": "almaty"}).content.decode()

    assert '<select name="kind" id="id_kind"><option value="">any</option>' in page
    assert '<option value="civil" selected>civil</option>' in page
    assert '<option value="active" selected>' in page
    assert '<option value="almaty" selected>Almaty</option>' in page
    assert '<option value="criminal">criminal</option>' in page


def test_a_hidden_case_is_not_counted(client):
    CaseFactory(kind=Case.Kind.CIVIL)
    CaseFactory(kind=Case.Kind.CIVIL, visibility=Visibility.PARTNERS)

    assert "1 case" in client.get("/cases/", {"kind": "civil"}).content.decode()


def test_search_ids_are_fetched_by_index_on_postgresql_and_with_in_elsewhere():
    from people.models import Person

    persons = str(Person.objects.visible_to(Visibility.PUBLIC).search("mamai").query)
    cases = str(Case.objects.visible_to(Visibility.PUBLIC).search("mamai", level=Visibility.PUBLIC).query)

    if connection.vendor == "postgresql":
        assert '"people_person"."id" = ANY(ARRAY(' in persons
        assert '"cases_case"."id" = ANY(ARRAY(' in cases
        assert '"person_id" = ANY(ARRAY(' in cases  # the participants of the matching persons
    else:
        assert '"people_person"."id" IN (' in persons
        assert '"cases_case"."id" IN (' in cases


def test_the_search_page_finds_a_case_by_a_name_in_the_other_script_and_ranks_the_exact_name_first(client):
    longer = PersonFactory(name="Жанболат Мамайұлы", name_latin="Zhanbolat Mamaiuly")
    exact = PersonFactory(name="Жанболат Мамай", name_latin="")
    case = CaseFactory(title="Trial of a journalist")
    ParticipantFactory(case=case, person=exact)
    CaseFactory(title="Unrelated")

    response = client.get("/search/", {"q": "Zhanbolat Mamay"})

    assert [person.pk for person in response.context["results"]["persons"]] == [exact.pk, longer.pk]
    assert [found.pk for found in response.context["results"]["cases"]] == [case.pk]


def test_the_case_list_search_counts_and_shows_only_public_matches(client):
    person = PersonFactory(name="Бейбит Даулетов", name_latin="Beibit Dauletov")
    shown = CaseFactory(title="Shown")
    ParticipantFactory(case=shown, person=person)
    hidden = CaseFactory(title="Hidden", visibility=Visibility.INTERNAL)
    ParticipantFactory(case=hidden, person=person)
    hidden_role = CaseFactory(title="Hidden participation")
    ParticipantFactory(case=hidden_role, person=person, visibility=Visibility.INTERNAL)

    response = client.get("/cases/", {"q": "Dauletov"})

    assert [case.title for case in response.context["object_list"]] == ["Shown"]
    assert "1 case" in response.content.decode()


def test_a_case_row_names_each_published_article_once_however_many_charge_it(client):
    from tests.factories import LegalArticleFactory

    riots, calls, hidden_only = (LegalArticleFactory(number=n) for n in ("272", "174", "405"))
    case = CaseFactory(title="Mass trial")
    for _ in range(3):
        defendant = PersonFactory()
        ParticipantFactory(case=case, person=defendant)
        ChargeFactory(case=case, defendant=defendant, article=riots)
    ChargeFactory(case=case, article=calls, visibility=Visibility.INTERNAL)  # earliest, hidden
    ChargeFactory(case=case, article=calls)
    ChargeFactory(case=case, article=hidden_only, visibility=Visibility.INTERNAL)

    page = client.get("/cases/").content.decode()
    row = page[page.index("Mass trial") :]

    assert row.count(f"{riots.code.short_name} 272<") == 1
    assert row.count(f"{calls.code.short_name} 174<") == 1
    assert " 405<" not in row
    assert row.index(" 174<") < row.index(" 272<")  # by article number
