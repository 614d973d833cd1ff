"""Person and organization pages: everything documented about them, public-level only.

A protected person's page is addressed by the masked id the API shows for them
(``/persons/id/<id>/``), never by the slug, which may carry the real name, nor by the
real uuid, the API id before protection: both are a 404 like an address that never
existed, so they cannot even confirm that the person is in the database.

Long sections (a person's cases, charges and detentions; an organization's members)
show one page of rows at a time, each section paged by its own query parameter
(``?cases_page=2``), its rows and its total read in one query; the cases of an
organization's members link to the case list filtered by the organization. The most
documented person at national scale has ~1,650 such rows, which took ~700 ms of CPU to
write out in one page."""

import math

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, Prefetch, Subquery, Sum, Value, When, Window
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode

from kazmonitor.models import OldSlug
from kazmonitor.public_views import PAGE_SIZE, PUBLIC, PublishedDetailView, kept
from kazmonitor.templatetags.site import person_url
from people.filters import person_by_api_id
from people.models import Membership, Organization, Person, Recognition, public_name_order

from .facts import visible_sources
from .models import Assembly, Case, Charge, Detention, Extension, Participant
from .public_filters import member_participations, public_cases

# Rows per page of a section. A detention takes several lines (place, authority,
# extensions), so fewer of them make a screen.
DETENTIONS_PAGE_SIZE = 10
MEMBERS_PAGE_SIZE = 50
# Past this a page number is refused before any query (an OFFSET that large means
# nothing, and a number of thousands of digits would overflow the database's integer).
MAX_PAGE = 100_000


def page_number(query: QueryDict, param: str) -> int:
    """The page asked for in ``param`` (1 when absent or empty); anything that is not a
    page number is a 404, as in Django's ListView."""
    value = query.get(param) or "1"
    try:
        number = int(value)
    except ValueError:
        raise Http404("Not a page number.") from None
    if not 1 <= number <= MAX_PAGE:
        raise Http404("No such page.")
    return number


