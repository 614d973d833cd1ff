"""Review of session 8's late commits: the API's JSON written by orjson (f5d929f), an
answer's rows freed when it is sent (7da10f2), the ``json`` type read by orjson
(23affe1), the person match shared once per statement (f1e210e) and the plan cache
setting set again after a rollback (2286959).

What a client sees must not change: every answer, errors included, is the JSON DRF's
own renderer writes for the same values; kept answers are the same bytes; a detail as
CSV, ``HEAD``, ``OPTIONS``, the schema and the docs still answer; no browsable API.
The shared person match finds what the unshared statement and the ORM find, with
what the public may not see left out, for texts that look like SQL or like the
code's own markers (the searched text is only ever a parameter), and keeps every
parameter in its place however shared subqueries, other parameters and word lookups
interleave."""

import json

import orjson
import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from rest_framework import serializers as drf_serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from cases.models import Case, Participant
from kazmonitor import search
from kazmonitor.api.renderers import FastJSONRenderer
from kazmonitor.models import Visibility
from people.models import Person
from tests.api_support import anonymous_fixture, client_for, csv_rows, fresh_rate_limits_fixture  # noqa: F401
from tests.factories import CaseFactory, ChargeFactory, ParticipantFactory, PersonAliasFactory, PersonFactory

pytestmark = pytest.mark.django_db


# --- the API's JSON ---------------------------------------------------------------------


@pytest.fixture
def records(db):
    """Persons and cases with text JSON must escape (quotes, backslashes, controls, line
    separators, HTML, scripts), a protected person and an internal case."""
    person = PersonFactory(
        name='Жанболат "Мамай" \\ Қасым',
        name_latin="Zhanbolat Mamai\u2028line\u2029para <script>&",
        biography="tab\there\nnewline \x07 bell 🙂 中文",
    )
    PersonAliasFactory(person=person, name="Mamai Zh. ' OR 1=1 --")
    protected = PersonFactory(name="Тайна Мамай", identity_protected=True, pseudonym="Witness M")
    case = CaseFactory(title='Trial of \u2028Mamai "quoted" </script>', summary="é" * 300)
    ParticipantFactory(person=person, case=case)
    ParticipantFactory(person=protected, case=case)
    ChargeFactory(case=case, defendant=person)
    CaseFactory(title="Internal Mamai trial", visibility=Visibility.INTERNAL)
    return case


def test_every_control_character_and_odd_code_point_is_written_as_drf_writes_it():
    odd = "".join(map(chr, range(0xA1))) + "\ufeff\ufffe\uffff\U0010ffff\u200b\u2028\u2029\u202e" + search.SEPARATOR
    data = {"text": odd, odd: [odd, {odd: odd}], "numbers": [2**63, 2**64 - 1, -(2**63), 0.1, 1e300]}
    fast = FastJSONRenderer().render(data, "application/json", {})
    assert fast == JSONRenderer().render(data, "application/json", {})
    assert json.loads(fast) == data
    assert b"\\u2028" in fast and "\u2028".encode() not in fast


def _fields(serializer):
    """Every field of ``serializer``, nested ones too."""
    for field in serializer.fields.values():
        yield field
        inner = getattr(field, "child", field)
        if hasattr(inner, "fields"):
            yield from _fields(inner)


def test_no_answer_holds_a_float_orjson_would_write_otherwise():
    """orjson writes some floats otherwise than ``json.dumps`` (``1e-07`` as ``1e-7``) and
    DRF's encoder makes a ``Decimal`` a float: the renderer's bytes are DRF's while no
    API field gives a float (decimals are written as strings)."""
    from cases.api_urls import router

    assert orjson.dumps(1e-7) != json.dumps(1e-7).encode()  # why this matters
    decimals = []
    for _prefix, viewset, _basename in router.registry:
        for serializer_class in {viewset.serializer_class, getattr(viewset, "detail_serializer_class", None)} - {None}:
            for field in _fields(serializer_class(context={"level": Visibility.PUBLIC})):
                assert not isinstance(field, drf_serializers.FloatField), (viewset, field)
                if isinstance(field, drf_serializers.DecimalField):
                    assert getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING), (viewset, field)
                    decimals.append(field.field_name)
    assert "fine_amount" in decimals  # a sentence's fine: written as a string


