"""On PostgreSQL the case list's CSV is written by the database (``COPY ... TO
STDOUT``): byte for byte what the Python writer writes for the same request, at every
reader level, language, filter and ordering, on data made to trip a CSV writer up;
closing the download half-way leaves the connection usable."""

import datetime
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from kazmonitor.api import csv as python_csv
from kazmonitor.api import csv_copy
from kazmonitor.models import Visibility
from tests.api_support import anonymous_fixture, body, client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.factories import (
    CaseFactory,
    CourtFactory,
    LocationFactory,
    ParticipantFactory,
    PersonFactory,
    TagFactory,
)
from tests.full_record import INTERNAL_ONLY_MARKERS, PARTNERS_MARKERS, build_full_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgresql,  # COPY is PostgreSQL's; on SQLite the Python writer is tested
]

NASTY = [
    'He said "no", then left',
    "comma, inside",
    "line one\nline two",
    "carriage\rreturn",
    "windows\r\nline",
    '=HYPERLINK("http://evil.example","x")',
    "+7 701 000 0000",
    "-5",
    "-5.5e3",
    "+1_000",
    "-1__0",
    "-inf",
    "-Infinity",
    "-nan",
    "-٥",
    "-\u00a05",
    "\u00a0-5",
    "@home",
    "\tTabbed",
    "\t5",
    "\r-1",
    " -5",
    "-",
    "+",
    "'quoted already",
    "a; b",
    "\\.",
    "line\u2028separator\x85next\x0bvertical\x0cfeed",
    "Қазақстан: «тест» — ақпарат",
    "Казахстан, «кавычки»",
    "",
]


@pytest.fixture
def nasty_cases(db):
    """Cases whose every text column holds something awkward, at each visibility, with
    each date precision, with and without place, court and tags."""
    place = LocationFactory(slug="-almaty", name='=Almaty, "city"', kind="city")
    plain_place = LocationFactory(slug="astana", name="Астана")
    public_court = CourtFactory(name='Суд №2, "Алматы"', abbreviation="-SMAS", visibility=Visibility.PUBLIC)
    partners_court = CourtFactory(name="Partners court", abbreviation="@PC", visibility=Visibility.PARTNERS)
    tags = [
        TagFactory(slug="-5", name="Минус"),
        TagFactory(slug="=x", name="Ақпарат"),
        TagFactory(slug="protest", name="protest"),
        TagFactory(slug="@y", name='Zeta, "quoted"'),
    ]
    precisions = ["day", "month", "year"]
    levels = [Visibility.PUBLIC, Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL]
    cases = []
    for i, text in enumerate(NASTY):
        case = CaseFactory(
            title=text or "untitled",
            title_en=text,
            title_ru=NASTY[-i - 1],
            title_kk="" if i % 2 else "Қазақша атауы",
            slug=f"-{i}" if i % 3 == 0 else f"case-{i}",
            case_number=text[::-1],
            summary=f'{text}\r\nsecond line, "quoted"' if i % 4 else "",
            opened_on=None if i % 7 == 3 else datetime.date(2020 + i % 4, 1 + i % 12, 1 + i % 28),
            opened_on_precision=precisions[i % 3],
            location=[place, plain_place, None][i % 3],
            court=[public_court, partners_court, None][i % 3],
            affects_expression=bool(i % 2),
            affects_association=bool(i % 3 == 0),
            affects_assembly=bool(i % 5 == 0),
            visibility=levels[i % 4],
        )
        case.tags.set(tags[: i % 5])
        cases.append(case)
    # Same dates and titles (ties broken by id), microseconds or none in the times.
    CaseFactory(title="Twin", opened_on=datetime.date(2022, 3, 1), opened_on_precision="month")
    CaseFactory(title="Twin", opened_on=datetime.date(2022, 3, 1), opened_on_precision="month")
    Case.objects.filter(pk=cases[1].pk).update(updated_at=datetime.datetime(2022, 6, 1, 7, tzinfo=datetime.UTC))
    Case.objects.filter(pk=cases[2].pk).update(
        created_at=datetime.datetime(2021, 1, 2, 3, 4, 5, 60, tzinfo=datetime.UTC)
    )
    protected = PersonFactory(
        name="MARK-REAL-NAME", name_latin="MARK-REAL-LATIN", identity_protected=True, pseudonym="Activist"
    )
    ParticipantFactory(case=cases[0], person=protected)
    return cases


