"""API filters for persons, organizations and recognitions. Filters that reach
through another record (membership, organization) go through that record's
``visible_to`` too, so a filter never reveals a hidden record."""

import copy
from uuid import UUID

import django_filters
from django.db.models import Q
from django_filters.constants import EMPTY_VALUES

from kazmonitor.api.filters import ApiFilterSet, BooleanFilter, TextFilter
from kazmonitor.api.ids import masked_uuid, parse_uuid
from kazmonitor.models import Location, Source, Tag
from kazmonitor.public_views import kept
from kazmonitor.search import among_search, name_key
from people.models import Membership, Organization, Person, Recognition, Role


def person_by_api_id(queryset, value):
    """The person the API id ``value`` names in ``queryset``: an unprotected person by
    its uuid, a protected one only by its masked id (its real uuid finds nothing, as an
    id that never existed does). None if there is no such person. One query."""
    uuid = parse_uuid(value)
    if uuid is None:
        return None
    pk = protected_person_ids().get(uuid.hex)
    if pk is not None:
        return queryset.filter(pk=pk, identity_protected=True).first()
    return queryset.filter(uuid=uuid, identity_protected=False).first()


def protected_person_ids() -> dict[str, int]:
    """The masked id (``api_id``, hex) → primary key of every protected person, kept
    until the records change (``kept``): a masked id cannot be turned back into the uuid,
    and computing all of them took ~90 ms per lookup at national scale (2,900 persons).
    Callers filter the person by their own visibility."""

    def build():
        protected = Person.objects.filter(identity_protected=True).order_by().values_list("pk", "uuid")
        return {masked_uuid(real).hex: pk for pk, real in protected}

    # Named after the masking key too, so a new key never reads a map made with the old one.
    return kept(f"protected-person-ids:{masked_uuid(UUID(int=0)).hex[:12]}", build)


def person_pks(value, level):
    """Primary keys matching the API person id ``value`` (an empty list when none)."""
    person = person_by_api_id(Person.objects.visible_to(level).only("pk"), value)
    return [person.pk] if person else []


class PersonIdFilter(django_filters.UUIDFilter):
    """``person=<id>``: an API person id (masked for protected persons)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__in": person_pks(value, self.parent.level)})


def location_q(path: str, slug: str) -> Q:
    """A place or any place inside it (a region matches its cities and districts)."""
    return (
        Q(**{f"{path}__slug": slug})
        | Q(**{f"{path}__parent__slug": slug})
        | Q(**{f"{path}__parent__parent__slug": slug})
    )


class LocationFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("label", "Location slug; a region also matches the places in it.")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(location_q(self.field_name, value)) if value else qs


def search_persons(queryset, text: str):
    """The persons of ``queryset`` that the API's ``q=text`` finds. The list keeps the
    API's own order (keyset pagination): the search's rank would only be built and
    dropped. The ids' SQL is compiled once (kazmonitor.search)."""
    return queryset.filter(among_search("pk", "api person ids", Person.objects.matching_ids, text))


class PersonFilter(ApiFilterSet):
    q = TextFilter(method="filter_q", label="Name in any script (Latin, Cyrillic, Kazakh), or an alias.")
    role = django_filters.ModelChoiceFilter(
        field_name="roles", to_field_name="slug", queryset=Role.objects.all(), label="Role slug, e.g. journalist."
    )
    gender = django_filters.ChoiceFilter(choices=Person.Gender.choices)
    location = LocationFilter(field_name="location")
    organization = django_filters.UUIDFilter(method="filter_organization", label="Member of this organization (id).")
    pseudonymous = BooleanFilter(field_name="identity_protected")

    class Meta:
        model = Person
        fields = []

    def filter_queryset(self, queryset):
        """django-filter's, but only the filters the request gives a value, each copied
        when used: every filter passes an empty value through (``ApiFilterSet`` relies on
        it too), and copying all eleven of the person list's filters cost more than the
        search it runs (about 1.5 ms per request)."""
        for name, value in self.form.cleaned_data.items():
            if value not in EMPTY_VALUES:
                queryset = self.used_filter(name).filter(queryset, value)
        return queryset

    def used_filter(self, name: str):
        """``self.filters[name]``, without copying the filters the request does not use."""
        copied = self.__dict__.get("_filters")
        if copied is not None:
            return copied[name]
        used = self.__dict__.setdefault("_used_filters", {})
        found = used.get(name)
        if found is None:
            found = used[name] = copy.deepcopy(self.base_filters[name])
            found.model, found.parent = self.queryset.model, self  # as ApiFilterSet.filters does
        return found

    def filter_q(self, queryset, name, value):
        return search_persons(queryset, value)

    def filter_organization(self, queryset, name, value):
        memberships = Membership.objects.visible_to(self.level).filter(
            organization__uuid=value, organization__visibility__gte=self.level
        )
        return queryset.filter(pk__in=memberships.values("person_id"))


class OrganizationFilter(ApiFilterSet):
    q = TextFilter(method="filter_q", label="Name, local name or abbreviation, in any script.")
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices)
    legal_status = django_filters.ChoiceFilter(choices=Organization.LegalStatus.choices)
    location = LocationFilter(field_name="location")
    banned_after = django_filters.DateFilter(field_name="banned_on", lookup_expr="gte")
    banned_before = django_filters.DateFilter(field_name="banned_on", lookup_expr="lte")

    class Meta:
        model = Organization
        fields = []

    def filter_q(self, queryset, name, value):
        key = name_key(value)
        return queryset.filter(name_key__contains=key) if key else queryset.none()


class RecognitionFilter(ApiFilterSet):
    updated_paths = ("updated_at", "person__updated_at", "recognised_by__updated_at")

    person = PersonIdFilter(field_name="person")
    organization = django_filters.UUIDFilter(field_name="recognised_by__uuid", label="Recognised by (id).")
    current = BooleanFilter(method="filter_current", label="Standing today (true) or ended (false).")
    standing_on = django_filters.DateFilter(method="filter_standing_on", label="Standing on this day.")
    since_after = django_filters.DateFilter(field_name="since", lookup_expr="gte")
    since_before = django_filters.DateFilter(field_name="since", lookup_expr="lte")
    certainty = django_filters.ChoiceFilter(choices=Recognition._meta.get_field("certainty").choices)

    class Meta:
        model = Recognition
        fields = []

    def filter_current(self, queryset, name, value):
        current = queryset.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)

    def filter_standing_on(self, queryset, name, value):
        return queryset.current(on=value)


class SourceFilter(ApiFilterSet):
    q = TextFilter(field_name="title", lookup_expr="icontains", label="Words in the title.")
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices)
    publisher = TextFilter(field_name="publisher", lookup_expr="iexact")
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Source
        fields = []


class TagFilter(ApiFilterSet):
    q = TextFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Tag
        fields = []


class LocationListFilter(ApiFilterSet):
    q = TextFilter(method="filter_q", label="Name in English or the local script.")
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices)
    parent = django_filters.CharFilter(field_name="parent__slug", max_length=120, label="Slug of the parent place.")

    class Meta:
        model = Location
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_local__icontains=value))
