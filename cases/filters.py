"""API filters for cases and their facts. A filter that reaches through another
record (a charge, a participant, a detention) only counts that record when it, and
the person it names, are visible to the reader: filtering never reveals a hidden fact."""

import re

import django_filters
from django import forms
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q
from drf_spectacular.utils import extend_schema_field

from cases.models import Assembly, Case, Charge, Detention, Event, Extension, LegalArticle, Participant, Sentence
from cases.models.assembly import assembly_text_matches
from kazmonitor.api.filters import ApiFilterSet, BooleanFilter, SinceFilter, TextFilter
from kazmonitor.models import Certainty
from kazmonitor.search import among
from people.filters import LocationFilter, PersonFilter, PersonIdFilter

ARTICLE = re.compile(r"^(?P<number>[0-9]{1,5}(?:-[0-9]{1,3})?)(?:\.(?P<part>[0-9]{1,3}))?$")
FREEDOM_FIELDS = {
    "expression": "affects_expression",
    "association": "affects_association",
    "assembly": "affects_assembly",
}


class ArticleField(forms.CharField):
    default_error_messages = {"invalid": "Use an article number, optionally with its part: 405 or 274.4."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not ARTICLE.match(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def article_q(value: str, prefix: str = "") -> Q:
    """``405`` matches every part of article 405; ``274.4`` only part 4."""
    match = ARTICLE.match(value)
    condition = Q(**{f"{prefix}number": match["number"]})
    if match["part"]:
        condition &= Q(**{f"{prefix}part": match["part"]})
    return condition


@extend_schema_field({"type": "string", "pattern": ARTICLE.pattern})
class ArticleFilter(django_filters.Filter):
    field_class = ArticleField


class CodeFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "Legal code short name, e.g. CC or CAO.")
        super().__init__(*args, **kwargs)


class ArticleFilters(ApiFilterSet):
    """``article=`` and ``code=`` through the reader's visible charges."""

    article = ArticleFilter(method="filter_article", label="Charged under this article: 405 or 274.4.")
    code = CodeFilter(method="filter_code")
    charge_path = "pk"  # how a visible charge points at the filtered record

    def visible_charges(self):
        return Charge.objects.visible_to(self.level).filter(
            case__visibility__gte=self.level, defendant__visibility__gte=self.level
        )

    def _through_charges(self, queryset, condition):
        return queryset.filter(pk__in=self.visible_charges().filter(condition).values(self.charge_path))

    def filter_article(self, queryset, name, value):
        return self._through_charges(queryset, article_q(value, "article__"))

    def filter_code(self, queryset, name, value):
        return self._through_charges(queryset, Q(article__code__short_name__iexact=value))


class DetainedOnFilter(django_filters.DateFilter):
    """In custody on this day: detention started by then and not ended before it (open
    detentions count as ongoing; an extended detention stays open until its end)."""

    # Cases (PostgreSQL): for a day in the current custody period, many of the newest
    # cases have someone held, and walking the list newest first, checking each case,
    # fills a page at once (26 ms). For an earlier day they are rare at the top (none
    # in the first 48,000 cases for 2022-01-10, 109,000 for 2019-06-01 at full scale),
    # and the walk takes seconds: there the held cases are read first, then ordered.
    # The planner cannot tell the two apart (it takes held cases to be spread evenly
    # over the list, even with exact counts), so the first ``PROBE_CASES`` cases of the
    # list, newest first, are checked: ``PROBE_HELD`` or more held among them, walk.
    PROBE_CASES = 100
    PROBE_HELD = 10

    def __init__(self, *args, path: str = "pk", **kwargs):
        self.path = path
        kwargs.setdefault("label", "In custody on this day (YYYY-MM-DD), counting open and extended detentions.")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        level = self.parent.level
        held = Detention.objects.visible_to(level).filter(person__visibility__gte=level).in_custody_on(value)
        if self.path == "pk" and qs.model is Detention:
            # The listed detentions themselves: the same conditions on the list's own rows,
            # not a semi-join of the table with itself (seconds at 500,000 detentions).
            return qs.visible_to(level).filter(person__visibility__gte=level).in_custody_on(value)
        if (
            self.path == "case_id"
            and connections[qs.db].vendor == "postgresql"
            and not self._common_among_newest(qs, held)
        ):
            return qs.filter(among("pk", held.values(self.path)))
        return qs.filter(pk__in=held.values(self.path))

    def _common_among_newest(self, cases, held) -> bool:
        """Whether ``PROBE_HELD`` of the first ``PROBE_CASES`` cases of the list, newest
        first, had someone held: one query, an index probe per case until enough found."""
        newest = cases.prefetch_related(None).order_by(F("opened_on").desc(nulls_first=True), "pk")
        first = newest.values("pk")[: self.PROBE_CASES]
        found = cases.model._default_manager.filter(pk__in=first).filter(Exists(held.filter(case=OuterRef("pk"))))
        return found[: self.PROBE_HELD].count() == self.PROBE_HELD


class TagFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("label", "Tag slug.")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        tagged = qs.model.tags.through.objects.filter(tag__slug=value)
        return qs.filter(pk__in=tagged.values(f"{qs.model._meta.model_name}_id"))


def _fact_changed(model, fk: str, since) -> Exists:
    return Exists(model.objects.filter(**{fk: OuterRef("pk"), "updated_at__gte": since}))


class CaseFilter(ArticleFilters):
    charge_path = "case_id"

    q = TextFilter(method="filter_q", label="Words in the title, or the name of a person in the case (any script).")
    kind = django_filters.ChoiceFilter(choices=Case.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)
    freedom = django_filters.ChoiceFilter(
        method="filter_freedom", choices=[(k, k) for k in FREEDOM_FIELDS], label="Freedom affected."
    )
    tag = TagFilter()
    location = LocationFilter(field_name="location")
    court = django_filters.UUIDFilter(field_name="court__uuid", label="Court (organization id).")
    person = django_filters.UUIDFilter(method="filter_person", label="A person in the case (person id).")
    assembly = django_filters.UUIDFilter(method="filter_assembly", label="Detentions at this assembly (id).")
    opened_after = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte")
    opened_before = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte")
    detained_on = DetainedOnFilter(path="case_id")

    class Meta:
        model = Case
        fields = []

    def filter_updated_since(self, queryset, name, value):
        """A case counts as changed when it or any fact on it changed."""
        changed = Q(updated_at__gte=value)
        for model in (Participant, Charge, Sentence, Detention, Event):
            changed |= Q(_fact_changed(model, "case", value))
        return queryset.filter(changed)

    def filter_q(self, queryset, name, value):
        fields = ("title", "title_en", "title_ru", "title_kk", "case_number")
        found = Case.objects.search(value, level=self.level, fields=fields)
        return queryset.filter(pk__in=found.values("pk"))

    def filter_freedom(self, queryset, name, value):
        return queryset.filter(**{FREEDOM_FIELDS[value]: True})

    def filter_person(self, queryset, name, value):
        from people.filters import person_pks

        participants = Participant.objects.visible_to(self.level).filter(person__in=person_pks(value, self.level))
        return queryset.filter(pk__in=participants.values("case_id"))

    def filter_assembly(self, queryset, name, value):
        held = Detention.objects.visible_to(self.level).filter(
            person__visibility__gte=self.level, assembly__uuid=value, assembly__visibility__gte=self.level
        )
        return queryset.filter(pk__in=held.values("case_id"))


class PersonWithCasesFilter(PersonFilter, ArticleFilters):
    """Persons, plus the filters that reach into cases."""

    charge_path = "defendant_id"

    case = django_filters.UUIDFilter(method="filter_case", label="In this case (case id).")
    detained_on = DetainedOnFilter(path="person_id")

    class Meta(PersonFilter.Meta):
        pass

    def filter_case(self, queryset, name, value):
        participants = Participant.objects.visible_to(self.level).filter(
            case__uuid=value, case__visibility__gte=self.level
        )
        return queryset.filter(pk__in=participants.values("person_id"))


def _date_range(field: str, label: str):
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="gte", label=f"{label} on or after (YYYY-MM-DD)."),
        django_filters.DateFilter(field_name=field, lookup_expr="lte", label=f"{label} on or before (YYYY-MM-DD)."),
    )