def drf_bytes(response) -> bytes:
    """What DRF's ``JSONRenderer`` writes for the values of ``response``'s JSON."""
    return JSONRenderer().render(json.loads(response.content))


def assert_drfs_json(response) -> None:
    assert response["Content-Type"] == "application/json", (response.status_code, response["Content-Type"])
    assert response.content == drf_bytes(response), response.content[:300]


def test_every_list_and_detail_is_the_json_drf_writes(anonymous, records, no_response_cache):
    paths = [
        "/api/v1/",
        "/api/v1/status/",
        "/api/v1/persons/",
        "/api/v1/persons/?q=Mamai",
        "/api/v1/persons/?q=Мамай&page_size=1",
        "/api/v1/cases/",
        "/api/v1/cases/?q=Mamai",
        f"/api/v1/cases/{records.uuid}/",
        "/api/v1/charges/",
        "/api/v1/deleted/",
    ]
    for path in paths:
        response = anonymous.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        assert_drfs_json(response)
    body = anonymous.get(f"/api/v1/cases/{records.uuid}/").content
    assert b"\\u2028" in body and "\u2028".encode() not in body  # safe inside a <script>
    listed = anonymous.get("/api/v1/persons/?q=Mamai").json()["results"]
    assert "Тайна" not in json.dumps(listed, ensure_ascii=False)  # the protected person's real name
    assert "Internal Mamai" not in anonymous.get("/api/v1/cases/").content.decode()


def test_the_fast_renderer_writes_the_bytes_drfs_renderer_wrote(anonymous, records, no_response_cache, monkeypatch):
    paths = ["/api/v1/persons/?q=Mamai", "/api/v1/cases/", f"/api/v1/cases/{records.uuid}/", "/api/v1/"]
    fast = [anonymous.get(path).content for path in paths]
    monkeypatch.setattr(FastJSONRenderer, "render", JSONRenderer.render)
    assert [anonymous.get(path).content for path in paths] == fast


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("get", "/api/v1/cases/00000000-0000-0000-0000-000000000000/", {}, 404),
        ("get", "/api/v1/cases/?page_size=ten", {}, 400),
        ("get", "/api/v1/cases/?ordering=internal_notes", {}, 400),
        ("get", "/api/v1/cases/?cursor=not-a-cursor", {}, 400),
        ("get", "/api/v1/persons/?q=a%00b", {}, 400),
        ("post", "/api/v1/cases/", {}, 405),
        ("post", "/api/v1/status/", {}, 405),
        ("delete", "/api/v1/cases/00000000-0000-0000-0000-000000000000/", {}, 405),
        ("get", "/api/v1/cases/", {"HTTP_ACCEPT": "text/html"}, 406),
        ("get", "/api/v1/status/", {"HTTP_ACCEPT": "text/html"}, 406),
        ("get", "/api/v1/cases/?format=api", {}, 404),  # no browsable API
        ("get", "/api/v1/status/?format=api", {}, 404),
    ],
)
def test_errors_are_json_as_drf_writes_it(anonymous, records, no_response_cache, method, path, headers, status):
    response = getattr(anonymous, method)(path, **headers)
    assert response.status_code == status, response.content[:300]
    assert_drfs_json(response)
    assert response.json()


def test_an_unknown_key_and_a_rate_limit_answer_json(records, settings, no_response_cache):
    for path in ["/api/v1/status/", "/api/v1/cases/"]:
        response = client_for("not-a-key").get(path)
        assert response.status_code == 401, response.content[:300]
        assert_drfs_json(response)
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "anonymous": 1}
    for path in ["/api/v1/status/", "/api/v1/cases/"]:
        cache.clear()
        client = client_for()
        assert client.get(path).status_code == 200
        limited = client.get(path)
        assert limited.status_code == 429, limited.content[:300]
        assert_drfs_json(limited)
        assert limited["Retry-After"]


