"""The public case list filtered by an organization (``/cases/?organization=<slug>``):
the cases a court heard and the cases naming its published members through public
memberships, nothing unpublished, in a constant number of queries however many cases
its members have; on PostgreSQL the members' cases are read as one array of ids."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from cases.public_filters import public_cases, public_participants
from kazmonitor.models import Visibility
from tests.factories import (
    CaseFactory,
    CourtFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

INTERNAL, PARTNERS, PUBLIC = Visibility.INTERNAL, Visibility.PARTNERS, Visibility.PUBLIC


def titles(response) -> list[str]:
    return sorted(case.title for case in response.context["object_list"])


def listed(client, slug: str, **params) -> list[str]:
    response = client.get("/cases/", {"organization": slug, **params})
    assert response.status_code == 200
    assert not response.context["form"].errors
    return titles(response)


def as_before(organization) -> list[str]:
    """What the filter selected before it was rewritten: the same rule as one ``OR``."""
    members = public_participants().filter(
        person__memberships__organization=organization, person__memberships__visibility__gte=PUBLIC
    )
    return sorted(
        public_cases().filter(Q(court=organization) | Q(pk__in=members.values("case"))).values_list("title", flat=True)
    )


def member_case(party, title: str, **case) -> None:
    person = PersonFactory()
    MembershipFactory(person=person, organization=party)
    ParticipantFactory(person=person, case=CaseFactory(title=title, **case))


@pytest.fixture
def party():
    """A party with a published member in two cases, and every way a case could wrongly
    be counted as one of its members' cases."""
    party = OrganizationFactory(name="Democratic Choice", slug="dvk")
    member = PersonFactory(name="Public Member")
    MembershipFactory(person=member, organization=party)
    ParticipantFactory(person=member, case=CaseFactory(title="Member's first case"))
    ParticipantFactory(person=member, case=CaseFactory(title="Member's second case"))
    ParticipantFactory(person=member, case=CaseFactory(title="Internal case", visibility=INTERNAL))
    ParticipantFactory(person=member, case=CaseFactory(title="Unpublished part"), visibility=PARTNERS)

    quiet = PersonFactory()  # a member by an unpublished membership
    MembershipFactory(person=quiet, organization=party, visibility=PARTNERS)
    ParticipantFactory(person=quiet, case=CaseFactory(title="Unpublished membership"))

    hidden = PersonFactory(visibility=INTERNAL)  # a public membership of an unpublished person
    MembershipFactory(person=hidden, organization=party)
    ParticipantFactory(person=hidden, case=CaseFactory(title="Unpublished person"))

    # A published member of another organization, unpublished for this one: the two
    # memberships must not combine into one that is both this party's and public.
    elsewhere = PersonFactory()
    MembershipFactory(person=elsewhere, organization=party, visibility=INTERNAL)
    MembershipFactory(person=elsewhere, organization=OrganizationFactory(slug="other"))
    ParticipantFactory(person=elsewhere, case=CaseFactory(title="Member elsewhere"))

    ParticipantFactory(case=CaseFactory(title="Outsider's case"))
    return party


def test_a_party_lists_the_published_cases_of_its_published_members_only(client, party):
    assert listed(client, "dvk") == ["Member's first case", "Member's second case"]
    assert listed(client, "other") == ["Member elsewhere"]


def test_a_court_lists_the_published_cases_it_heard(client):
    court = CourtFactory(slug="court-a")
    CaseFactory(title="Heard", court=court)
    CaseFactory(title="Heard in secret", court=court, visibility=INTERNAL)
    CaseFactory(title="Heard elsewhere", court=CourtFactory())
    CaseFactory(title="No court")

    assert listed(client, "court-a") == ["Heard"]


def test_an_organization_both_heard_cases_and_has_members_in_others(client):
    court = CourtFactory(slug="court-a")
    judge = PersonFactory()
    MembershipFactory(person=judge, organization=court)
    ParticipantFactory(person=judge, case=CaseFactory(title="A member's case"))
    heard = CaseFactory(title="Heard, with the member in it", court=court)
    ParticipantFactory(person=judge, case=heard)
    CaseFactory(title="Heard", court=court)

    assert listed(client, "court-a") == ["A member's case", "Heard", "Heard, with the member in it"]  # each once


