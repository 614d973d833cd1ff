"""The fast serialization path (compiled serializers, instances built without Django's
per-row overhead, CSV cells without the flat dict) answers byte for byte what DRF's
own path answers, for every list, detail and CSV export, at every reader level, on
the demo data and on a record with protected, partner-only and internal parts."""

import datetime
import json
import pathlib
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from rest_framework import serializers as drf_serializers
from rest_framework.renderers import JSONRenderer

from cases.models import Assembly, Case, Charge, Detention, Event, LegalArticle, Sentence
from kazmonitor.api import compiled, csv, csv_copy, pagination
from kazmonitor.api.fields import ApiSerializer
from kazmonitor.api.ids import masked_uuid
from kazmonitor.api.renderers import FastJSONRenderer
from kazmonitor.models import Source
from people.models import Organization, Person, Recognition
from tests.api_support import anonymous_fixture, body, client_for, fresh_rate_limits_fixture, make_key  # noqa: F401
from tests.full_record import build_full_record

pytestmark = pytest.mark.django_db
LISTS = ["persons", "organizations", "cases", "charges", "sentences", "detentions", "assemblies", "events"]
LISTS += ["articles", "sources", "tags", "locations", "recognitions", "deleted"]
DETAILS = {
    "persons": Person,
    "organizations": Organization,
    "cases": Case,
    "charges": Charge,
    "sentences": Sentence,
    "detentions": Detention,
    "assemblies": Assembly,
    "events": Event,
    "sources": Source,
    "recognitions": Recognition,
}


def _reference_cells(spec):
    """The cells as ``flatten`` + ``columns_of`` made them before the fast path."""

    def columns(spec, prefix=""):
        for name, children, _width in spec:
            if children is None:
                yield f"{prefix}{name}"
            else:
                yield from columns(children, f"{prefix}{name}.")

    names = list(columns(spec))
    return lambda data: [csv.flatten(data).get(column, "") for column in names]


@pytest.fixture
def drf_path(monkeypatch):
    """Switch the fast path off: DRF's ``to_representation``, ``QuerySet.iterator``,
    ``list(queryset)`` and ``flatten``, as before it existed, and no COPY export."""

    def switch_off():
        monkeypatch.setattr(compiled, "bind", lambda serializer: False)
        monkeypatch.setattr(csv, "fast_rows", lambda queryset, chunk: queryset.iterator(chunk_size=chunk))
        monkeypatch.setattr(csv, "cells_function", _reference_cells)
        monkeypatch.setattr(pagination, "fetch_all", list)
        monkeypatch.setattr(csv_copy, "COPY_COLUMNS", {})  # PostgreSQL's COPY export too
        monkeypatch.setattr(FastJSONRenderer, "render", JSONRenderer.render)  # DRF's json.dumps

    return switch_off


def _urls() -> list[str]:
    urls = []
    for endpoint in LISTS:
        urls += [f"/api/v1/{endpoint}/", f"/api/v1/{endpoint}/?page_size=3", f"/api/v1/{endpoint}/?format=csv"]
    for endpoint, model in DETAILS.items():
        for record in model.objects.order_by("pk"):
            urls.append(f"/api/v1/{endpoint}/{record.uuid}/")
    urls += [f"/api/v1/articles/{article.slug}/" for article in LegalArticle.objects.all()]
    return urls


def _answers(client, urls) -> dict[str, tuple[int, str]]:
    return {url: (response.status_code, body(response)) for url in urls for response in [client.get(url)]}


@pytest.mark.parametrize("level", ["anonymous", "partners"])
def test_fast_path_answers_byte_for_byte_what_drf_answers(no_response_cache, drf_path, level):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    build_full_record("-full")
    client = client_for(None if level == "anonymous" else make_key()[1])
    urls = _urls()

    fast = _answers(client, urls)
    drf_path()
    reference = _answers(client, urls)

    assert [url for url in urls if fast[url] != reference[url]] == []
    assert sum(1 for status, _text in fast.values() if status == 200) > 100
    for name in ("cases", "persons", "charges", "detentions"):
        lines = fast[f"/api/v1/{name}/?format=csv"][1].splitlines()
        assert len(lines) > 3


