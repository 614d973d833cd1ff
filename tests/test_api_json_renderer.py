"""The API's JSON written by orjson (kazmonitor/api/renderers.py) is, byte for byte, what
DRF's ``JSONRenderer`` writes: for awkward values here, and for every list and detail of
the demo data in ``tests/test_api_speed_equivalence.py`` (DRF's path renders with DRF's
renderer)."""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from rest_framework.renderers import JSONRenderer

from kazmonitor.api.renderers import FastJSONRenderer
from tests.api_support import anonymous_fixture, fresh_rate_limits_fixture  # noqa: F401

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
AWKWARD = {
    "scripts": "Жанболат Мамай · Қасым Мұсабеков · Zhanbolat · 中文 · 🙂",
    "breaks": "line\u2028separator and paragraph\u2029separator, twice\u2028\u2029",
    "controls": 'tab\there, newline\n, nul \x00, bell \x07, delete \x7f, quote " backslash \\ slash /',
    "html": "<script>alert('x')</script> & é",
    "numbers": [0, -1, 2**53 + 1, 2**63 - 1, -(2**63), True, False, None],
    "empty": [{}, [], ""],
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "dates": [datetime.date(2022, 1, 5), datetime.time(9, 30, 15, 120)],
    "times": [
        datetime.datetime(2022, 1, 5, 9, 30, tzinfo=datetime.UTC),
        datetime.datetime(2022, 1, 5, 9, 30, 15, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2022, 1, 5, 15, 30, tzinfo=ALMATY),
        datetime.datetime(2022, 1, 5, 9, 30),  # noqa: DTZ001 — naive, as DRF writes it
    ],
    "decimal": decimal.Decimal("1500000.50"),
    "lazy": gettext_lazy("Cases"),
    "safe": mark_safe("<b>kept as text</b>"),  # noqa: S308 — a str subclass, written as a string
    "nested": {"a": [{"b": {"c": ["d", 1, None]}}]},
}


def both(data, media_type="application/json", context=None) -> tuple[bytes, bytes]:
    return (
        FastJSONRenderer().render(data, media_type, context or {}),
        JSONRenderer().render(data, media_type, context or {}),
    )


def test_awkward_values_are_written_as_drf_writes_them():
    with override("ru"):
        fast, drf = both(AWKWARD)
        translated = str(AWKWARD["lazy"])
    assert fast == drf
    assert f'"lazy":"{translated}"'.encode() in fast  # the lazy text in the active language
    assert b"\\u2028" in fast and "\u2028".encode() not in fast  # safe inside a <script>


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        "text",
        {1: "an integer key"},  # orjson refuses it: DRF's renderer writes it
        {"big": 2**64},  # beyond 64 bits: the same
        [datetime.datetime(2022, 1, 5, tzinfo=ALMATY)] * 3,
    ],
)
def test_what_orjson_cannot_write_is_written_by_drf(data):
    fast, drf = both(data)
    assert fast == drf


def test_an_indented_answer_is_drfs():
    fast, drf = both(AWKWARD, "application/json; indent=2", {"indent": 2})
    assert fast == drf
    assert b'\n  "scripts"' in fast


def test_an_aware_time_of_day_fails_as_it_does_with_drf():
    moment = datetime.time(9, 30, tzinfo=datetime.UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        JSONRenderer().render({"t": moment})
    with pytest.raises(ValueError, match="timezone-aware"):
        FastJSONRenderer().render({"t": moment})


def test_the_api_answers_with_the_fast_renderer(anonymous):
    response = anonymous.get("/api/v1/status/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, FastJSONRenderer)
    assert response.content == JSONRenderer().render(response.data)
    assert response["Content-Type"] == "application/json"
