"""Deep pages at scale: a cursor page starts reading at the cursor (an index range on
the ordering field), so page 1,000 costs what page 1 costs; and paging stays exact."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from kazmonitor.api.pagination import KeysetPagination
from tests.api_support import anonymous_fixture  # noqa: F401 — the ``anonymous`` client
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def walk(client, url: str) -> list[str]:
    seen = []
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    return seen


def test_walking_newest_first_through_equal_and_empty_dates_returns_every_case_once(anonymous):
    days = [None, datetime.date(2022, 1, 5), datetime.date(2022, 1, 5), datetime.date(2021, 3, 1)]
    cases = [CaseFactory(opened_on=days[n % 4]) for n in range(14)]

    for ordering in ("-opened_on", "opened_on", "-title", "updated_at"):
        seen = walk(anonymous, f"/api/v1/cases/?page_size=3&ordering={ordering}")
        assert sorted(seen) == sorted(str(case.uuid) for case in cases), ordering
        assert len(seen) == len(cases), ordering


def test_a_deep_page_asks_the_database_for_a_range_starting_at_the_cursor(anonymous):
    for n in range(8):
        CaseFactory(opened_on=datetime.date(2022, 1, 1 + n))
    ordered = Case.objects.order_by(F("opened_on").desc(nulls_first=True), "pk")
    fifth = ordered[4]
    cursor = KeysetPagination().encode_cursor(fifth, [("opened_on", True), ("pk", False)], reverse=False)

    with CaptureQueriesContext(connection) as captured:
        page = anonymous.get(f"/api/v1/cases/?page_size=2&cursor={cursor}").json()

    assert [row["id"] for row in page["results"]] == [str(case.uuid) for case in ordered[5:7]]
    listing = next(q["sql"] for q in captured if 'FROM "cases_case"' in q["sql"] and "LIMIT 3" in q["sql"])
    assert '"cases_case"."opened_on" <= ' in listing  # a plain bound an index range can use
