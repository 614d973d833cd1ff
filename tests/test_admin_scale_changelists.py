"""Admin changelists of the largest tables open without reading every row: they count
at most up to a cap, and past it the date drill-down probes an index per year, month or
day instead of ``SELECT DISTINCT`` over the list."""

import datetime
import html
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kazmonitor.admin import CappedCountPaginator
from tests.factories import CaseFactory, ChargeFactory, DetentionFactory, ExtensionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(monkeypatch):
    """Lists of more than two rows count as too long to count."""
    monkeypatch.setattr(CappedCountPaginator, "cap", 2)


def _page(client, path: str, **params) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured]


def _drill_down(page: str) -> list[str]:
    nav = re.search(r'<nav class="toplinks".*?</nav>', page, re.S)
    return [html.unescape(title) for title in re.findall(r"<a[^>]*>([^<]+)</a>", nav.group(0))] if nav else []


def test_date_drill_down_lists_the_years_months_and_days_that_have_records(superuser_client, cap):
    for day in ["2015-06-01", "2019-12-31", "2022-01-05", "2022-01-05", "2022-01-17", "2022-03-01", "2024-02-29"]:
        CaseFactory(opened_on=datetime.date.fromisoformat(day))

    years, queries = _page(superuser_client, "/admin/cases/case/")
    months, _ = _page(superuser_client, "/admin/cases/case/", opened_on__year=2022)
    days, _ = _page(superuser_client, "/admin/cases/case/", opened_on__year=2022, opened_on__month=1)

    assert _drill_down(years) == ["2015", "2019", "2022", "2024"]  # not 2016–2018, 2020, 2021, 2023
    assert _drill_down(months) == ["‹ All dates", "January 2022", "March 2022"]
    assert _drill_down(days) == ["‹ 2022", "January 5", "January 17"]
    assert not [sql for sql in queries if "DISTINCT" in sql and "opened_on" in sql]


def test_date_drill_down_follows_the_other_filters(superuser_client, cap):
    CaseFactory(opened_on=datetime.date(2016, 1, 1), kind="administrative")
    CaseFactory(opened_on=datetime.date(2021, 1, 1), kind="criminal")
    CaseFactory(opened_on=datetime.date(2023, 1, 1), kind="criminal")
    CaseFactory(opened_on=datetime.date(2023, 1, 2), kind="criminal")

    page, _ = _page(superuser_client, "/admin/cases/case/", kind__exact="criminal")

    assert _drill_down(page) == ["2021", "2023"]


def test_date_drill_down_of_a_single_year_opens_at_its_months(superuser_client, cap):
    ChargeFactory(filed_on=datetime.date(2022, 1, 5))
    ChargeFactory(filed_on=datetime.date(2022, 4, 1))
    ChargeFactory(filed_on=datetime.date(2022, 4, 1))

    page, _ = _page(superuser_client, "/admin/cases/charge/")

    assert _drill_down(page) == ["‹ All dates", "January 2022", "April 2022"]


def test_a_short_list_draws_the_same_drill_down_from_its_rows(superuser_client):
    for day in ["2015-06-01", "2022-01-05", "2022-01-17"]:
        CaseFactory(opened_on=datetime.date.fromisoformat(day))

    page, _ = _page(superuser_client, "/admin/cases/case/")

    assert _drill_down(page) == ["2015", "2022"]


def test_a_list_longer_than_the_cap_says_more_than_and_counts_no_further(superuser_client, cap):
    for _ in range(4):
        CaseFactory()

    page, queries = _page(superuser_client, "/admin/cases/case/")

    assert "More than 2 cases: narrow the list" in page
    counts = [sql for sql in queries if "COUNT(" in sql and "cases_case" in sql]
    assert counts and all("LIMIT 3" in sql for sql in counts)
    page, _ = _page(superuser_client, "/admin/cases/case/", q="Case")
    assert "more than 2 results" in page


def test_a_list_under_the_cap_shows_its_count(superuser_client):
    CaseFactory()
    CaseFactory()

    page, _ = _page(superuser_client, "/admin/cases/case/")

    assert "2 cases" in page and "More than" not in page


def test_an_empty_list_has_an_empty_drill_down(superuser_client):
    page, _ = _page(superuser_client, "/admin/cases/case/")

    assert _drill_down(page) == []


@time_machine.travel(datetime.datetime(2022, 1, 20, 12, tzinfo=datetime.UTC))
def test_held_filter_lists_detentions_and_persons_in_custody_today_or_on_a_day(superuser_client):
    held = DetentionFactory(person__name="Held Person", started_on=datetime.date(2022, 1, 5))
    DetentionFactory(
        person__name="Released Person", started_on=datetime.date(2022, 1, 5), ended_on=datetime.date(2022, 1, 8)
    )
    extended = DetentionFactory(person__name="Extended Person", started_on=datetime.date(2021, 12, 1))
    ExtensionFactory(
        detention=extended, decided_on=datetime.date(2021, 12, 3), extended_until=datetime.date(2022, 2, 1)
    )
    lapsed = DetentionFactory(person__name="Lapsed Person", started_on=datetime.date(2021, 10, 1))
    ExtensionFactory(detention=lapsed, decided_on=datetime.date(2021, 10, 3), extended_until=datetime.date(2021, 12, 1))

    detentions, _ = _page(superuser_client, "/admin/cases/detention/", held="today")
    persons, _ = _page(superuser_client, "/admin/people/person/", held="today")
    on_the_7th, _ = _page(superuser_client, "/admin/people/person/", held="2022-01-07")

    for page in (detentions, persons):
        assert "Held Person" in page and "Extended Person" in page
        assert "Released Person" not in page and "Lapsed Person" not in page
    assert "Released Person" in on_the_7th and "Held Person" in on_the_7th
    assert held.person.name in persons


def test_held_filter_with_a_malformed_day_reopens_the_list(superuser_client):
    response = superuser_client.get("/admin/cases/detention/", {"held": "yesterday-ish"})

    assert response.status_code == 302 and response["Location"].endswith("?e=1")
