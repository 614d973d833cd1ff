"""Read-only API viewsets for cases and their facts, legal articles, assemblies and
tombstones. Every queryset starts from ``visible_to(self.level)``; a fact is served
only when the records it needs (its case, its person) are visible too."""

from functools import cache
from uuid import UUID

import django_filters
from django.db import connections
from django.db.models import Prefetch
from django.http import Http404
from rest_framework import serializers as drf_serializers

from cases import filters, serializers
from cases.api_facts import load_case_facts
from cases.models import Assembly, Case, Charge, Detention, Event, Extension, LegalArticle, Sentence
from kazmonitor.api.fast_rows import PreparedQuery
from kazmonitor.api.fields import ApiModelSerializer, UtcDateTimeField
from kazmonitor.api.filters import ApiFilterSet, SinceFilter
from kazmonitor.api.ids import parse_uuid
from kazmonitor.api.tombstones import TRACKED
from kazmonitor.api.views import ApiListViewSet, ApiViewSet
from kazmonitor.models import Tombstone
from people import api as people_api
from people.api import visible_sources
from people.models import Organization

DATED = {"updated_at": "updated_at", "created_at": "created_at"}
CASE_LIST_COLUMNS = (
    *("uuid", "slug", "title", "title_en", "title_ru", "title_kk", "language", "kind", "status"),
    *("affects_expression", "affects_association", "affects_assembly", "case_number", "opened_on"),
    *("opened_on_precision", "summary", "created_at", "updated_at", "visibility"),
    *("location__slug", "location__name", "location__kind"),
    *("court__uuid", "court__visibility", "court__name", "court__abbreviation", "court__kind"),
)


class PersonViewSet(people_api.PersonViewSet):
    __doc__ = people_api.PersonViewSet.__doc__
    filterset_class = filters.PersonWithCasesFilter


class CaseViewSet(ApiViewSet):
    """Cases. The detail carries participants, charges, sentences, detentions with
    their extensions, events, the derived timeline and sources."""

    serializer_class = serializers.CaseSerializer
    detail_serializer_class = serializers.CaseDetailSerializer
    filterset_class = filters.CaseFilter
    ordering_fields = {"opened_on": "opened_on", "title": "title", **DATED}
    ordering = "-opened_on"
    csv_name = "cases"

    def get_queryset(self):
        queryset = _cases(self.level)
        if self.action == "retrieve":
            return queryset  # the facts are read by get_object
        # Lists and exports read only what CaseSerializer shows: not the summaries in
        # other languages, the internal notes or the court's own description.
        return queryset.only(*CASE_LIST_COLUMNS).prefetch_related("tags")

    def get_object(self):
        uuid = parse_uuid(self.kwargs[self.lookup_url_kwarg])
        if self.action != "retrieve" or uuid is None:
            case = super().get_object()  # by slug
        else:  # the usual way: by id, from SQL compiled once
            found = _case_by_uuid(int(self.level)).run(connections[Case.objects.db], uuid)
            if not found:
                raise Http404
            case = found[0]
        if self.action == "retrieve":
            load_case_facts(case, self.level)  # what case_fact_prefetches(level) reads, in fewer queries
        return case


def _cases(level):
    return Case.objects.visible_to(level).select_related("location", "court")


@cache
def _case_by_uuid(level: int) -> PreparedQuery:
    field = Case._meta.get_field("uuid")
    return PreparedQuery(
        lambda uuid: _cases(level).filter(uuid=uuid),
        markers=(UUID(int=1), UUID(int=2)),
        prepare=lambda value, connection: field.get_db_prep_value(value, connection),
    )


class ChargeViewSet(ApiViewSet):
    serializer_class = serializers.ChargeSerializer
    filterset_class = filters.ChargeFilter
    ordering_fields = {"filed_on": "filed_on", **DATED}
    ordering = "filed_on"
    csv_name = "charges"

    def get_queryset(self):
        return (
            Charge.objects.visible_to(self.level)
            .filter(case__visibility__gte=self.level, defendant__visibility__gte=self.level)
            .select_related("case", "defendant", "article__code")
            .prefetch_related(visible_sources(self.level))
        )


class SentenceViewSet(ApiViewSet):
    serializer_class = serializers.SentenceSerializer
    filterset_class = filters.SentenceFilter
    ordering_fields = {"sentenced_on": "sentenced_on", **DATED}
    ordering = "sentenced_on"
    csv_name = "sentences"

    def get_queryset(self):
        return (
            Sentence.objects.visible_to(self.level)
            .filter(case__visibility__gte=self.level, defendant__visibility__gte=self.level)
            .select_related("case", "defendant", "court", "replaces")
            .prefetch_related(visible_sources(self.level))
        )


