"""A case with many facts opens in the admin without a query per related row."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    ParticipantFactory,
    SentenceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def _case_with(rows: int):
    case = CaseFactory()
    source = SourceFactory()
    for _ in range(rows):
        participant = ParticipantFactory(case=case)
        ChargeFactory(case=case, defendant=participant.person).sources.add(source)
        detention = DetentionFactory(case=case, person=participant.person)
        ExtensionFactory(detention=detention)
        SentenceFactory(case=case, defendant=participant.person)
        EventFactory(case=case, person=participant.person).sources.add(source)
    return case


def _queries_for(client, case) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def test_a_case_change_page_costs_no_more_than_its_autocomplete_widgets_per_row(editor_client):
    small, big = _case_with(1), _case_with(11)
    extra = _queries_for(editor_client, big) - _queries_for(editor_client, small)
    # Per row of facts, only the autocomplete widgets' own look-ups of their selected
    # value remain: participant person, charge defendant + article + sources, detention
    # person + extension court/sources, sentence defendant, event person + sources.
    assert extra <= 10 * 12