def _both_paths(client, url: str, monkeypatch, **headers) -> tuple[str, str]:
    """The export as COPY writes it (checking COPY did), then as the Python writer does."""
    with CaptureQueriesContext(connection) as queries:
        by_copy = body(client.get(url, **headers))
    assert any(query["sql"].startswith("COPY (") for query in queries.captured_queries), url
    with monkeypatch.context() as patch:
        patch.setattr(csv_copy, "COPY_COLUMNS", {})
        by_python = body(client.get(url, **headers))
    return by_copy, by_python


URLS = [
    "/api/v1/cases/?format=csv",
    "/api/v1/cases/?format=csv&ordering=title",
    "/api/v1/cases/?format=csv&ordering=-title",
    "/api/v1/cases/?format=csv&ordering=opened_on",
    "/api/v1/cases/?format=csv&ordering=-updated_at",
    "/api/v1/cases/?format=csv&ordering=created_at",
    "/api/v1/cases/?format=csv&location=-almaty",
    "/api/v1/cases/?format=csv&tag=protest&freedom=expression",
    "/api/v1/cases/?format=csv&updated_since=2022-06-01T07:00:00Z&ordering=-updated_at",
    "/api/v1/cases/?format=csv&opened_after=2021-01-01&opened_before=2022-12-31",
    "/api/v1/cases/?format=csv&q=Қазақстан",
    "/api/v1/cases/?format=csv&kind=criminal&status=investigation",
    "/api/v1/cases/?format=csv&page_size=2",
]


@pytest.mark.parametrize("level", [None, Visibility.PUBLIC, Visibility.PARTNERS])
def test_copy_export_is_byte_for_byte_the_python_export_at_every_level(nasty_cases, monkeypatch, level):
    client = client_for(None if level is None else make_key(level)[1])
    for url in URLS:
        by_copy, by_python = _both_paths(client, url, monkeypatch)
        assert by_copy == by_python, url
    everything = _both_paths(client, URLS[0], monkeypatch)[0]
    assert everything.count("\r\n") > 20
    assert "MARK-REAL" not in everything
    assert ("Partners court" in everything) == (level == Visibility.PARTNERS)


@pytest.mark.parametrize("level", [None, Visibility.PUBLIC, Visibility.PARTNERS])
def test_copy_export_of_the_full_record_leaks_no_marker_the_reader_may_not_see(monkeypatch, level):
    """Every confidential field, internal record and protected name holds a marker."""
    record = build_full_record()
    client = client_for(None if level is None else make_key(level)[1])
    by_copy, by_python = _both_paths(client, "/api/v1/cases/?format=csv", monkeypatch)
    assert by_copy == by_python
    forbidden = INTERNAL_ONLY_MARKERS + ([] if level == Visibility.PARTNERS else PARTNERS_MARKERS)
    assert [marker for marker in forbidden if marker.lower() in by_copy.lower()] == []
    assert str(record.protected.uuid) not in by_copy
    assert ("MARK-PARTNERS-CASE" in by_copy) == (level == Visibility.PARTNERS)  # so the check can fail


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_dates_read_in_the_site_language_as_the_python_export_writes_them(
    nasty_cases, monkeypatch, anonymous, settings, language
):
    settings.LANGUAGE_CODE = language  # the API answers in the site's language
    by_copy, by_python = _both_paths(anonymous, URLS[0], monkeypatch)
    assert by_copy == by_python
    assert {"en": "March 2022", "ru": "Март 2022 г.", "kk": "2022 ж."}[language] in by_copy


def test_an_empty_export_is_its_header(anonymous, monkeypatch):
    by_copy, by_python = _both_paths(anonymous, URLS[0], monkeypatch)
    assert by_copy == by_python
    assert by_copy.startswith("\ufeffid,url,slug,title,")
    assert by_copy.count("\r\n") == 1