class ChargeFilter(ApiFilterSet):
    updated_paths = ("updated_at", "case__updated_at", "defendant__updated_at")

    case = django_filters.UUIDFilter(field_name="case__uuid", label="Case id.")
    person = PersonIdFilter(field_name="defendant")
    article = ArticleFilter(method="filter_article", label="Article: 405 (all parts) or 274.4.")
    code = CodeFilter(field_name="article__code__short_name", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Charge.Status.choices)
    certainty = django_filters.ChoiceFilter(choices=Certainty.choices)
    filed_after, filed_before = _date_range("filed_on", "Filed")

    class Meta:
        model = Charge
        fields = []

    def filter_article(self, queryset, name, value):
        return queryset.filter(article_q(value, "article__"))


class SentenceFilter(ApiFilterSet):
    updated_paths = ("updated_at", "case__updated_at", "defendant__updated_at", "court__updated_at")

    case = django_filters.UUIDFilter(field_name="case__uuid", label="Case id.")
    person = PersonIdFilter(field_name="defendant")
    kind = django_filters.ChoiceFilter(choices=Sentence.Kind.choices)
    court = django_filters.UUIDFilter(method="filter_court", label="Court (organization id).")
    certainty = django_filters.ChoiceFilter(choices=Certainty.choices)
    sentenced_after, sentenced_before = _date_range("sentenced_on", "Verdict")

    class Meta:
        model = Sentence
        fields = []

    def filter_court(self, queryset, name, value):
        return queryset.filter(court__uuid=value, court__visibility__gte=self.level)


