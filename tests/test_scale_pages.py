"""Public pages at scale: the case list does not render a choice of every organization
(thousands at national scale); the organization filter, reached from an organization's
page, names the organization with a way back to all cases."""

import pytest

from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_the_case_list_lists_no_organizations_however_many_there_are(client):
    for number in range(30):
        OrganizationFactory(name=f"District court no. {number}", slug=f"court-{number}")
    CaseFactory(title="A case")

    page = client.get("/cases/").content.decode()

    assert "District court no." not in page
    assert 'name="organization"' in page  # kept, so a filter survives the other filters


def test_a_case_list_filtered_by_organization_says_whose_cases_and_links_back(client):
    party = OrganizationFactory(name="Democratic Choice of Kazakhstan", slug="dvk")
    member = ParticipantFactory(case=CaseFactory(title="Member's case")).person
    MembershipFactory(person=member, organization=party)
    CaseFactory(title="Another case")

    page = client.get("/cases/", {"organization": "dvk", "kind": "criminal"}).content.decode()

    assert "Cases of Democratic Choice of Kazakhstan" in page
    assert "Member&#x27;s case" in page and "Another case" not in page
    assert 'href="?kind=criminal"' in page
