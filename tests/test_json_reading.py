"""``json`` values read by orjson (``kazmonitor.search.read_json_fast``: the search page's
groups come back as JSON arrays) are the values ``json.loads`` reads from the same text;
``jsonb`` stays text, which Django's JSON fields decode themselves."""

import json

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

AWKWARD = [
    {"name": "Жанболат Мамай · Қасым 🙂 中文", "tab": "a\tb\nc", "quote": 'say "x" \\ /', "nul": "a\u0001b"},
    {"numbers": [0, -1, 2**53 + 1, 2**63 - 1, 1.5, -0.25, 1e-7, 12345678.125], "flags": [True, False, None]},
    [],
    {},
    "text",
    7,
]


def test_json_reads_as_json_loads_reads_its_text():
    with connection.cursor() as cursor:
        for value in AWKWARD:
            text = json.dumps(value, ensure_ascii=False)
            cursor.execute("SELECT %s::json, %s::json::text", [text, text])
            read, as_text = cursor.fetchone()
            assert read == json.loads(as_text) == value


def test_an_aggregated_row_reads_as_the_search_page_reads_it():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT json_agg(q), json_agg(q)::text FROM (SELECT 'Мамай' AS name, 3 AS id, NULL AS none, "
            "E'line\\u2028break' AS odd UNION ALL SELECT 'O''Brien', 4, NULL, '') AS q"
        )
        read, as_text = cursor.fetchone()
    assert read == json.loads(as_text)
    assert read[0]["name"] == "Мамай" and read[1]["name"] == "O'Brien"


def test_jsonb_still_comes_back_as_text_for_djangos_json_fields():
    with connection.cursor() as cursor:
        cursor.execute("""SELECT '{"b": [1, "é"]}'::jsonb""")
        assert cursor.fetchone()[0] == '{"b": [1, "é"]}'