def test_formula_cells_are_neutralised_by_the_database_as_by_python(anonymous):
    for text in NASTY:
        CaseFactory(title=text or "untitled", case_number=text[::-1])
    rows = {row["case_number"][::-1]: row for row in _rows(anonymous)}
    assert rows['=HYPERLINK("http://evil.example","x")']["title"].startswith("'=")
    assert rows["-5"]["title"] == "-5"  # a number is left alone
    assert rows["@home"]["title"] == "'@home"
    assert rows["\t5"]["title"] == "\t5"
    assert rows["-1__0"]["title"] == "'-1__0"


def _rows(client):
    import csv
    import io

    text = body(client.get(URLS[0]))
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_number_pattern_accepts_what_python_float_accepts():
    """``number_pattern()`` (run by PostgreSQL's regex engine) against ``float()`` on every
    Unicode digit and space, and on the edge cases of the grammar."""
    samples = ["-5", "-5.", "-.5", "-.", "-e5", "-1e", "-1e+5", "-1E-5", "-1_0", "-1__0", "-_1", "-1_", "-1_.5"]
    samples += ["-1._5", "-1.0_5", "-1e1_0", "-1e_1", "-inf", "-INF", "-infinity", "-infinit", "-nan", "-nan(1)"]
    samples += ["-0x1", "- 5", "-5 ", "\t-5", "\r5", "\t\x1c5", "-5\x1c", "+5", "--5", "-5-", "-١٢.٣", "-5e٣"]
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isdecimal() or char.isspace():
            samples += [f"-{char}", f"-1{char}", f"{char}-1", f"-{char}1"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s ~ %s FROM unnest(%s::text[]) WITH ORDINALITY AS u(s, n) ORDER BY n",
            [
                csv_copy.number_pattern(),
                samples,
            ],
        )
        by_database = [matched for (matched,) in cursor.fetchall()]
    assert by_database == [python_csv._is_number(sample) for sample in samples]


def test_closing_the_download_half_way_cancels_the_copy_and_keeps_the_connection(nasty_cases, anonymous, monkeypatch):
    monkeypatch.setattr(csv_copy, "BLOCK_BYTES", 1)  # a block per row
    response = anonymous.get(URLS[0])
    chunks = response._iterator  # the test client's wrapper: closing it closes the response
    assert next(chunks).startswith("\ufeffid,".encode())
    assert next(chunks).endswith(b"\r\n")
    chunks.close()  # the client went away before the end

    assert connection.connection.info.transaction_status.name == "INTRANS"  # the test's own, not aborted
    assert Case.objects.count() == len(nasty_cases) + 2
    assert body(anonymous.get(URLS[0])).count("\r\n") > 3


def test_a_serializer_whose_columns_changed_falls_back_to_the_python_writer(nasty_cases, anonymous, monkeypatch):
    import cases.csv_copy

    reference = body(anonymous.get(URLS[0]))
    original = cases.csv_copy.case_columns
    monkeypatch.setattr(cases.csv_copy, "case_columns", lambda context: original(context)[:-1])
    with CaptureQueriesContext(connection) as queries:
        text = body(anonymous.get(URLS[0]))
    assert not any(query["sql"].startswith("COPY (") for query in queries.captured_queries)
    assert text == reference


def test_closing_a_long_copy_mid_stream_cancels_it_and_keeps_the_connection(db):
    rows = csv_copy.copy_rows(
        "default", "COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT (FORMAT csv)", []
    )
    assert next(rows).startswith(b"1\r\n2\r\n")
    rows.close()  # long before the five million rows have been sent

    assert connection.connection.info.transaction_status.name == "INTRANS"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_closing_a_long_copy_in_autocommit_leaves_the_connection_idle_and_usable():
    """As in production: no transaction around the request, none left behind."""
    jit = _jit()
    rows = csv_copy.copy_rows(
        "default", "COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT (FORMAT csv)", []
    )
    next(rows)
    rows.close()

    assert connection.connection.info.transaction_status.name == "IDLE"
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert _jit() == jit  # the export's own setting ended with its transaction
