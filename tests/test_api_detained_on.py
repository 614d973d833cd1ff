"""``GET /api/v1/cases/?detained_on=<day>``: the cases in which someone was in custody on
that day — a past day, today, a day to come — counting open, ended and court-extended
detentions, never through a detention, person or case the reader may not see, in the
list's own order and pages. On PostgreSQL the filter either walks the list or reads
the held cases first (``DetainedOnFilter``); both ways give the same answer."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.filters import DetainedOnFilter
from kazmonitor.models import Visibility
from tests.api_support import (  # noqa: F401
    anonymous_fixture,
    csv_rows,
    fresh_rate_limits_fixture,
    ids,
    partner_key_fixture,
)
from tests.factories import CaseFactory, DetentionFactory, ExtensionFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 6, 10)
PAST = datetime.date(2023, 2, 1)
FUTURE = datetime.date(2031, 1, 1)
WAYS = {"walk": 0, "held first": 10**9}  # DetainedOnFilter.PROBE_HELD: 0 always walks


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2024, 6, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(params=WAYS)
def way(request, monkeypatch):
    """Each answer is checked both ways: walking the list and reading the held cases first."""
    monkeypatch.setattr(DetainedOnFilter, "PROBE_HELD", WAYS[request.param])
    return request.param


def held_case(title: str, opened_on, started_on, ended_on=None, **detention):
    case = CaseFactory(title=title, opened_on=opened_on)
    DetentionFactory(case=case, started_on=started_on, ended_on=ended_on, **detention)
    return case


@pytest.fixture
def cases():
    """Cases whose detentions cover different days, opened in an order of their own."""
    open_ = held_case("open since 2023", datetime.date(2023, 1, 5), datetime.date(2023, 1, 10))
    ended = held_case(
        "ended in 2023", datetime.date(2022, 12, 1), datetime.date(2022, 12, 20), datetime.date(2023, 3, 1)
    )
    extended = held_case("extended to 2024-06-30", datetime.date(2024, 5, 1), datetime.date(2024, 5, 2))
    ExtensionFactory(
        detention=extended.detentions.get(), decided_on=datetime.date(2024, 5, 3), extended_until=TODAY.replace(day=30)
    )
    ran_out = held_case("extension ran out", datetime.date(2023, 1, 20), datetime.date(2023, 1, 21))
    ExtensionFactory(detention=ran_out.detentions.get(), decided_on=datetime.date(2023, 1, 22), extended_until=PAST)
    released_today = held_case("released today", datetime.date(2024, 1, 1), datetime.date(2024, 1, 2), TODAY)
    started_today = held_case("detained today", TODAY, TODAY)
    later = held_case("detained next week", datetime.date(2024, 6, 12), datetime.date(2024, 6, 12))
    # two detentions in one case: the case is listed once
    twice = held_case("held twice", datetime.date(2022, 6, 1), datetime.date(2022, 6, 1))
    DetentionFactory(case=twice, started_on=datetime.date(2023, 1, 1))
    same_day = held_case("opened the same day as another", datetime.date(2023, 1, 5), datetime.date(2023, 1, 30))
    no_date = held_case("opening date unknown", None, datetime.date(2023, 1, 15))
    held_case("released before", datetime.date(2021, 1, 1), datetime.date(2021, 1, 1), datetime.date(2021, 2, 1))
    CaseFactory(title="nobody detained", opened_on=datetime.date(2024, 6, 1))
    return {
        "open": open_,
        "ended": ended,
        "extended": extended,
        "ran out": ran_out,
        "released today": released_today,
        "started today": started_today,
        "later": later,
        "twice": twice,
        "same day": same_day,
        "no date": no_date,
    }


def listed(client, day, extra=""):
    response = client.get(f"/api/v1/cases/?detained_on={day.isoformat()}{extra}")
    assert response.status_code == 200, response.content
    return ids(response)


def uuids(cases, *names):
    return [str(cases[name].uuid) for name in names]


def test_a_past_day_lists_the_cases_held_then_newest_first(way, anonymous, cases):
    # newest first; the case without an opening date sorts first, equal dates by id
    assert listed(anonymous, PAST) == uuids(cases, "no date", "ran out", "open", "same day", "ended", "twice")


def test_today_counts_open_detentions_extensions_still_running_and_releases_today(way, anonymous, cases):
    assert listed(anonymous, TODAY) == uuids(
        cases, "no date", "started today", "extended", "released today", "open", "same day", "twice"
    )


def test_a_day_to_come_counts_only_detentions_with_no_known_end(way, anonymous, cases):
    assert listed(anonymous, FUTURE) == uuids(cases, "no date", "later", "started today", "open", "same day", "twice")


def test_the_first_day_and_the_last_day_of_a_detention_count(way, anonymous, cases):
    assert uuids(cases, "ended") == [
        case for case in listed(anonymous, datetime.date(2022, 12, 20)) if case in uuids(cases, "ended")
    ]
    assert str(cases["ended"].uuid) in listed(anonymous, datetime.date(2023, 3, 1))
    assert str(cases["ended"].uuid) not in listed(anonymous, datetime.date(2023, 3, 2))
    assert str(cases["ran out"].uuid) not in listed(anonymous, PAST + datetime.timedelta(days=1))


def test_a_day_before_any_detention_lists_nothing(way, anonymous, cases):
    assert listed(anonymous, datetime.date(2015, 1, 1)) == []


def test_pages_follow_one_another_without_gaps_or_repeats(way, anonymous, cases):
    expected = listed(anonymous, TODAY)
    seen, url = [], f"/api/v1/cases/?detained_on={TODAY.isoformat()}&page_size=2"
    while url:
        page = anonymous.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == expected


def test_another_ordering_lists_the_same_cases_in_its_order(way, anonymous, cases):
    titles = {str(case.uuid): case.title for case in cases.values()}
    newest_first = listed(anonymous, TODAY)
    assert listed(anonymous, TODAY, "&ordering=title") == sorted(newest_first, key=titles.get)
    assert listed(anonymous, TODAY, "&ordering=opened_on") == uuids(
        cases, "twice", "open", "same day", "released today", "extended", "started today", "no date"
    )


@pytest.mark.parametrize("hidden", ["internal detention", "detention for partners", "internal person"])
def test_a_detention_the_reader_may_not_see_lists_nothing(way, anonymous, partner_key, hidden):
    detention = {
        "internal detention": {"visibility": Visibility.INTERNAL},
        "detention for partners": {"visibility": Visibility.PARTNERS},
        "internal person": {"person": PersonFactory(visibility=Visibility.INTERNAL)},
    }[hidden]
    case = held_case("held out of sight", datetime.date(2024, 1, 1), datetime.date(2024, 1, 1), **detention)
    assert listed(anonymous, TODAY) == []
    assert listed(partner_key, TODAY) == ([str(case.uuid)] if hidden == "detention for partners" else [])


def test_an_unpublished_case_is_not_listed_though_someone_in_it_was_held(way, anonymous, partner_key):
    internal = CaseFactory(title="internal", opened_on=datetime.date(2024, 1, 1), visibility=Visibility.INTERNAL)
    for_partners = CaseFactory(title="partners", opened_on=datetime.date(2024, 1, 1), visibility=Visibility.PARTNERS)
    for case in (internal, for_partners):
        DetentionFactory(case=case, started_on=datetime.date(2024, 1, 1))
    assert listed(anonymous, TODAY) == []
    assert listed(partner_key, TODAY) == [str(for_partners.uuid)]


def test_a_detention_without_a_case_lists_no_case(way, anonymous):
    DetentionFactory(case=None, started_on=datetime.date(2024, 1, 1))
    assert listed(anonymous, TODAY) == []


def test_a_day_that_is_not_a_date_is_a_400_naming_the_filter(anonymous):
    response = anonymous.get("/api/v1/cases/?detained_on=2024-02-30")
    assert response.status_code == 400
    assert "detained_on" in response.json()


def test_the_filter_costs_one_query_more_on_postgresql_and_none_on_sqlite(anonymous, cases):
    anonymous.get("/api/v1/cases/?page_size=3")  # warm: the rate limit's first request
    with CaptureQueriesContext(connection) as plain:
        anonymous.get("/api/v1/cases/?page_size=4")
    with CaptureQueriesContext(connection) as filtered:
        anonymous.get(f"/api/v1/cases/?page_size=4&detained_on={TODAY.isoformat()}")
    probe = 1 if connection.vendor == "postgresql" else 0  # whether the held cases lead the list
    assert len(filtered) == len(plain) + probe


def test_on_postgresql_the_list_is_walked_only_when_the_newest_cases_held_someone(anonymous):
    for n in range(DetainedOnFilter.PROBE_HELD):
        held_case(f"held now {n}", datetime.date(2024, 5, n + 1), datetime.date(2024, 5, n + 1))
    for n in range(3):
        held_case(f"held long ago {n}", datetime.date(2019, 1, n + 1), datetime.date(2019, 1, n + 1), ended_on=PAST)
    postgresql = connection.vendor == "postgresql"
    for day, held_first, count in [(TODAY, False, 10), (datetime.date(2020, 1, 1), postgresql, 3)]:
        with CaptureQueriesContext(connection) as queries:
            assert len(listed(anonymous, day)) == count
        listing = next(q["sql"] for q in queries if 'FROM "cases_case" LEFT OUTER JOIN' in q["sql"])
        assert ('"cases_case"."id" = ANY(ARRAY(SELECT' in listing) == held_first, day
        assert ('"cases_case"."id" IN (SELECT' in listing) == (not held_first), day


def test_the_csv_export_holds_the_same_cases_in_the_same_order(anonymous, way, cases):
    for day in (PAST, TODAY, FUTURE):
        rows = csv_rows(anonymous.get(f"/api/v1/cases/?format=csv&detained_on={day.isoformat()}"))
        assert [row["id"] for row in rows] == listed(anonymous, day), day