def test_protected_persons_keep_their_pseudonym_and_masked_id_in_every_fast_export(no_response_cache):
    record = build_full_record()
    client = client_for(make_key()[1])
    for endpoint in ["persons", "charges", "sentences", "detentions", "events", "recognitions", "cases"]:
        text = body(client.get(f"/api/v1/{endpoint}/?format=csv"))
        assert {
            marker for marker in re.findall(r"MARK-[A-Z-]+", text) if not marker.startswith("MARK-PARTNERS")
        } == set()
        assert str(record.protected.uuid) not in text
    persons = body(client.get("/api/v1/persons/?format=csv"))
    assert "Activist from Shymkent" in persons
    assert str(masked_uuid(record.protected.uuid)) in persons


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _stable(text: str) -> object:
    """The JSON with each record id replaced by its order of first appearance."""
    seen: dict[str, str] = {}
    return json.loads(_UUID.sub(lambda m: seen.setdefault(m.group(), f"<id {len(seen) + 1}>"), text))


PINNED = pathlib.Path(__file__).parent / "data" / "api_speed_pinned_case.json"
PINNED_SLUG = "zhanbolat-mamai-2022"


@time_machine.travel(datetime.datetime(2022, 6, 1, 7, tzinfo=datetime.UTC), tick=False)
def test_a_demo_case_list_row_and_detail_are_pinned(no_response_cache, anonymous):
    """Recorded from DRF's own path before the fast one existed; record ids are
    numbered in order of appearance (they are random per load)."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    case = Case.objects.get(slug=PINNED_SLUG)
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))

    page = _stable(body(anonymous.get(f"/api/v1/cases/?location={case.location.slug}&page_size=500")))
    (row,) = [row for row in page["results"] if row["slug"] == PINNED_SLUG]
    detail = _stable(body(anonymous.get(f"/api/v1/cases/{case.uuid}/")))

    assert _stable(json.dumps(row)) == pinned["row"]
    assert detail == pinned["detail"]


class _AsJson(dict):
    _csv_as_json = True


def test_unrolled_cells_equal_flatten_on_awkward_rows():
    spec = [("id", None, 1), ("place", [("id", None, 1), ("at", [("date", None, 1)], 1)], 2), ("extra", None, 1)]
    spec += [("tags", None, 1), ("n", None, 1), ("flag", None, 1)]
    rows = [
        {"id": "=1+1", "place": {"id": "-3", "at": {"date": "2022"}}, "extra": {"x": 1}, "tags": [{"id": "@a"}]},
        {"id": "", "place": None, "extra": _AsJson(a=1), "tags": [], "n": -2, "flag": True},
        {"id": "+x", "place": "not a dict", "extra": None, "n": 1.5, "flag": False},
        {"place": {"at": None}},
        {"place": _AsJson(id="kept as json")},
    ]
    unrolled, reference = csv.cells_function(spec), _reference_cells(spec)
    for row in rows:
        assert unrolled(row) == reference(row)


class _Plain(ApiSerializer):
    text = drf_serializers.CharField(read_only=True)
    nested = drf_serializers.CharField(source="inner.name", read_only=True)
    missing = drf_serializers.IntegerField(read_only=True)
    number = drf_serializers.IntegerField(read_only=True)
    whole = drf_serializers.SerializerMethodField()

    def get_whole(self, obj) -> str:
        return f"{type(obj).__name__}@{self.context['where']}"


class _PerRequest(_Plain):
    def get_fields(self):
        fields = super().get_fields()
        fields.pop("number")
        return fields


@pytest.mark.parametrize("serializer_class", [_Plain, _PerRequest])
def test_compiled_plain_serializers_keep_drf_semantics(serializer_class):
    rows = [
        SimpleNamespace(text="a", inner=SimpleNamespace(name="n"), number=3),
        SimpleNamespace(text=None, inner=None, number=None),
        SimpleNamespace(text=5, inner=SimpleNamespace(name=None), number="7"),
        {"text": "read by key", "inner": {"name": "k"}, "number": 1},
    ]
    serializer = serializer_class(rows, many=True, context={"where": "here"})
    reference = [drf_serializers.Serializer.to_representation(serializer.child, row) for row in rows]
    assert serializer.data == reference
    assert "missing" not in reference[0]
    assert (compiled.plan_of(serializer_class) is None) == (serializer_class is _PerRequest)