def test_head_and_options_still_answer(anonymous, records, no_response_cache):
    for path in ["/api/v1/status/", "/api/v1/cases/", f"/api/v1/cases/{records.uuid}/"]:
        head = anonymous.head(path)
        assert head.status_code == 200 and head["Content-Type"] == "application/json"
        options = anonymous.options(path)
        assert options.status_code == 200, options.content[:300]
        assert_drfs_json(options)
        assert options.json()["renders"] == ["application/json", "text/csv"]  # no browsable API


def test_the_schema_and_the_docs_still_answer(anonymous):
    assert anonymous.get("/api/v1/schema/").status_code == 200
    as_json = anonymous.get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200
    assert "/api/v1/persons/" in as_json.json()["paths"]
    assert anonymous.get("/api/v1/docs/").status_code == 200


def test_a_kept_answer_is_the_same_bytes_as_the_one_built(anonymous, records, settings, monkeypatch):
    settings.API_CACHE_SECONDS = 300
    paths = ["/api/v1/cases/", f"/api/v1/cases/{records.uuid}/", "/api/v1/persons/?page_size=1", "/api/v1/"]
    kept = {}
    for path in paths:
        built = anonymous.get(path)
        again = anonymous.get(path)
        if path != "/api/v1/":  # the root is not kept
            assert type(again) is HttpResponse, path  # from the cache
        assert again.content == built.content and again["Content-Type"] == built["Content-Type"] == "application/json"
        assert_drfs_json(again)
        kept[path] = again.content
    settings.API_CACHE_SECONDS = 0
    monkeypatch.setattr(FastJSONRenderer, "render", JSONRenderer.render)  # as DRF's renderer wrote them
    assert {path: anonymous.get(path).content for path in paths} == kept


def test_a_detail_and_a_list_as_csv_still_answer(anonymous, records, no_response_cache):
    detail = anonymous.get(f"/api/v1/cases/{records.uuid}/", {"format": "csv"})
    assert detail.status_code == 200 and detail["Content-Type"].startswith("text/csv")
    as_json = anonymous.get(f"/api/v1/cases/{records.uuid}/").json()
    rows = csv_rows(detail)
    assert len(rows) == 1 and rows[0]["id"] == as_json["id"] and rows[0]["title"] == as_json["title"]
    listed = csv_rows(anonymous.get("/api/v1/cases/", {"format": "csv"}))
    assert [row["id"] for row in listed] == [row["id"] for row in anonymous.get("/api/v1/cases/").json()["results"]]


def test_an_answers_data_is_plain_and_the_same_as_its_json(anonymous, records, no_response_cache):
    for path in ["/api/v1/cases/", f"/api/v1/cases/{records.uuid}/", "/api/v1/persons/?q=Mamai"]:
        response = anonymous.get(path)
        assert not isinstance(response.data, ReturnDict | ReturnList)  # the serializer let go
        assert not isinstance(response.data.get("results"), ReturnList)
        assert json.loads(JSONRenderer().render(response.data)) == response.json()
        assert response.renderer_context is None  # let go once rendered


# --- the shared person match (PostgreSQL) -----------------------------------------------

SEARCH_TEXTS = [
    "Zhanatuly",
    "Жанатұлы",
    "zhanatuli",
    "Witness",
    "Zhanatuly Witness",
    "Secret Person",  # a protected person's real name: nothing
    "Mamai",
    "/*kz shared*/ Zhanatuly /*kz end*/",
    "Zhanatuly) /*kz end*/ (",
    "Zhanatuly %s %% '; --",
    "kz_shared0 Zhanatuly",
]


