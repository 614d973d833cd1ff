"""CSV for every list: flat columns, streamed, with the same filters and order as JSON,
in a constant number of queries; spreadsheet formulas are neutralised."""

import datetime

import pytest

from kazmonitor.models import Visibility
from tests.api_support import anonymous_fixture, body, csv_rows, fresh_rate_limits_fixture  # noqa: F401
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    LegalArticleFactory,
    LocationFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db
LISTS = ["persons", "organizations", "cases", "charges", "sentences", "detentions", "assemblies", "events"]
LISTS += ["articles", "sources", "tags", "locations", "recognitions", "deleted"]


@pytest.mark.parametrize("endpoint", LISTS)
def test_every_list_streams_csv_by_format_parameter_or_accept_header(anonymous, endpoint):
    ChargeFactory()
    by_parameter = anonymous.get(f"/api/v1/{endpoint}/?format=csv")
    by_header = anonymous.get(f"/api/v1/{endpoint}/", HTTP_ACCEPT="text/csv")
    for response in (by_parameter, by_header):
        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{endpoint}.csv"'
    text = body(by_parameter)
    assert text == body(by_header)
    assert text.lstrip("\ufeff").startswith("id,")


def test_csv_columns_are_flat_and_rows_follow_the_same_filters_and_order(anonymous):
    almaty = LocationFactory(name="Almaty", slug="almaty")
    tag = TagFactory(slug="protest")
    older = CaseFactory(
        title="Older", opened_on=datetime.date(2022, 3, 1), opened_on_precision="month", location=almaty
    )
    newer = CaseFactory(title="Newer", opened_on=datetime.date(2022, 4, 9), location=almaty)
    for case in (older, newer):
        case.tags.add(tag)
    CaseFactory(title="Elsewhere")
    CaseFactory(title="Hidden", location=almaty, visibility=Visibility.INTERNAL)

    rows = csv_rows(anonymous.get("/api/v1/cases/?format=csv&location=almaty"))

    assert [row["title"] for row in rows] == ["Newer", "Older"]
    assert rows[1]["opened_on.date"] == "2022-03-01"
    assert rows[1]["opened_on.precision"] == "month"
    assert rows[1]["opened_on.display"] == "March 2022"
    assert rows[1]["location.id"] == "almaty" and rows[1]["tags"] == "protest"
    json_ids = [r["id"] for r in anonymous.get("/api/v1/cases/?location=almaty").json()["results"]]
    assert [row["id"] for row in rows] == json_ids


def test_csv_has_every_row_not_just_one_page(anonymous):
    for _ in range(7):
        CaseFactory()
    assert len(csv_rows(anonymous.get("/api/v1/cases/?format=csv&page_size=2"))) == 7


@pytest.mark.parametrize("count", [1, 30])
def test_csv_export_takes_the_same_queries_for_few_or_many_rows(anonymous, django_assert_num_queries, count):
    article = LegalArticleFactory()
    for _ in range(count):
        ChargeFactory(article=article)
    with django_assert_num_queries(2):
        rows = csv_rows(anonymous.get("/api/v1/charges/?format=csv"))
    assert len(rows) == count


def test_cells_that_a_spreadsheet_would_run_are_neutralised(anonymous):
    CaseFactory(title='=HYPERLINK("http://evil.example","click")')
    row = csv_rows(anonymous.get("/api/v1/cases/?format=csv"))[0]
    assert row["title"].startswith("'=")


def test_bad_filters_answer_400_in_json_even_when_csv_was_asked_for(anonymous):
    response = anonymous.get("/api/v1/detentions/?format=csv&started_after=2022-13-45")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["started_after"]


def test_a_detail_is_available_as_one_csv_row(anonymous):
    case = CaseFactory(title="Mamai")
    rows = csv_rows(anonymous.get(f"/api/v1/cases/{case.uuid}/?format=csv"))
    assert [row["title"] for row in rows] == ["Mamai"]


@pytest.mark.parametrize("query", ["person=00000000-0000-0000-0000-000000000000", "q=%25"])
def test_an_export_that_can_match_nothing_is_its_header_alone(anonymous, query):
    response = anonymous.get(f"/api/v1/cases/?format=csv&{query}")
    assert response.status_code == 200
    lines = body(response).split("\r\n")
    assert lines[0].lstrip("\ufeff").startswith("id,") and lines[1:] == [""]