class DetentionViewSet(ApiViewSet):
    """Detentions with their court extensions. ``detained_on=`` lists who was held on a day."""

    serializer_class = serializers.DetentionSerializer
    filterset_class = filters.DetentionFilter
    ordering_fields = {"started_on": "started_on", "ended_on": "ended_on", **DATED}
    ordering = "started_on"
    csv_name = "detentions"

    def get_queryset(self):
        extensions = Extension.objects.select_related("court").order_by("decided_on", "pk")
        return (
            Detention.objects.visible_to(self.level)
            .filter(person__visibility__gte=self.level)
            .select_related("person", "case", "assembly", "facility__location", "authority")
            .prefetch_related(
                Prefetch("extensions", queryset=extensions, to_attr="visible_extensions"),
                visible_sources(self.level),
            )
        )


class EventViewSet(ApiViewSet):
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = {"occurred_on": "occurred_on", **DATED}
    ordering = "occurred_on"
    csv_name = "events"

    def get_queryset(self):
        return (
            Event.objects.visible_to(self.level)
            .filter(case__visibility__gte=self.level)
            .exclude(person__visibility__lt=self.level)
            .select_related("case", "person")
            .prefetch_related(visible_sources(self.level))
        )


class AssemblyViewSet(ApiViewSet):
    """Protests: permission, outcome, how many were detained; the detail lists the
    visible detentions linked to it."""

    serializer_class = serializers.AssemblySerializer
    detail_serializer_class = serializers.AssemblyDetailSerializer
    filterset_class = filters.AssemblyFilter
    ordering_fields = {"held_on": "held_on", "title": "title", **DATED}
    ordering = "-held_on"
    csv_name = "assemblies"

    def get_queryset(self):
        organizers = Organization.objects.visible_to(self.level).order_by("name", "pk")
        queryset = (
            Assembly.objects.visible_to(self.level)
            .select_related("location")
            .prefetch_related(
                Prefetch("organizers", queryset=organizers, to_attr="visible_organizers"),
                "tags",
                visible_sources(self.level),
            )
        )
        if self.action == "retrieve":
            detentions = (
                Detention.objects.visible_to(self.level)
                .filter(person__visibility__gte=self.level)
                .select_related("person")
                .order_by("started_on", "pk")
            )
            queryset = queryset.prefetch_related(
                Prefetch("detentions", queryset=detentions, to_attr="visible_detentions")
            )
        return queryset


class ArticleViewSet(ApiViewSet):
    """Legal articles (vocabulary), e.g. CC 274.4. Identified by slug."""

    serializer_class = serializers.ArticleSerializer
    filterset_class = filters.LegalArticleFilter
    ordering_fields = {"label": "number"}
    ordering = "label"
    csv_name = "articles"

    def get_queryset(self):
        return LegalArticle.objects.select_related("code")


class TombstoneSerializer(ApiModelSerializer):
    id = drf_serializers.UUIDField(source="uuid", help_text="The id the record had in the API.")
    model = drf_serializers.CharField(help_text="Which list it was in: case, person, charge …")
    reason = drf_serializers.SerializerMethodField(help_text="deleted, or withdrawn below your level.")
    at = UtcDateTimeField()

    class Meta:
        model = Tombstone
        fields = ["id", "model", "reason", "at"]

    def get_reason(self, obj) -> str:
        return "deleted" if obj.new_visibility is None else "withdrawn"


class TombstoneFilter(ApiFilterSet):
    since = SinceFilter(field_name="at", lookup_expr="gte", label="Tombstones recorded at or after this time.")
    model = django_filters.ChoiceFilter(
        choices=sorted((name, name) for name, _needs in TRACKED.values()), label="Only this kind of record."
    )

    class Meta:
        model = Tombstone
        fields = []

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(at__gte=value)


class DeletedViewSet(ApiListViewSet):
    """Records deleted or withdrawn below your level: drop each ``model``/``id`` from
    your mirror. Use with ``updated_since`` on the lists (README: sync recipe)."""

    serializer_class = TombstoneSerializer
    filterset_class = TombstoneFilter
    ordering_fields = {"at": "at"}
    ordering = "at"
    csv_name = "deleted"

    def get_queryset(self):
        level = int(self.level)
        return Tombstone.objects.filter(previous_visibility__gte=level).exclude(new_visibility__gte=level)
