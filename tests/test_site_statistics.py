"""Statistics: public records only, per-month series with gaps filled, SVG charts
with a table beside them, CSV downloads."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest

from cases import statistics
from kazmonitor.models import Location, Visibility
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    DetentionFactory,
    LegalArticleFactory,
    LocationFactory,
    PersonFactory,
    SentenceFactory,
)

pytestmark = pytest.mark.django_db


def counts(figure) -> dict[str, int]:
    return {row.key: row.count for row in figure.rows}


def test_detentions_per_month_counts_public_detentions_of_public_persons_with_empty_months_filled():
    DetentionFactory(started_on=datetime.date(2022, 1, 5))
    DetentionFactory(started_on=datetime.date(2022, 1, 20))
    DetentionFactory(started_on=datetime.date(2022, 3, 1))
    DetentionFactory(started_on=datetime.date(2022, 2, 1), visibility=Visibility.INTERNAL)
    DetentionFactory(started_on=datetime.date(2022, 2, 1), person=PersonFactory(visibility=Visibility.PARTNERS))

    figure = statistics.detentions_per_month()

    assert counts(figure) == {"2022-01": 2, "2022-02": 0, "2022-03": 1}
    assert [row.label for row in figure.rows] == ["January 2022", "February 2022", "March 2022"]


def test_new_cases_and_first_convictions_per_month():
    case = CaseFactory(opened_on=datetime.date(2022, 3, 15))
    CaseFactory(opened_on=datetime.date(2022, 3, 1), visibility=Visibility.INTERNAL)
    first = SentenceFactory(case=case, sentenced_on=datetime.date(2022, 5, 20))
    SentenceFactory(case=case, defendant=first.defendant, sentenced_on=datetime.date(2022, 6, 1), replaces=first)

    CaseFactory(opened_on=datetime.date(2022, 5, 2))

    assert counts(statistics.new_cases_per_month()) == {"2022-03": 1, "2022-04": 0, "2022-05": 1}
    assert counts(statistics.convictions_per_month()) == {"2022-05": 1}


def test_charges_by_article_cases_by_region_and_assemblies_by_outcome():
    article = LegalArticleFactory(number="272", slug="kz-cc-272", title="mass riots")
    country = LocationFactory(name="Kazakhstan", slug="kz", kind=Location.Kind.COUNTRY)
    region = LocationFactory(name="Almaty region", slug="almaty-region", kind=Location.Kind.REGION, parent=country)
    town = LocationFactory(name="Taldykorgan", slug="taldykorgan", parent=region)
    city_of_the_republic = LocationFactory(name="Shymkent", slug="shymkent", parent=country)
    for _ in range(2):
        ChargeFactory(article=article, case=CaseFactory(location=town))
    CaseFactory(location=city_of_the_republic)
    ChargeFactory(article=article, visibility=Visibility.INTERNAL)
    AssemblyFactory(outcome="dispersed")
    AssemblyFactory(outcome="prevented", visibility=Visibility.INTERNAL)

    assert counts(statistics.charges_by_article()) == {"kz-cc-272": 2}
    assert statistics.charges_by_article().rows[0].label == "CC 272 — mass riots"
    assert counts(statistics.cases_by_region()) == {"almaty-region": 2, "shymkent": 1, "": 1}
    assert counts(statistics.assemblies_by_outcome()) == {"held": 0, "dispersed": 1, "prevented": 0}


def test_statistics_page_draws_svg_charts_with_the_numbers_in_tables(client):
    DetentionFactory(started_on=datetime.date(2022, 1, 5))
    ChargeFactory()
    SentenceFactory()

    response = client.get("/statistics/")
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    assert content.count('<svg class="chart"') == 6
    assert '<th scope="row">January 2022</th><td class="num">1</td>' in content
    assert 'href="/statistics/detentions.csv"' in content


def test_chart_labels_are_escaped():
    figure = statistics.Figure("x", "Title <b>", "Label", [statistics.Row("k", "<script>alert(1)</script>", 3)])

    svg = figure.svg()

    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_statistics_page_takes_the_same_number_of_queries_for_few_or_many_records(client, django_assert_num_queries):
    ChargeFactory()
    with django_assert_num_queries(9):  # 8, and the content counter of the page cache's key
        client.get("/statistics/")
    for number in range(5):
        ChargeFactory(
            article=LegalArticleFactory(number=str(500 + number)), case=CaseFactory(location=LocationFactory())
        )
        DetentionFactory(started_on=datetime.date(2021, number + 1, 1))
    with django_assert_num_queries(9):
        client.get("/statistics/")


def test_csv_download_has_a_header_and_one_row_per_bar(client):
    DetentionFactory(started_on=datetime.date(2022, 1, 5))
    DetentionFactory(started_on=datetime.date(2022, 2, 5))

    response = client.get("/statistics/detentions.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kazmonitor-detentions.csv"' in response["Content-Disposition"]
    assert rows == [["key", "label", "count"], ["2022-01", "January 2022", "1"], ["2022-02", "February 2022", "1"]]


def test_an_unknown_figure_is_404(client):
    assert client.get("/statistics/secrets.csv").status_code == HTTPStatus.NOT_FOUND