class Section:
    """One page of a long section of a profile page, addressed by its own query
    parameter so that each section pages on its own, other parameters kept."""

    def __init__(self, query: QueryDict, param: str, size: int):
        self.query, self.param, self.size = query, param, size
        self.number = page_number(query, param)
        self.rows: list = []
        self.total = 0

    def fill(self, rows, **totals) -> "Section":
        """This page of ``rows`` (an ordered queryset), how many there are in all, and
        ``totals`` (name: aggregate over all the rows, e.g. ``Sum(...)``), in one query.
        The page and the totals are read in subqueries of the rows' own table (with the
        joins their filters and order need), so the joins that show a row (a detention's
        case, assembly, place, authority) are made for this page only. A page past the
        last is a 404."""
        start = (self.number - 1) * self.size
        unordered = rows.order_by()
        counted = {"section_total": Count("pk"), **totals}
        rows = rows.filter(pk__in=rows.values("pk")[start : start + self.size]).annotate(
            **{
                name: Subquery(unordered.annotate(**{name: Window(aggregate)}).values(name)[:1])
                for name, aggregate in counted.items()
            }
        )
        self.rows = list(rows)
        if not self.rows and self.number > 1:
            raise Http404("No such page.")
        for name in counted:
            setattr(self, "total" if name == "section_total" else name, getattr(self.rows[0], name) if self.rows else 0)
        return self

    def __iter__(self):
        return iter(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def is_paginated(self) -> bool:
        return self.num_pages > 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_query(self) -> str:
        return self._query(self.number - 1)

    @property
    def next_query(self) -> str:
        return self._query(self.number + 1)

    def _query(self, number: int) -> str:
        query = self.query.copy()
        if number == 1:
            query.pop(self.param, None)
        else:
            query[self.param] = str(number)
        return urlencode(sorted(query.lists()), doseq=True)  # as the ``query`` tag writes it


def person_prefetches() -> list:
    """The short sections of a person's page (roles, recognitions, memberships, sources)."""
    return [
        "roles",
        Prefetch(
            "recognitions",
            queryset=Recognition.objects.visible_to(PUBLIC)
            .filter(recognised_by__visibility__gte=PUBLIC)
            .select_related("recognised_by")
            .order_by("recognised_by__name", "since", "pk"),
            to_attr="visible_recognitions",
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.visible_to(PUBLIC)
            .filter(organization__visibility__gte=PUBLIC)
            .select_related("organization")
            .order_by("organization__name", "since", "pk"),
            to_attr="visible_memberships",
        ),
        visible_sources(PUBLIC),
    ]


def held_on(day) -> models.Case:
    """1 for a detention that held the person on ``day`` (``in_custody_on``), else 0."""
    return models.Case(
        When(started_on__lte=day, held_until__gte=day, then=Value(1)),
        default=Value(0),
        output_field=models.IntegerField(),
    )


def person_sections(person: Person, query: QueryDict) -> dict[str, Section]:
    """A page of each long section of the person's page: cases newest first, charges
    newest first, detentions with the ones holding the person today first."""
    today = timezone.localdate()
    participations = (
        Participant.objects.visible_to(PUBLIC)
        .filter(person=person, case__visibility__gte=PUBLIC)
        .select_related("case")
        .order_by(F("case__opened_on").desc(nulls_last=True), "-case__pk", "pk")
    )
    charges = (
        Charge.objects.visible_to(PUBLIC)
        .filter(defendant=person, case__visibility__gte=PUBLIC)
        .select_related("case", "article__code")
        .order_by(F("filed_on").desc(nulls_last=True), "-pk")
    )
    detentions = (
        Detention.objects.visible_to(PUBLIC)
        .filter(person=person)
        .select_related("case", "assembly", "facility__location", "authority")
        .prefetch_related(
            Prefetch("extensions", queryset=Extension.objects.select_related("court"), to_attr="visible_extensions")
        )
        .annotate(held_today=held_on(today))
        .order_by("-held_today", "-started_on", "-pk")
    )
    return {
        "cases": Section(query, "cases_page", PAGE_SIZE).fill(participations),
        "charges": Section(query, "charges_page", PAGE_SIZE).fill(charges),
        # ``held_count``: someone held today has their detentions high on the page,
        # whichever page of them is shown.
        "detentions": Section(query, "detentions_page", DETENTIONS_PAGE_SIZE).fill(
            detentions, held_count=Sum(held_on(today))
        ),
    }


class PersonDetailView(PublishedDetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return (
            Person.objects.visible_to(PUBLIC)
            .filter(identity_protected=False)
            .select_related("location")
            .prefetch_related(*person_prefetches())
        )

    def get_renamed_object(self):
        """The person an old slug names, in one query whether the slug was ever used or
        not: a protected person's old slug (it may carry the real name) answers as fast,
        and as a 404, as a slug that never existed."""
        old = OldSlug.objects.filter(content_type=ContentType.objects.get_for_model(Person), slug=self.kwargs["slug"])
        return self.get_queryset().filter(pk__in=old.values("object_id")).first()

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        for recognition in self.object.visible_recognitions:
            standing = recognition.until is None or recognition.until >= today
            recognition.is_current = recognition.since <= today and standing
        return super().get_context_data(**person_sections(self.object, self.request.GET), **kwargs)


class ProtectedPersonDetailView(PersonDetailView):
    """The same page by id: a protected person's masked id (``people.filters.person_by_api_id``, as the API),
    or an unprotected person's uuid, which is sent to their slug URL. A protected
    person's real uuid is a 404 like any unknown id."""

    def get_queryset(self):
        return Person.objects.visible_to(PUBLIC).select_related("location").prefetch_related(*person_prefetches())

    def get_object(self, queryset=None):
        person = person_by_api_id(self.get_queryset(), self.kwargs["uuid"])
        if person is None:
            raise Http404("No published person has this id.")
        return person

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.identity_protected:
            return redirect(person_url(self.object), permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


def members_by_public_name(memberships):
    """Order by the name the public sees (``people.views.by_public_name``): a pseudonym's
    place in the list says nothing about the real name behind it."""
    return memberships.annotate(public_sort=public_name_order("person__")).order_by("public_sort", "pk")


def member_case_ids(organization: Organization) -> list[int]:
    """The published cases naming a published member of ``organization``, in the case
    list's order. All of them, not a page: under ``LIMIT`` PostgreSQL walks every case
    by date and probes its participants for members (200–400 ms for a party of 700
    members at national scale); without it, it gathers the members' participations
    (a few thousand index probes, ~1,300 cases) and sorts them."""
    members = member_participations(organization)
    return list(public_cases().filter(pk__in=members.values("case")).values_list("pk", flat=True))


class OrganizationDetailView(PublishedDetailView):
    template_name = "people/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return (
            Organization.objects.visible_to(PUBLIC)
            .select_related("location", "banned_by")
            .prefetch_related(
                Prefetch(
                    "assemblies_organized",
                    queryset=Assembly.objects.visible_to(PUBLIC).order_by("-held_on", "pk"),
                    to_attr="visible_assemblies",
                ),
                visible_sources(PUBLIC),
            )
        )

    def get_context_data(self, **kwargs):
        organization = self.object
        members = Section(self.request.GET, "members_page", MEMBERS_PAGE_SIZE).fill(
            members_by_public_name(
                Membership.objects.visible_to(PUBLIC)
                .filter(organization=organization, person__visibility__gte=PUBLIC)
                .select_related("person")
            )
        )
        organization.visible_memberships = members.rows
        # Kept until the records change: every page of the member list, in every
        # language, needs the same list.
        case_ids = kept(f"organization-member-cases:{organization.pk}", lambda: member_case_ids(organization))
        members_cases = public_cases().filter(pk__in=case_ids[:PAGE_SIZE]) if case_ids else Case.objects.none()
        if organization.kind == Organization.Kind.COURT:
            court_cases = public_cases().filter(court=organization)
            court_cases_count = kept(f"court-case-count:{organization.pk}", court_cases.count)
        else:
            court_cases, court_cases_count = Case.objects.none(), 0
        return super().get_context_data(
            members=members,
            members_cases=members_cases,
            members_cases_count=len(case_ids),
            court_cases=court_cases[:PAGE_SIZE] if court_cases_count else Case.objects.none(),
            court_cases_count=court_cases_count,
            **kwargs,
        )
