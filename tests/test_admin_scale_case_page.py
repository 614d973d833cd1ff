"""A case with many facts opens in the admin at a cost that does not grow with its rows:
every inline autocomplete shows its selected person, article, court, facility, assembly
and sources from the rows already loaded, not with a query of its own; and each inline
shows its first ten rows, with a link to all of them."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_pages import page_data
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    FacilityFactory,
    OrganizationFactory,
    ParticipantFactory,
    SentenceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _case_with(rows: int):
    """A case with ``rows`` of each fact, every autocomplete field of every row filled."""
    case = CaseFactory()
    court, police, facility, assembly = CourtFactory(), OrganizationFactory(), FacilityFactory(), AssemblyFactory()
    for _ in range(rows):
        source = SourceFactory()
        person = ParticipantFactory(case=case).person
        ChargeFactory(case=case, defendant=person).sources.add(source)
        detention = DetentionFactory(case=case, person=person, facility=facility, authority=police, assembly=assembly)
        detention.sources.add(source)
        ExtensionFactory(detention=detention, court=court).sources.add(source)
        first = SentenceFactory(case=case, defendant=person, court=court)
        SentenceFactory(case=case, defendant=person, court=court, replaces=first).sources.add(source)
        EventFactory(case=case, person=person).sources.add(source)
    return case


def _change_page(client, case) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), len(captured)


def test_a_case_change_page_costs_the_same_queries_for_1_or_8_rows_of_each_fact(editor_client):
    _change_page(editor_client, _case_with(1))  # warm caches (content types, permissions)

    _, one_row = _change_page(editor_client, _case_with(1))
    _, eight_rows = _change_page(editor_client, _case_with(8))

    assert eight_rows == one_row


def test_inline_autocompletes_still_show_their_selected_values(editor_client):
    case = _case_with(2)
    page, _ = _change_page(editor_client, case)

    detention = case.detentions.get(extensions__isnull=False, pk=case.detentions.first().pk)
    extension = detention.extensions.get()
    sentence = case.sentences.filter(replaces__isnull=False).first()
    charge = case.charges.first()
    for selected in [
        charge.defendant,
        charge.article,
        detention.facility,
        detention.authority,
        detention.assembly,
        extension.court,
        sentence.replaces,
        *charge.sources.all(),
    ]:
        assert f'<option value="{selected.pk}" selected>{selected}</option>' in page


def test_a_court_field_leaves_out_an_organization_that_is_not_a_court(editor_client):
    """``limit_choices_to`` still holds for values taken from the loaded rows."""
    case = _case_with(1)
    not_a_court = OrganizationFactory(name="Ministry of Information")
    case.sentences.update(court=not_a_court)

    page, _ = _change_page(editor_client, case)

    assert "Ministry of Information" not in page


def test_a_case_with_many_participants_shows_the_first_rows_and_links_to_all(editor_client):
    case = CaseFactory()
    for number in range(12):
        ParticipantFactory(case=case, person__name=f"Defendant {number:02}", role="defendant")

    page, _ = _change_page(editor_client, case)

    shown = {f"Defendant {number:02}" for number in range(12) if f"Defendant {number:02}" in page}
    assert len(shown) == 10
    link = f"/admin/cases/participant/?case__id__exact={case.pk}"
    assert f'<a href="{link}">all participants of this case</a>' in page
    listing = editor_client.get(link)
    assert listing.status_code == HTTPStatus.OK
    assert all(f"Defendant {number:02}" in listing.content.decode() for number in range(12))


def test_saving_a_case_page_with_rows_left_out_keeps_those_rows(editor_client):
    case = CaseFactory()
    for number in range(12):
        ParticipantFactory(case=case, person__name=f"Defendant {number:02}")
    response = editor_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    data = page_data(response)
    data["title"] = "Renamed case"

    saved = editor_client.post(reverse("admin:cases_case_change", args=[case.pk]), data)

    assert saved.status_code == HTTPStatus.FOUND, saved.content.decode()[:2000]
    case.refresh_from_db()
    assert case.title == "Renamed case" and case.participants.count() == 12
