"""Person and organization pages: everything documented about them, public-level only.

A protected person's page is addressed by the stable id (``/persons/id/<uuid>/``),
never by the slug, which may carry the real name; their slug URL is a 404 so it
cannot even confirm that the name is in the database."""

from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils import timezone

from kazmonitor.public_views import PAGE_SIZE, PUBLIC, PublishedDetailView
from kazmonitor.templatetags.site import person_url
from people.models import Membership, Organization, Person, Recognition

from .facts import visible_sources
from .models import Assembly, Case, Charge, Detention, Extension, Participant
from .public_filters import public_cases, public_participants


def person_prefetches() -> list:
    return [
        "roles",
        Prefetch(
            "participations",
            queryset=Participant.objects.visible_to(PUBLIC)
            .filter(case__visibility__gte=PUBLIC)
            .select_related("case")
            .order_by("-case__opened_on", "pk"),
            to_attr="visible_participations",
        ),
        Prefetch(
            "charges",
            queryset=Charge.objects.visible_to(PUBLIC)
            .filter(case__visibility__gte=PUBLIC)
            .select_related("case", "article__code")
            .order_by("filed_on", "pk"),
            to_attr="visible_charges",
        ),
        Prefetch(
            "detentions",
            queryset=Detention.objects.visible_to(PUBLIC)
            .select_related("case", "assembly", "facility__location", "authority")
            .prefetch_related(
                Prefetch("extensions", queryset=Extension.objects.select_related("court"), to_attr="visible_extensions")
            )
            .order_by("-started_on", "pk"),
            to_attr="visible_detentions",
        ),
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

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        for recognition in self.object.visible_recognitions:
            standing = recognition.until is None or recognition.until >= today
            recognition.is_current = recognition.since <= today and standing
        return super().get_context_data(**kwargs)


class ProtectedPersonDetailView(PersonDetailView):
    """The same page by stable id; unprotected persons are sent to their slug URL."""

    slug_field = slug_url_kwarg = "uuid"

    def get_queryset(self):
        return Person.objects.visible_to(PUBLIC).select_related("location").prefetch_related(*person_prefetches())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.identity_protected:
            return redirect(person_url(self.object), permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


class OrganizationDetailView(PublishedDetailView):
    template_name = "people/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        members = (
            Membership.objects.visible_to(PUBLIC)
            .filter(person__visibility__gte=PUBLIC)
            .select_related("person")
            .order_by("person__name_latin", "since", "pk")
        )
        return (
            Organization.objects.visible_to(PUBLIC)
            .select_related("location", "banned_by")
            .prefetch_related(
                Prefetch("memberships", queryset=members, to_attr="visible_memberships"),
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
        organization.visible_memberships.sort(key=lambda m: (m.person.public_name.casefold(), m.pk))
        members_cases = public_cases().filter(
            pk__in=public_participants()
            .filter(
                person__memberships__organization=organization,
                person__memberships__visibility__gte=PUBLIC,
            )
            .values("case")
        )
        court_cases = public_cases().filter(court=organization) if organization.kind == "court" else Case.objects.none()
        return super().get_context_data(
            members_cases=members_cases[:PAGE_SIZE],
            members_cases_count=members_cases.count(),
            court_cases=court_cases[:PAGE_SIZE],
            court_cases_count=court_cases.count(),
            **kwargs,
        )
