"""Error pages, log lines and error reports never contain confidential values."""

import logging
import sys
from http import HTTPStatus

import pytest
from django.urls import path
from django.views.debug import ExceptionReporter

import kazmonitor.urls
from kazmonitor.security import RedactingFormatter, redact

MARKER = "CONFIDENTIAL-" + "MARKER-7f3a"  # joined, so no source line shows it whole


def boom(request):
    contacts = f"+7 701 {MARKER}"  # noqa: F841 — a confidential local the report must hide
    raise RuntimeError("the view failed")


urlpatterns = [path("boom/", boom), *kazmonitor.urls.urlpatterns]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"password={MARKER}&next=/admin/", "password=[redacted]&next=/admin/"),
        (
            f'{{"internal_notes": "{MARKER} and more", "title": "ok"}}',
            '{"internal_notes": "[redacted]", "title": "ok"}',
        ),
        (f"'contacts': '{MARKER}'", "'contacts': '[redacted]'"),
        (f"GET /api/v1/cases/?api_key={MARKER}&page=2", "GET /api/v1/cases/?api_key=[redacted]&page=2"),
        (f"Authorization: Api-Key {MARKER}", "Authorization: Api-Key [redacted]"),
        ("title=Case of Mamai", "title=Case of Mamai"),
    ],
)
def test_confidential_values_are_masked_in_text(line, expected):
    assert redact(line) == expected


def test_log_lines_mask_confidential_values_even_in_arguments_and_tracebacks():
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, RedactingFormatter))
    try:
        raise ValueError(f"duplicate key: provenance_notes={MARKER}")
    except ValueError:
        record = logging.LogRecord(
            "kazmonitor", logging.ERROR, __file__, 1, "saving %s failed", (f"contacts={MARKER}",), sys.exc_info()
        )
    assert handler.filter(record)
    line = handler.format(record)
    assert MARKER not in line
    assert "saving contacts=[redacted] failed" in line
    assert "provenance_notes=[redacted]" in line


def test_error_reports_hide_every_submitted_value_and_confidential_locals(rf):
    request = rf.post("/admin/people/person/1/change/", {"name": "Public name", "internal_notes": MARKER})
    try:
        boom(request)
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    for text in (reporter.get_traceback_text(), reporter.get_traceback_html()):
        assert MARKER not in text
        assert "the view failed" in text


def test_server_error_page_shows_nothing_internal(client, db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.post("/boom/", {"internal_notes": MARKER})

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    body = response.content.decode()
    assert "Something went wrong" in body
    for leak in (MARKER, "RuntimeError", "the view failed", "Traceback", "settings"):
        assert leak not in body


def test_not_found_page_shows_nothing_internal(client, db, settings):
    settings.DEBUG = False
    response = client.get(f"/no-such-page-{MARKER}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    body = response.content.decode()
    for leak in ("urlpatterns", "URLconf", "Traceback", "admin/"):
        assert leak not in body
    assert "Content-Security-Policy" in response.headers