def test_a_protected_member_counts_and_is_named_by_pseudonym_only(client):
    party = OrganizationFactory(slug="dvk")
    protected = PersonFactory(
        name="Секрет Секретов", name_latin="Sekret Sekretov", identity_protected=True, pseudonym="Activist P"
    )
    MembershipFactory(person=protected, organization=party)
    ParticipantFactory(person=protected, case=CaseFactory(title="Protected member's case"))

    response = client.get("/cases/", {"organization": "dvk"})

    assert titles(response) == ["Protected member's case"]
    assert "Activist P" in response.content.decode()
    assert "Sekretov" not in response.content.decode() and "Секретов" not in response.content.decode()


def test_the_filter_combines_with_the_others_and_pages_in_list_order(client):
    party = OrganizationFactory(slug="dvk")
    for number in range(30):
        member_case(party, f"Case {number:02}", opened_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number))
    member_case(party, "Administrative", kind="administrative")

    assert listed(client, "dvk", kind="administrative") == ["Administrative"]
    first = client.get("/cases/", {"organization": "dvk", "kind": "criminal"}).context["object_list"]
    second = client.get("/cases/", {"organization": "dvk", "kind": "criminal", "page": 2}).context["object_list"]
    shown = [case.title for case in [*first, *second]]
    assert shown == [f"Case {number:02}" for number in reversed(range(30))]  # newest first, each once


def test_the_filtered_list_selects_what_the_filter_did_before(client, party):
    court = CourtFactory(slug="court-a")
    CaseFactory(title="Heard", court=court)
    member_case(court, "A member of the court's case")
    empty = OrganizationFactory(slug="empty")

    for organization in (party, court, empty):
        assert listed(client, organization.slug) == as_before(organization)


def test_the_list_counts_what_the_organization_page_links_to(client, party):
    page = client.get("/organizations/dvk/").content.decode()

    assert "All 2 cases, with filters" in page
    assert client.get("/cases/", {"organization": "dvk"}).context["paginator"].count == 2


def test_an_unpublished_organization_is_refused_with_a_message(client):
    secret = OrganizationFactory(slug="secret", visibility=INTERNAL)
    member = PersonFactory()
    MembershipFactory(person=member, organization=secret)
    ParticipantFactory(person=member, case=CaseFactory(title="A member's case"))
    CaseFactory(title="Another case")

    response = client.get("/cases/", {"organization": "secret"})

    assert response.context["form"].errors["organization"]
    assert titles(response) == ["A member's case", "Another case"]  # the filter is ignored, not applied


def count_queries(client, slug: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/", {"organization": slug})
    assert response.status_code == 200
    return len(queries)


def test_the_filtered_list_takes_the_same_number_of_queries_for_none_one_or_many_member_cases(client):
    CaseFactory(title="Someone else's")
    none, one, many = (OrganizationFactory(slug=slug) for slug in ("none", "one", "many"))
    member_case(one, "One")
    for number in range(30):
        member_case(many, f"Many {number}")
    court = CourtFactory(slug="court-a")
    for number in range(30):
        CaseFactory(title=f"Heard {number}", court=court)

    client.get("/cases/")  # the filter form's choices, kept from then on (``kept``)

    counts = {slug: count_queries(client, slug) for slug in ("none", "one", "many", "court-a")}

    # The content counter (the page cache's key), the organization, the capped count,
    # the page, its rows' people and their articles; an empty list stops at its count.
    assert counts == {"none": 3, "one": 6, "many": 6, "court-a": 6}


@pytest.mark.postgresql  # ``= ANY(ARRAY(…))`` is how ``among`` writes it on PostgreSQL only
def test_on_postgresql_the_members_cases_are_read_once_as_an_array_of_ids(client, party):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/", {"organization": "dvk"})

    assert titles(response) == ["Member's first case", "Member's second case"]
    listing = [query["sql"] for query in queries if '"people_membership"' in query["sql"]]
    assert len(listing) == 2  # the page and its capped count, nothing else reads members
    for sql in listing:
        assert '"cases_case"."court_id" = ' in sql
        assert "= ANY(ARRAY(" in sql
        assert '"cases_case"."id" IN (SELECT' not in sql
