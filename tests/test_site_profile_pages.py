"""Long person and organization pages, and the list of people in custody, a page at a
time: each section of a profile pages on its own (``?cases_page=2``), what a reader
needs first (who is held today, the latest cases) comes first, bad page numbers are a
404, the number of queries does not grow with the rows, and nothing hidden is shown or
counted."""

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine

from cases.models import Detention
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import Visibility
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    ExtensionFactory,
    LegalArticleFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2022, 6, 1, 12, tzinfo=datetime.UTC)
BAD_PAGES = ["abc", "0", "-1", "1.5", "²", "9" * 40, "99"]


@pytest.fixture(autouse=True)
def _pages_built_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0


def _day(n: int) -> datetime.date:
    return datetime.date(2020, 1, 1) + datetime.timedelta(days=n)


def _titles(content: str, prefix: str) -> list[str]:
    return re.findall(rf">({prefix} \d+)<", content)


def _members(content: str) -> list[str]:
    section = content[content.index('id="members-heading"') : content.index("</section>", content.index("members"))]
    return _titles(section, "Member")


def _person_with_cases(n: int, **person):
    person = PersonFactory(**person)
    for i in range(n):
        ParticipantFactory(person=person, case=CaseFactory(title=f"Case no {i}", opened_on=_day(i)))
    return person


def test_a_persons_cases_show_the_latest_first_and_page_2_the_next_ones(client):
    person = _person_with_cases(30, slug="many-cases")

    first = client.get("/persons/many-cases/").content.decode()
    second = client.get("/persons/many-cases/?cases_page=2").content.decode()

    assert _titles(first, "Case no") == [f"Case no {i}" for i in range(29, 4, -1)]
    assert _titles(second, "Case no") == [f"Case no {i}" for i in range(4, -1, -1)]
    assert "Page 1 of 2" in first and 'href="?cases_page=2#cases-heading"' in first
    assert "Page 2 of 2" in second and 'href="?#cases-heading"' in second
    assert f'href="/cases/?person={person.slug}"' in first  # every case, filtered and paged


def test_each_section_pages_on_its_own_and_keeps_the_others_page(client):
    person = _person_with_cases(30, slug="sections")
    article = LegalArticleFactory(number="174")
    for i in range(30):
        ChargeFactory(defendant=person, article=article, case=CaseFactory(title=f"Charged {i}"), filed_on=_day(i))

    content = client.get("/persons/sections/?charges_page=2&cases_page=1").content.decode()

    assert _titles(content, "Case no")[0] == "Case no 29"
    assert _titles(content, "Charged")[:5] == [f"Charged {i}" for i in range(4, -1, -1)]
    assert 'href="?cases_page=2&amp;charges_page=2#cases-heading"' in content
    assert 'href="?cases_page=1#charges-heading"' in content  # page 1 of the charges


@time_machine.travel(TODAY, tick=False)
def test_detentions_holding_the_person_today_come_first_above_the_cases(client):
    person = _person_with_cases(3, slug="held")
    for i in range(12):  # ended long ago, newer than the one still running
        DetentionFactory(person=person, started_on=_day(100 + i), ended_on=_day(101 + i), description=f"Past {i}")
    DetentionFactory(person=person, started_on=_day(50), description="Still running")

    first = client.get("/persons/held/").content.decode()
    second = client.get("/persons/held/?detentions_page=2").content.decode()

    assert re.findall(r"(Still running|Past \d+)", first) == ["Still running", *[f"Past {i}" for i in range(11, 2, -1)]]
    assert re.findall(r"(Still running|Past \d+)", second) == ["Past 2", "Past 1", "Past 0"]
    for content in (first, second):  # the section stays where it is, whichever page is shown
        assert content.index('id="detentions-heading"') < content.index('id="cases-heading"')


@time_machine.travel(TODAY, tick=False)
def test_past_detentions_only_come_after_the_cases(client):
    person = _person_with_cases(3, slug="released")
    DetentionFactory(person=person, started_on=_day(10), ended_on=_day(20))

    content = client.get("/persons/released/").content.decode()

    assert content.index('id="cases-heading"') < content.index('id="detentions-heading"')


