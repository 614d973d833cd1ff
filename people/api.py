"""Read-only API viewsets for persons, organizations, recognitions, sources, tags
and locations. Every queryset starts from ``visible_to(self.level)``; records that
need another record (a recognition needs its person and organization) are shown
only when that record is visible too."""

from functools import cache

from django.db import connections
from django.db.models import F, Prefetch

from kazmonitor.api.fast_rows import AnyOfValues, PreparedQuery
from kazmonitor.api.pagination import NeverNull
from kazmonitor.api.views import SLUG, ApiViewSet
from kazmonitor.models import Location, Source, Tag
from people import filters, serializers
from people.models import (
    Membership,
    Organization,
    Person,
    PersonAlias,
    Recognition,
    public_created_order,
    public_name_order,
)

# What a list row (JSON or CSV) shows, and nothing more: not the biographies in other
# languages, the internal notes, the contacts or the search keys.
PERSON_LIST_COLUMNS = (
    *("uuid", "slug", "name", "name_latin", "identity_protected", "pseudonym", "gender", "birth_year"),
    *("language", "biography", "created_at", "protected_at", "updated_at", "location"),
)


def visible_sources(level, to_attr: str = "visible_sources") -> Prefetch:
    return Prefetch(
        "sources", queryset=Source.objects.visible_to(level).order_by("published_on", "pk"), to_attr=to_attr
    )


class PersonViewSet(ApiViewSet):
    """Persons. Protected persons appear only under their pseudonym, with an id of
    their own (not the one they had before protection), no slug or aliases, and the
    time protection began as their ``created_at``."""

    serializer_class = serializers.PersonSerializer
    detail_serializer_class = serializers.PersonDetailSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = {"name": "api_name", "updated_at": "updated_at", "created_at": "api_created_at"}
    ordering = "name"
    csv_name = "persons"

    def get_queryset(self):
        queryset = (
            Person.objects.visible_to(self.level)
            # Never the real name of a protected person; never NULL (pseudonym, else the Latin
            # name, else the name, all NOT NULL), so a deep cursor starts an index range.
            .annotate(api_name=NeverNull(public_name_order()))
            # The created_at the API shows (people.models.public_created_order): sorting
            # by the real one would place a pseudonym where the real name stood.
            .annotate(api_created_at=NeverNull(public_created_order()))
            .select_related("location")
            .prefetch_related("roles", "aliases")
        )
        if self.action == "list":
            queryset = queryset.only(*PERSON_LIST_COLUMNS)
        if self.action == "retrieve":
            memberships = (
                Membership.objects.visible_to(self.level)
                .filter(organization__visibility__gte=self.level)
                .select_related("organization")
                .order_by("organization__name", "pk")
            )
            queryset = queryset.prefetch_related(
                Prefetch("memberships", queryset=memberships, to_attr="visible_memberships"),
                visible_sources(self.level),
            )
        return queryset

    def paginate_queryset(self, queryset):
        """A page of persons with their aliases' names read by ``load_alias_names`` (one
        query compiled once) instead of ``prefetch_related("aliases")`` (a queryset and a
        related manager per person, compiled on every request)."""
        if not fast_aliases:
            return super().paginate_queryset(queryset)
        lookups = [lookup for lookup in queryset._prefetch_related_lookups if lookup != "aliases"]
        page = super().paginate_queryset(queryset.prefetch_related(None).prefetch_related(*lookups))
        if page:
            load_alias_names(page)
        return page

    def lookup_object(self, queryset, value):
        person = filters.person_by_api_id(queryset, value)
        if person is None and filters.parse_uuid(value) is None and SLUG.match(value):
            person = queryset.filter(slug=value, identity_protected=False).first()
        return person


fast_aliases = True  # tests switch it off to compare with prefetch_related("aliases")


def load_alias_names(persons) -> None:
    """Put on each person ``alias_names``: the names of its aliases in their model's order
    (``PersonAlias.Meta.ordering``), what ``[a.name for a in person.aliases.all()]`` gives
    after ``prefetch_related("aliases")``. Protected persons get none (their aliases are
    never shown, so never read). One query; on PostgreSQL compiled once per connection."""
    named = {person.pk: [] for person in persons if not person.identity_protected}
    if named:
        connection = connections[persons[0]._state.db]
        if connection.vendor == "postgresql":  # one array parameter: the same SQL every time
            rows = _alias_names_query().rows(connection, list(named))
        else:
            rows = _alias_names(list(named)).using(connection.alias)
        for person_id, name in rows:
            named[person_id].append(name)
    for person in persons:
        person.alias_names = named.get(person.pk, [])


def _alias_names(ids):
    return PersonAlias.objects.filter(person_id__in=ids).order_by("name").values_list("person_id", "name")


@cache
def _alias_names_query() -> PreparedQuery:
    return PreparedQuery(
        lambda ids: (
            PersonAlias.objects.filter(AnyOfValues(F("person_id"), ids))
            .order_by("name")
            .values_list("person_id", "name")
        ),
        markers=([-918_273_645], [-918_273_646]),
    )


class OrganizationViewSet(ApiViewSet):
    serializer_class = serializers.OrganizationSerializer
    detail_serializer_class = serializers.OrganizationDetailSerializer
    filterset_class = filters.OrganizationFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at", "created_at": "created_at"}
    ordering = "name"
    csv_name = "organizations"

    def get_queryset(self):
        queryset = Organization.objects.visible_to(self.level).select_related("location", "banned_by")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(visible_sources(self.level))
        return queryset


class RecognitionViewSet(ApiViewSet):
    """Persons recognised as political prisoners, by whom and since when."""

    serializer_class = serializers.RecognitionSerializer
    filterset_class = filters.RecognitionFilter
    ordering_fields = {"since": "since", "updated_at": "updated_at", "created_at": "created_at"}
    ordering = "-since"
    csv_name = "recognitions"

    def get_queryset(self):
        return (
            Recognition.objects.visible_to(self.level)
            .filter(person__visibility__gte=self.level, recognised_by__visibility__gte=self.level)
            .select_related("person", "recognised_by")
            .prefetch_related(visible_sources(self.level))
        )


class SourceViewSet(ApiViewSet):
    """Sources: where each fact comes from. Confidential provenance notes stay in the admin."""

    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilter
    ordering_fields = {"published_on": "published_on", "updated_at": "updated_at", "created_at": "created_at"}
    ordering = "-published_on"
    csv_name = "sources"

    def get_queryset(self):
        return Source.objects.visible_to(self.level)


class TagViewSet(ApiViewSet):
    """The monitor's tags (vocabulary). Identified by slug."""

    serializer_class = serializers.TagSerializer
    filterset_class = filters.TagFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at"}
    ordering = "name"
    csv_name = "tags"

    def get_queryset(self):
        return Tag.objects.all()


class LocationViewSet(ApiViewSet):
    """Countries, regions, cities and districts. Identified by slug."""

    serializer_class = serializers.LocationSerializer
    filterset_class = filters.LocationListFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at"}
    ordering = "name"
    csv_name = "locations"

    def get_queryset(self):
        return Location.objects.select_related("parent")