class DetentionFilter(ApiFilterSet):
    updated_paths = ("updated_at", "person__updated_at", "case__updated_at", "assembly__updated_at")

    case = django_filters.UUIDFilter(method="filter_case", label="Case id.")
    person = PersonIdFilter(field_name="person")
    assembly = django_filters.UUIDFilter(method="filter_assembly", label="Assembly id.")
    kind = django_filters.ChoiceFilter(choices=Detention.Kind.choices)
    authority = django_filters.UUIDFilter(method="filter_authority", label="Detaining authority (organization id).")
    location = LocationFilter(field_name="facility__location", label="Where held (facility's place or region).")
    ill_treatment_alleged = BooleanFilter()
    certainty = django_filters.ChoiceFilter(choices=Certainty.choices)
    ongoing = BooleanFilter(field_name="ended_on", lookup_expr="isnull", label="Not yet ended.")
    started_after, started_before = _date_range("started_on", "Started")
    ended_after, ended_before = _date_range("ended_on", "Ended")
    detained_on = DetainedOnFilter()

    class Meta:
        model = Detention
        fields = []

    def filter_updated_since(self, queryset, name, value):
        changed = Q(_fact_changed(Extension, "detention", value))
        for path in self.updated_paths:
            changed |= Q(**{f"{path}__gte": value})
        return queryset.filter(changed)

    def filter_case(self, queryset, name, value):
        return queryset.filter(case__uuid=value, case__visibility__gte=self.level)

    def filter_assembly(self, queryset, name, value):
        return queryset.filter(assembly__uuid=value, assembly__visibility__gte=self.level)

    def filter_authority(self, queryset, name, value):
        return queryset.filter(authority__uuid=value, authority__visibility__gte=self.level)


class AssemblyFilter(ApiFilterSet):
    q = TextFilter(method="filter_q", label="Words in the title or topic.")
    location = LocationFilter(field_name="location")
    permission = django_filters.ChoiceFilter(choices=Assembly.Permission.choices)
    outcome = django_filters.ChoiceFilter(choices=Assembly.Outcome.choices)
    organization = django_filters.UUIDFilter(method="filter_organization", label="Organizer (organization id).")
    tag = TagFilter()
    held_after, held_before = _date_range("held_on", "Held")

    class Meta:
        model = Assembly
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(assembly_text_matches(value))

    def filter_organization(self, queryset, name, value):
        organized = Assembly.organizers.through.objects.filter(
            organization__uuid=value, organization__visibility__gte=self.level
        )
        return queryset.filter(pk__in=organized.values("assembly_id"))


class EventFilter(ApiFilterSet):
    updated_paths = ("updated_at", "case__updated_at", "person__updated_at")

    case = django_filters.UUIDFilter(field_name="case__uuid", label="Case id.")
    person = PersonIdFilter(field_name="person")
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    certainty = django_filters.ChoiceFilter(choices=Certainty.choices)
    occurred_after, occurred_before = _date_range("occurred_on", "Occurred")

    class Meta:
        model = Event
        fields = []


class LegalArticleFilter(django_filters.FilterSet):
    q = TextFilter(method="filter_q", label="Words in the title (any language).")
    code = CodeFilter(field_name="code__short_name", lookup_expr="iexact")
    article = ArticleFilter(method="filter_article", label="405 (all parts) or 274.4.")
    updated_since = SinceFilter(method="filter_updated_since", label="Created or changed at or after this time.")

    class Meta:
        model = LegalArticle
        fields = []

    def filter_q(self, queryset, name, value):
        words = Q()
        for field in ("title", "title_en", "title_ru", "title_kk"):
            words |= Q(**{f"{field}__icontains": value})
        return queryset.filter(words)

    def filter_article(self, queryset, name, value):
        return queryset.filter(article_q(value))

    def filter_updated_since(self, queryset, name, value):
        changed = LegalArticle.history.filter(history_date__gte=value).values("id")
        return queryset.filter(pk__in=changed)