@pytest.mark.parametrize("value", BAD_PAGES)
@pytest.mark.parametrize("param", ["cases_page", "charges_page", "detentions_page"])
def test_a_bad_page_of_a_person_section_is_404(client, param, value):
    _person_with_cases(3, slug="bad-pages")

    assert client.get("/persons/bad-pages/", {param: value}).status_code == HTTPStatus.NOT_FOUND


def test_an_empty_page_parameter_is_the_first_page(client):
    _person_with_cases(3, slug="empty-param")

    assert client.get("/persons/empty-param/?cases_page=").status_code == HTTPStatus.OK


@pytest.mark.parametrize("value", BAD_PAGES)
def test_a_bad_page_of_members_or_of_people_in_custody_is_404(client, value):
    OrganizationFactory(slug="party")

    assert client.get("/organizations/party/", {"members_page": value}).status_code == HTTPStatus.NOT_FOUND
    assert client.get("/detained/", {"page": value}).status_code == HTTPStatus.NOT_FOUND


def _documented(n: int):
    person = PersonFactory()
    for i in range(n):
        case = CaseFactory(opened_on=_day(i))
        ParticipantFactory(case=case, person=person)
        ChargeFactory(case=case, defendant=person, filed_on=_day(i))
        ExtensionFactory(detention=DetentionFactory(person=person, case=case, started_on=_day(i)))
    return person


@pytest.mark.parametrize("query", ["", "?cases_page=2&charges_page=2&detentions_page=2"])
def test_a_person_page_takes_the_same_queries_for_a_few_or_many_rows(client, django_assert_num_queries, query):
    few, many = _documented(26), _documented(80)

    # the person, roles, recognitions, memberships, sources; one per section; the
    # detentions' extensions (tests/test_site_people.py: the same 9 for 1 or 5 facts)
    with django_assert_num_queries(9):
        assert client.get(few.get_absolute_url() + query).status_code == HTTPStatus.OK
    with django_assert_num_queries(9):
        assert client.get(many.get_absolute_url() + query).status_code == HTTPStatus.OK


def _organization_with_members(n: int, slug: str):
    organization = OrganizationFactory(slug=slug)
    for i in range(n):
        member = MembershipFactory(organization=organization, person=PersonFactory(name_latin=f"Member {i:03}")).person
        ParticipantFactory(person=member, case=CaseFactory(title=f"Member case {i}", opened_on=_day(i)))
    return organization


def test_an_organization_page_takes_the_same_queries_for_a_few_or_many_members(client, django_assert_num_queries):
    few, many = _organization_with_members(3, "few"), _organization_with_members(60, "many")

    # the organization, its assemblies, sources, a page of members, the members' case
    # ids, the first of those cases, their people and articles (as tests/test_site_pages.py)
    with django_assert_num_queries(8):
        client.get(few.get_absolute_url())
    with django_assert_num_queries(8):
        client.get(many.get_absolute_url())
    with django_assert_num_queries(7):  # the members' case ids kept until the records change
        client.get(many.get_absolute_url() + "?members_page=2")


def test_members_are_paged_by_public_name_and_their_latest_cases_come_first(client):
    _organization_with_members(60, "party")

    first = client.get("/organizations/party/").content.decode()
    second = client.get("/organizations/party/?members_page=2").content.decode()

    assert _members(first) == [f"Member {i:03}" for i in range(50)]
    assert _members(second) == [f"Member {i:03}" for i in range(50, 60)]
    assert _titles(first, "Member case") == [f"Member case {i}" for i in range(59, 34, -1)]
    assert "All 60 cases, with filters" in first
    assert 'href="/cases/?organization=party"' in first


def test_a_protected_member_is_paged_under_the_pseudonym_only(client):
    party = OrganizationFactory(slug="party")
    for i in range(50):
        MembershipFactory(organization=party, person=PersonFactory(name_latin=f"B member {i:02}"))
    hidden = PersonFactory(name_latin="Aaron Realname", identity_protected=True, pseudonym="Youth activist")
    MembershipFactory(organization=party, person=hidden)

    first = client.get("/organizations/party/").content.decode()
    second = client.get("/organizations/party/?members_page=2").content.decode()

    assert "Youth activist" not in first and "Youth activist" in second  # after every "B …"
    for content in (first, second):
        assert "Realname" not in content and "Aaron" not in content