@pytest.fixture
def people(db, settings):
    """Persons a public search may and may not show, each named in a case."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.SEARCH_CACHE_SECONDS = 0
    made = {
        "named": PersonFactory(name="Сабыр Жанатұлы", name_latin="Sabyr Zhanatuly"),
        "aliased": PersonFactory(name="Айдос Мамай", name_latin="Aidos Mamai"),
        "hidden": PersonFactory(name="Асқар Жанатұлы", identity_protected=True, pseudonym="Witness Z"),
        "pseudonym": PersonFactory(
            name="Secret Person", name_latin="Secret Person", identity_protected=True, pseudonym="Zhanatuly Witness"
        ),
        "internal": PersonFactory(name="Internal Zhanatuly", visibility=Visibility.INTERNAL),
        "partners": PersonFactory(name="Partner Zhanatuly", visibility=Visibility.PARTNERS),
        "markers": PersonFactory(name="Kz Shared Zhanatuly Kz End"),
    }
    PersonAliasFactory(person=made["aliased"], name="Zhanatuly A.")
    PersonAliasFactory(person=made["hidden"], name="Zhanatuly real alias")
    for key, person in made.items():
        ParticipantFactory(person=person, case=CaseFactory(title=f"The trial of {key}"))
    CaseFactory(title="Internal Zhanatuly trial", visibility=Visibility.INTERNAL)
    CaseFactory(title="Trial /*kz shared*/ Zhanatuly /*kz end*/")
    CaseFactory(title="Trial Zhanatuly %s %% '; --")
    return made


# Real names of protected persons, persons and cases the public may not see (a protected
# person's pseudonym and the cases naming it may be shown).
HIDDEN = ["Асқар", "Zhanatuly real alias", "Secret Person", "Internal Zhanatuly", "Partner Zhanatuly"]
HIDDEN += ["The trial of internal", "The trial of partners"]


FOUND = ("named", "aliased", "pseudonym", "markers")  # what the public finds by "Zhanatuly"


def page(client, text):
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200
    return response.context["results"], response.content.decode()


@pytest.mark.postgresql
@pytest.mark.parametrize("text", SEARCH_TEXTS)
def test_the_shared_match_finds_what_the_unshared_statement_and_the_orm_find(client, people, monkeypatch, text):
    statements = []
    shared_subqueries = search.shared_subqueries

    def watched(sql, params):
        rewritten = shared_subqueries(sql, params)
        statements.append((sql, params, *rewritten))
        return rewritten

    monkeypatch.setattr(search, "shared_subqueries", watched)
    shared, content = page(client, text)
    for hidden in HIDDEN:
        assert hidden not in content or hidden in text, hidden
    assert statements, "the search page's one statement"
    for original, params, sql, _params in statements:
        assert original.count(search._SHARED_START) == 2  # the code's two markers, whatever the text
        assert text not in sql and text not in original  # the text is only ever a parameter
        assert search.search_text(text) in params
        assert "kz_shared0" in sql  # the match ran once

    monkeypatch.setattr(search, "shared_subqueries", lambda sql, params: (sql, params))
    assert page(client, text)[0] == shared
    monkeypatch.setattr(search, "compiled", lambda *args, **kwargs: None)  # the ORM's own queries
    assert page(client, text)[0] == shared


@pytest.mark.postgresql
def test_the_shared_match_shows_the_public_what_it_may_see(client, people):
    results, content = page(client, "Zhanatuly")
    persons = {row[0] for row in results["persons"]}
    assert persons == {people[key].pk for key in FOUND}
    titles = {row.title for row in results["cases"]}
    assert {f"The trial of {key}" for key in FOUND} <= titles
    assert not {"The trial of hidden", "The trial of internal", "The trial of partners"} & titles
    assert "Zhanatuly Witness" in content and "Secret Person" not in content
    for real_name in ["Secret Person", "Асқар Жанатұлы", "Zhanatuly real alias"]:  # protected persons' own names
        found = page(client, real_name)[0]
        assert not found["persons"] and not found["cases"], real_name


def _shared(sql: str) -> str:
    return f"({search._SHARED_START}{sql}{search._SHARED_END})"


@pytest.mark.postgresql
def test_interleaved_shared_subqueries_and_word_lookups_keep_every_parameter_in_place(people):
    """Two pairs of equal subqueries, one alike in text only, parameters before, between
    and after them, word lookups inside and outside them (``shared_lookups`` runs after):
    the rewritten statement answers as the original."""
    lookup = search._LOOKUP.format(lexicon="people_nameword", text="%s", rank=1)
    # the code's own SQL fragments; every value is a parameter
    first = _shared(f"SELECT v FROM unnest(ARRAY[%s::int, %s::int]) AS v WHERE cardinality({lookup}) >= %s")  # noqa: S608
    second = _shared("SELECT v FROM unnest(ARRAY[%s::int]) AS v")
    sql = (
        f"SELECT %s::text, ARRAY({first}), {lookup}, ARRAY({second}), %s::text, ARRAY({first}), "
        f"ARRAY({second}), {lookup}, ARRAY({first}), %s::text"
    )
    params = [
        *["head", 1, 2, "zhanatuli", 0, "zhanatuli", 5, "middle"],
        *[1, 2, "zhanatuli", 0, 5, "mamai", 3, 4, "zhanatuli", 1, "tail"],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        original = cursor.fetchone()
        rewritten, rewritten_params = search.shared_lookups(*search.shared_subqueries(sql, params))
        cursor.execute(rewritten, rewritten_params)
        assert cursor.fetchone() == original
    assert "kz_shared0" in rewritten and "kz_shared1" in rewritten and "kz_shared2" not in rewritten
    assert rewritten.count("AS MATERIALIZED") == 3  # the two shared subqueries and the word lookups
    assert len(rewritten_params) == 12  # 2 words; 3 and 1 in the shared subqueries; 6 outside them
    words, others = original[2], original[7]
    assert "ZHANATULI" in words and "MAMAI" in others  # the name lexicon's words (upper case)
    assert original == ("head", [1, 2], words, [5], "middle", [1, 2], [5], others, [3, 4], "tail")


@pytest.mark.postgresql
def test_equal_texts_with_other_parameters_stay_apart():
    same = _shared("SELECT %s::int")
    sql = f"SELECT ARRAY({same}), ARRAY({same}), ARRAY({same}), %s"
    rewritten, params = search.shared_subqueries(sql, [1, 2, 1, "x"])
    with connection.cursor() as cursor:
        cursor.execute(sql, [1, 2, 1, "x"])
        original = cursor.fetchone()
        cursor.execute(rewritten, params)
        assert cursor.fetchone() == original == ([1], [2], [1], "x")
    assert params == [1, 2, "x"]


def test_the_person_match_inside_correlated_queries_and_counts(people):
    """The match used where Django nests it further (an ``Exists`` on the outer row, a
    count, a slice) is written correctly and finds the same persons."""
    expected = {people[key].pk for key in FOUND}
    public = Person.objects.visible_to(Visibility.PUBLIC)
    assert set(public.matching("Zhanatuly").values_list("pk", flat=True)) == expected
    assert public.matching("Zhanatuly").count() == len(expected)
    named = Participant.objects.filter(case=OuterRef("pk"), person__in=public.matching("Zhanatuly").values("pk"))
    cases = Case.objects.visible_to(Visibility.PUBLIC).filter(Exists(named))
    assert {case.title for case in cases} == {f"The trial of {key}" for key in FOUND}
    outer = Person.objects.filter(Exists(public.matching("Zhanatuly").filter(pk=OuterRef("pk"))))
    assert set(outer.values_list("pk", flat=True)) == expected


def test_the_admin_search_still_finds_protected_persons_by_their_real_name(researcher_client, people):
    persons = researcher_client.get(reverse("admin:people_person_changelist"), {"q": "Zhanatuly"})
    found = set(persons.context["cl"].result_list)
    assert {people["named"], people["aliased"], people["hidden"], people["internal"], people["partners"]} <= found
    cases = researcher_client.get(reverse("admin:cases_case_changelist"), {"q": "Асқар"})
    assert {case.title for case in cases.context["cl"].result_list} == {"The trial of hidden"}
    staff = Case.objects.search("Zhanatuly", level=Visibility.INTERNAL, reveal_protected=True)
    assert {"The trial of hidden", "The trial of internal", "Internal Zhanatuly trial"} <= {c.title for c in staff}
    public = Case.objects.search("Асқар", level=Visibility.PUBLIC)
    assert not public.exists()


@pytest.mark.sqlite
def test_on_sqlite_the_match_is_an_ordinary_subquery(people):
    sql = str(Person.objects.matching("Zhanatuly").query)
    assert search._SHARED_START.strip() not in sql
