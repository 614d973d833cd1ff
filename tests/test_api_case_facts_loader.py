"""The API case detail reads a case's facts with ``cases.api_facts.load_case_facts``
(few queries, compiled once). It must put on the case exactly what
``prefetch_related(*case_fact_prefetches(level))`` puts there — the same facts, in the
same order, with the same sources, extensions and tags, and nothing below the
reader's level — so the detail answers byte for byte what it answered before."""

import json

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.request import Request

from cases.api_facts import load_case_facts
from cases.facts import case_fact_prefetches
from cases.models import Case
from cases.serializers import CaseDetailSerializer
from kazmonitor.models import Visibility
from tests.factories import CaseFactory
from tests.full_record import INTERNAL_ONLY_MARKERS, PARTNERS_MARKERS, build_full_record

pytestmark = pytest.mark.django_db
LEVELS = [Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL]


def _facts(case) -> dict:
    """Every attribute the detail reads, as ids in order."""
    ids = lambda rows: [row.pk for row in rows]  # noqa: E731
    shown = {
        "participants": ids(case.visible_participants),
        "charges": ids(case.visible_charges),
        "sentences": ids(case.visible_sentences),
        "detentions": ids(case.visible_detentions),
        "events": ids(case.visible_events),
        "sources": ids(case.visible_sources),
        "tags": ids(case.tags.all()),
    }
    for name in ("charges", "sentences", "detentions", "events"):
        for fact in getattr(case, f"visible_{name}"):
            shown[f"{name}/{fact.pk}/sources"] = ids(fact.visible_sources)
    for detention in case.visible_detentions:
        shown[f"detentions/{detention.pk}/extensions"] = ids(detention.visible_extensions)
    return shown


def _detail(case, level) -> str:
    request = Request(RequestFactory().get("/api/v1/cases/"))
    data = CaseDetailSerializer(case, context={"request": request, "level": level}).data
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("level", LEVELS)
def test_the_loader_puts_on_a_case_what_the_prefetches_put(level):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    build_full_record("-loader")
    cases = Case.objects.visible_to(level).select_related("location", "court").order_by("pk")
    assert cases.count() > 5
    for prefetched in cases.prefetch_related(*case_fact_prefetches(level)):
        loaded = cases.get(pk=prefetched.pk)
        load_case_facts(loaded, level)
        assert _facts(loaded) == _facts(prefetched), prefetched.slug
        assert _detail(loaded, level) == _detail(prefetched, level), prefetched.slug


def test_the_loader_reads_seven_queries_and_one_more_for_extensions(django_assert_num_queries):
    record = build_full_record("-count")
    with_detentions = Case.objects.get(pk=record.case.pk)
    without = CaseFactory()
    with django_assert_num_queries(7):
        load_case_facts(without, Visibility.PUBLIC)
    with django_assert_num_queries(7 + 1):
        load_case_facts(with_detentions, Visibility.PARTNERS)
    assert with_detentions.visible_detentions and without.visible_detentions == []


def test_a_partners_fact_and_its_sources_stay_out_of_a_public_detail():
    record = build_full_record("-public")
    case = Case.objects.get(pk=record.case.pk)
    load_case_facts(case, Visibility.PUBLIC)
    for fact in [*case.visible_charges, *case.visible_sentences, *case.visible_detentions, *case.visible_events]:
        assert fact.visibility >= Visibility.PUBLIC
        assert all(source.visibility >= Visibility.PUBLIC for source in fact.visible_sources)
    assert all(source.visibility >= Visibility.PUBLIC for source in case.visible_sources)
    shown = _detail(case, Visibility.PUBLIC)
    assert [marker for marker in [*INTERNAL_ONLY_MARKERS, *PARTNERS_MARKERS] if marker in shown] == []
