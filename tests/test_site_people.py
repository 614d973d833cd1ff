"""Person, organization and political-prisoner pages: facts at public level only,
protected identities by pseudonym at an address that does not leak the name."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from kazmonitor.api.tombstones import api_id
from kazmonitor.models import OldSlug, Visibility
from people.models import Person
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    ExtensionFactory,
    LegalArticleFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonAliasFactory,
    PersonFactory,
    RecognitionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def protected():
    person = PersonFactory(
        name="Айгуль Секретова",
        name_latin="Aigul Sekretova",
        slug="aigul-sekretova",
        identity_protected=True,
        pseudonym="Activist from Shymkent",
        birth_year=1990,
    )
    PersonAliasFactory(person=person, name="Aigul Sekret")
    return person


LEAKS = ("Sekret", "Секрет", "aigul", "1990")


@time_machine.travel(datetime.datetime(2022, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_person_page_shows_cases_detentions_with_days_so_far_recognitions_and_memberships(client):
    person = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai", slug="zhanbolat-mamai")
    case = CaseFactory(title="Case of the Democratic Party")
    ParticipantFactory(case=case, person=person)
    ChargeFactory(case=case, defendant=person, article=LegalArticleFactory(number="274", part="4"))
    detention = DetentionFactory(person=person, case=case, started_on=datetime.date(2022, 3, 15))
    ExtensionFactory(detention=detention, extended_until=datetime.date(2022, 6, 12))
    RecognitionFactory(
        person=person, recognised_by=OrganizationFactory(name="Memorial"), since=datetime.date(2022, 4, 1)
    )
    RecognitionFactory(
        person=person,
        recognised_by=OrganizationFactory(name="KIBHR"),
        since=datetime.date(2021, 1, 1),
        until=datetime.date(2021, 12, 31),
    )
    MembershipFactory(person=person, organization=OrganizationFactory(name="Democratic Party"), role="leader")

    response = client.get("/persons/zhanbolat-mamai/")
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    for text in (
        "Zhanbolat Mamai",
        "Жанболат Мамай",
        "Case of the Democratic Party",
        "CC art. 274.4",
        "pre-trial detention",
        "79 days in custody so far",
        "until 12 June 2022",
        "Memorial</a> — since 1 April 2022",
        'KIBHR</a> — since 1 January 2021, until 31 December 2021 <span class="note">(no longer current)',
        "Democratic Party</a> — leader",
    ):
        assert text in content, text


def test_person_page_leaves_out_facts_below_public_and_confidential_fields(client):
    person = PersonFactory(slug="p", internal_notes="NOTE-SECRET", contacts="+7 777")
    CaseFactory()  # unrelated
    ParticipantFactory(case=CaseFactory(title="Internal case", visibility=Visibility.INTERNAL), person=person)
    DetentionFactory(person=person, case=None, visibility=Visibility.PARTNERS, description="Partner-only detention")
    RecognitionFactory(person=person, recognised_by=OrganizationFactory(name="Hidden Body", visibility=0))
    MembershipFactory(person=person, organization=OrganizationFactory(name="Secret Cell", visibility=0))

    content = client.get("/persons/p/").content.decode()

    for secret in ("NOTE-SECRET", "+7 777", "Internal case", "Partner-only detention", "Hidden Body", "Secret Cell"):
        assert secret not in content, secret


def test_protected_person_has_a_page_by_stable_id_with_the_pseudonym_only(client, protected):
    case = CaseFactory(title="Shymkent protest case")
    ParticipantFactory(case=case, person=protected)

    response = client.get(f"/persons/id/{api_id(protected)}/")
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    assert "Activist from Shymkent" in content
    assert "Shymkent protest case" in content
    for leak in LEAKS:
        assert leak not in content, leak


def test_protected_persons_slug_address_is_404_and_confirms_nothing(client, protected):
    OldSlug.objects.create(
        content_type=ContentType.objects.get_for_model(Person), object_id=protected.pk, slug="aigul-old"
    )

    assert client.get("/persons/aigul-sekretova/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/persons/aigul-old/").status_code == HTTPStatus.NOT_FOUND


def test_unprotected_person_by_stable_id_redirects_to_the_readable_address(client):
    person = PersonFactory(slug="open-person")

    response = client.get(f"/persons/id/{person.uuid}/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/persons/open-person/"


def test_person_list_and_search_never_show_or_match_a_protected_real_name(client, protected):
    PersonFactory(name_latin="Open Person")

    listing = client.get("/persons/").content.decode()
    by_real_name = client.get("/persons/", {"q": "Sekretova"})
    by_alias = client.get("/persons/", {"q": "Aigul Sekret"})
    by_pseudonym = client.get("/persons/", {"q": "Activist from"})

    assert "Activist from Shymkent" in listing
    for leak in LEAKS:
        assert leak not in listing, leak
    assert list(by_real_name.context["object_list"]) == []
    assert list(by_alias.context["object_list"]) == []
    assert list(by_pseudonym.context["object_list"]) == [protected]


def test_person_list_sorts_protected_persons_by_pseudonym(client, protected):
    PersonFactory(name_latin="Zed Person")
    PersonFactory(name_latin="Bea Person")

    names = [person.public_name for person in client.get("/persons/").context["object_list"]]

    assert names == ["Activist from Shymkent", "Bea Person", "Zed Person"]


def test_person_list_matches_names_in_any_script(client):
    mamai = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    PersonFactory(name="Другой Человек", name_latin="Drugoi Chelovek")

    for query in ("Мамай", "Mamai", "Mamay", "мамай"):
        assert list(client.get("/persons/", {"q": query}).context["object_list"]) == [mamai], query


def test_person_page_takes_the_same_number_of_queries_for_one_or_many_facts(client, django_assert_num_queries):
    def person_with(n):
        person = PersonFactory()
        for _ in range(n):
            case = CaseFactory()
            ParticipantFactory(case=case, person=person)
            ChargeFactory(case=case, defendant=person)
            ExtensionFactory(detention=DetentionFactory(person=person, case=case, authority=OrganizationFactory()))
            RecognitionFactory(person=person)
            MembershipFactory(person=person)
        return person

    small, big = person_with(1), person_with(5)
    with django_assert_num_queries(10):  # 9, and the content counter of the page cache's key
        client.get(small.get_absolute_url())
    with django_assert_num_queries(10):
        client.get(big.get_absolute_url())


@time_machine.travel(datetime.datetime(2022, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_political_prisoners_lists_current_recognitions_with_since_and_by_whom(client, protected):
    mamai = PersonFactory(name_latin="Zhanbolat Mamai")
    RecognitionFactory(
        person=mamai, recognised_by=OrganizationFactory(name="Memorial"), since=datetime.date(2022, 3, 1)
    )
    RecognitionFactory(person=mamai, recognised_by=OrganizationFactory(name="KIBHR"), since=datetime.date(2022, 5, 1))
    RecognitionFactory(person=protected, since=datetime.date(2022, 4, 1))
    released = PersonFactory(name_latin="Released Person")
    RecognitionFactory(person=released, since=datetime.date(2021, 1, 1), until=datetime.date(2021, 6, 1))
    RecognitionFactory(person=PersonFactory(name_latin="Unpublished Person", visibility=Visibility.INTERNAL))
    RecognitionFactory(person=PersonFactory(name_latin="Draft Recognition"), visibility=Visibility.INTERNAL)

    response = client.get("/political-prisoners/")
    content = response.content.decode()

    assert [p.public_name for p in response.context["object_list"]] == ["Activist from Shymkent", "Zhanbolat Mamai"]
    assert "1 March 2022" in content
    assert "Memorial" in content and "KIBHR" in content
    for absent in ("Released Person", "Unpublished Person", "Draft Recognition", *LEAKS):
        assert absent not in content, absent


def test_political_prisoners_takes_the_same_number_of_queries_for_one_or_many(client, django_assert_num_queries):
    RecognitionFactory()
    with django_assert_num_queries(3):  # 2, and the content counter of the page cache's key
        client.get("/political-prisoners/")
    for _ in range(5):
        RecognitionFactory()
    with django_assert_num_queries(3):
        client.get("/political-prisoners/")


def test_organization_page_shows_legal_status_members_and_their_cases(client, protected):
    court = CourtFactory(name="Specialised court")
    party = OrganizationFactory(
        name="Democratic Choice of Kazakhstan",
        abbreviation="DVK",
        slug="dvk",
        legal_status="banned",
        banned_on=datetime.date(2018, 3, 13),
        banned_by=court,
    )
    member = PersonFactory(name_latin="Party Member")
    MembershipFactory(person=member, organization=party, role="supporter")
    MembershipFactory(person=protected, organization=party)
    ParticipantFactory(case=CaseFactory(title="Supporter prosecuted"), person=member)
    ParticipantFactory(case=CaseFactory(title="Not a member's case"), person=PersonFactory())
    AssemblyFactory(title="Rally for release").organizers.add(party)

    content = client.get("/organizations/dvk/").content.decode()

    for text in (
        'Banned as "extremist"',
        "13 March 2018",
        "Specialised court",
        "Party Member",
        "Supporter prosecuted",
        "Activist from Shymkent",
        "Rally for release",
    ):
        assert text.replace('"', "&quot;") in content, text
    assert "Not a member's case" not in content
    for leak in LEAKS:
        assert leak not in content, leak


def test_organization_below_public_is_404_and_absent_from_the_list(client):
    OrganizationFactory(name="Hidden NGO", slug="hidden", visibility=Visibility.PARTNERS)

    assert client.get("/organizations/hidden/").status_code == HTTPStatus.NOT_FOUND
    assert b"Hidden NGO" not in client.get("/organizations/").content


def test_organization_list_filters_by_kind_and_reports_unknown_kinds(client):
    OrganizationFactory(name="An NGO")
    CourtFactory(name="A court")

    assert [o.name for o in client.get("/organizations/?kind=court").context["object_list"]] == ["A court"]
    response = client.get("/organizations/?kind=spaceship")
    assert response.status_code == HTTPStatus.OK
    assert b"could not be used and were ignored" in response.content


def test_organization_members_are_ordered_by_the_name_the_public_sees(client):
    party = OrganizationFactory(slug="party")
    hidden = PersonFactory(name_latin="Aaron Realname", identity_protected=True, pseudonym="Youth activist")
    MembershipFactory(person=hidden, organization=party)
    MembershipFactory(person=PersonFactory(name_latin="Bea Open"), organization=party)

    members = client.get("/organizations/party/").context["organization"].visible_memberships

    assert [m.person.public_name for m in members] == ["Bea Open", "Youth activist"]
