"""Kazakh writes month names in lower case ("15 наурыз 2022 ж.", "наурыз 2022 ж."):
the Kazakh formats use Django's alternative month names (``E``), which our Kazakh
catalog translates in lower case (kazmonitor/formats/months.py), everywhere a date is
shown: public pages, partial dates, the admin and the CSV export (Python writer and
PostgreSQL COPY alike). Russian and English dates are unchanged."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from kazmonitor.api import csv_copy
from kazmonitor.dates import format_partial_date
from tests.api_support import anonymous_fixture, body  # noqa: F401
from tests.factories import CaseFactory

KAZAKH = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
]
RUSSIAN = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
RUSSIAN_MONTHS = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
]
ENGLISH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS = range(1, 13)


def _in(language: str, value: datetime.date, precision: str) -> str:
    with translation.override(language):
        return format_partial_date(value, precision)


def test_kazakh_dates_have_lower_case_month_names():
    assert [_in("kk", datetime.date(2022, m, 15), "day") for m in MONTHS] == [f"15 {name} 2022 ж." for name in KAZAKH]
    assert [_in("kk", datetime.date(2022, m, 1), "month") for m in MONTHS] == [f"{name} 2022 ж." for name in KAZAKH]


def test_kazakh_date_and_time_has_a_lower_case_month_name():
    with translation.override("kk"):
        shown = formats.date_format(datetime.datetime(2022, 3, 15, 9, 30, tzinfo=datetime.UTC), "DATETIME_FORMAT")
    assert shown == "15 наурыз 2022 ж., 09:30"


def test_russian_and_english_dates_are_unchanged():
    assert [_in("ru", datetime.date(2022, m, 15), "day") for m in MONTHS] == [f"15 {name} 2022 г." for name in RUSSIAN]
    assert [_in("ru", datetime.date(2022, m, 1), "month") for m in MONTHS] == [
        f"{name} 2022 г." for name in RUSSIAN_MONTHS
    ]
    assert [_in("en", datetime.date(2022, m, 15), "day") for m in MONTHS] == [f"15 {name} 2022" for name in ENGLISH]
    assert [_in("en", datetime.date(2022, m, 1), "month") for m in MONTHS] == [f"{name} 2022" for name in ENGLISH]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "shown", "not_shown"),
    [("/kk", "15 наурыз 2022 ж.", "Наурыз"), ("/ru", "15 марта 2022 г.", "Марта"), ("", "15 March 2022", "march")],
)
def test_public_case_page_shows_the_date_as_the_language_writes_it(client, prefix, shown, not_shown):
    CaseFactory(slug="dated", opened_on=datetime.date(2022, 3, 15), opened_on_precision="day")

    content = client.get(f"{prefix}/cases/dated/").content.decode()

    assert shown in content
    assert not_shown not in content


@pytest.mark.django_db
def test_kazakh_case_list_shows_lower_case_months(client):
    CaseFactory(opened_on=datetime.date(2022, 3, 1), opened_on_precision="month")
    CaseFactory(opened_on=datetime.date(2021, 12, 9), opened_on_precision="day")

    content = client.get("/kk/cases/").content.decode()

    assert "наурыз 2022 ж." in content
    assert "9 желтоқсан 2021 ж." in content
    assert "Наурыз" not in content and "Желтоқсан" not in content


def _dated_cases():
    for month in MONTHS:
        CaseFactory(opened_on=datetime.date(2022, month, 1), opened_on_precision="month")
        CaseFactory(opened_on=datetime.date(2021, month, 28), opened_on_precision="day")


@pytest.mark.django_db
def test_kazakh_csv_export_has_lower_case_months(anonymous, monkeypatch, settings):  # noqa: F811
    settings.LANGUAGE_CODE = "kk"  # the API answers in the site's language
    _dated_cases()
    monkeypatch.setattr(csv_copy, "COPY_COLUMNS", {})  # the Python writer (the only one on SQLite)

    exported = body(anonymous.get("/api/v1/cases/?format=csv"))

    for name in KAZAKH:
        assert f"{name} 2022 ж." in exported
        assert f"28 {name} 2021 ж." in exported
        assert name.capitalize() not in exported


@pytest.mark.django_db
@pytest.mark.postgresql
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_copy_export_writes_the_months_as_the_python_writer(anonymous, monkeypatch, settings, language):  # noqa: F811
    settings.LANGUAGE_CODE = language
    _dated_cases()
    url = "/api/v1/cases/?format=csv&ordering=opened_on"

    with CaptureQueriesContext(connection) as queries:
        by_copy = body(anonymous.get(url))
    assert any(query["sql"].startswith("COPY (") for query in queries.captured_queries)
    monkeypatch.setattr(csv_copy, "COPY_COLUMNS", {})
    by_python = body(anonymous.get(url))

    assert by_copy == by_python
    expected = [f"28 {name} 2021 ж." for name in KAZAKH] if language == "kk" else [f"28 {n} 2021 г." for n in RUSSIAN]
    assert all(text in by_copy for text in expected)