def test_hidden_cases_charges_detentions_and_members_are_neither_shown_nor_counted(client):
    person = _person_with_cases(25, slug="counted")
    for i in range(5):
        ParticipantFactory(person=person, case=CaseFactory(title=f"Internal {i}", visibility=Visibility.INTERNAL))
        ChargeFactory(defendant=person, case=CaseFactory(title=f"Charge case {i}", visibility=Visibility.PARTNERS))
        DetentionFactory(person=person, visibility=Visibility.PARTNERS, description=f"Partner detention {i}")
    party = OrganizationFactory(slug="party")
    for _ in range(50):
        MembershipFactory(organization=party, person=PersonFactory())
    MembershipFactory(organization=party, person=PersonFactory(name_latin="Unpublished", visibility=0))
    MembershipFactory(organization=party, visibility=Visibility.INTERNAL)
    ParticipantFactory(person=party.memberships.first().person, case=CaseFactory(visibility=Visibility.INTERNAL))

    content = client.get("/persons/counted/").content.decode()
    organization = client.get("/organizations/party/").content.decode()

    assert "Page 1 of 2" not in content  # 25 public cases: one page
    for hidden in ("Internal", "Charge case", "Partner detention"):
        assert hidden not in content, hidden
    assert client.get("/persons/counted/?cases_page=2").status_code == HTTPStatus.NOT_FOUND
    assert "Page 1 of 2" not in organization and "Unpublished" not in organization
    assert "Cases of members" not in organization


def test_a_protected_persons_pages_stay_at_the_stable_id(client):
    person = _person_with_cases(30, name_latin="Aigul Sekretova", slug="aigul-sekretova")
    person.identity_protected, person.pseudonym = True, "Activist from Shymkent"
    person.save()

    second = client.get(f"/persons/id/{api_id(person)}/?cases_page=2")
    content = second.content.decode()

    assert second.status_code == HTTPStatus.OK
    assert _titles(content, "Case no") == [f"Case no {i}" for i in range(4, -1, -1)]
    assert "Sekret" not in content and "aigul" not in content
    assert client.get("/persons/aigul-sekretova/?cases_page=2").status_code == HTTPStatus.NOT_FOUND


@time_machine.travel(TODAY, tick=False)
def test_people_in_custody_are_paged_longest_held_first_whatever_holds_them(client):
    held = []
    for i in range(60):
        detention = DetentionFactory(person=PersonFactory(name_latin=f"Held {i:02}"), started_on=_day(i % 20))
        if i % 3 == 1:  # a court extension running past today
            ExtensionFactory(detention=detention, extended_until=datetime.date(2022, 9, 1))
        elif i % 3 == 2:  # an end date still to come
            detention.ended_on = datetime.date(2022, 6, 30)
            detention.save()
        held.append(detention)
    DetentionFactory(person=PersonFactory(name_latin="Released"), started_on=_day(1), ended_on=_day(2))
    stale = DetentionFactory(person=PersonFactory(name_latin="No news"), started_on=_day(1))
    ExtensionFactory(detention=stale, decided_on=datetime.date(2022, 4, 1), extended_until=datetime.date(2022, 5, 1))
    expected = [d.pk for d in sorted(held, key=lambda d: (d.started_on, d.person_id, d.pk))]

    pages = [client.get("/detained/", {"page": n}) for n in (1, 2, 3)]

    assert [d.pk for page in pages for d in page.context["object_list"]] == expected
    assert all(isinstance(d, Detention) for d in pages[2].context["object_list"])
    assert "60 detentions" in pages[0].content.decode()
    for page in pages:
        assert "Released" not in page.content.decode() and "No news" not in page.content.decode()
    assert "until 1 September 2022" in pages[0].content.decode() + pages[1].content.decode()
