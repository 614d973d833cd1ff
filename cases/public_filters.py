"""The public case list's filters: a plain form over the query string, so filters
combine, survive in the URL and report bad values instead of failing."""

import uuid
from collections import defaultdict
from functools import cache as cache_on_first_call
from functools import partial
from html import escape
from typing import NamedTuple

from django import forms
from django.db.models import Min, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kazmonitor.api.ids import parse_uuid
from kazmonitor.models import Location, Tag, Visibility
from kazmonitor.public_views import kept
from kazmonitor.search import among, among_search
from kazmonitor.templatetags.site import place
from people.filters import person_by_api_id
from people.models import Organization, Person, public_name_order

from .models import Case, Charge, LegalArticle, Participant

PUBLIC = Visibility.PUBLIC

FREEDOMS = {
    "expression": "affects_expression",
    "association": "affects_association",
    "assembly": "affects_assembly",
}
ACTIVE = "active"


def _attrs(attrs: dict) -> str:
    """Django's ``widgets/attrs.html``: in order, ``True`` as a bare name, ``False`` left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickInput:
    """Django's ``widgets/input.html`` written in Python: the filter form rendered a
    template (and an included one) for each of its five inputs. Same HTML."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 — every value escaped
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class QuickHiddenInput(QuickInput, forms.HiddenInput):
    pass


DATE_INPUT = QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuickSelect(forms.Select):
    """Django's ``Select`` with its options written in Python. Django renders two
    templates per option, and builds a dictionary of attributes per option even without
    them; at about a hundred options the filter form cost ~25 ms of every case list page
    (docs/performance.md). Same HTML, same attributes; no option groups (none here)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        options, found = [], False
        for option_value, option_label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not found and option_value in chosen  # the first match only, as Django
            found = found or selected
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{conditional_escape(option_label)}</option>"
            )
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{"".join(options)}</select>')  # noqa: S308


class ListedChoices(ModelChoiceIterator):
    """The choices in one plain query; Django's iterator opens a server-side cursor
    (three round trips on PostgreSQL) for a few dozen rows. A field given ``listed``
    (``CaseFilterForm``) reads its (value, label) pairs from there instead."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.listed is not None:
            yield from self.field.listed()
            return
        for obj in self.queryset.all():
            yield self.choice(obj)


class SlugChoiceField(forms.ModelChoiceField):
    """A choice addressed by slug in the URL, labelled in the active language."""

    iterator = ListedChoices
    widget = QuickSelect

    def __init__(self, queryset, label_from=str, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, **kwargs)
        self.error_messages["invalid_choice"] = _("“%(value)s” is not known here; it may have been renamed or removed.")
        self.label_from = label_from
        self.listed = None

    def label_from_instance(self, obj):
        return self.label_from(obj)


# What an article's label reads (not its text in four languages).
ARTICLE_LABEL = ("slug", "number", "part", "language", "title", "title_en", "title_ru", "title_kk", "code__short_name")


def _article_label(article: LegalArticle) -> str:
    return f"{article.code.short_name} {article.label} — {article.translated('title')}"


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, widget=QuickTextInput)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    article = SlugChoiceField(
        LegalArticle.objects.select_related("code").only(*ARTICLE_LABEL),
        label_from=_article_label,
        label=_("Article"),
    )
    region = SlugChoiceField(
        Location.objects.filter(kind__in=[Location.Kind.REGION, Location.Kind.CITY]).order_by("name"),
        label_from=place,
        label=_("Region or city"),
    )
    tag = SlugChoiceField(Tag.objects.all(), label=_("Tag"))
    freedom = forms.ChoiceField(label=_("Freedom affected"), required=False, widget=QuickSelect)
    opened_from = forms.DateField(label=_("Opened from"), required=False, widget=DATE_INPUT)
    opened_to = forms.DateField(label=_("Opened until"), required=False, widget=DATE_INPUT)
    person = forms.CharField(required=False, widget=QuickHiddenInput)
    # Reached from organization pages (?organization=slug); a select of every organization
    # (1,338 at national scale) cost ~100 ms and 120 KB on every list page.
    organization = SlugChoiceField(
        Organization.objects.visible_to(PUBLIC), label=_("Organization"), widget=QuickHiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_choice = [("", _("any"))]
        self.fields["kind"].choices = any_choice + list(Case.Kind.choices)
        self.fields["status"].choices = any_choice + [(ACTIVE, _("active (investigation, trial or appeal)"))]
        self.fields["status"].choices += list(Case.Status.choices)
        self.fields["freedom"].choices = any_choice + [
            ("expression", _("freedom of expression")),
            ("association", _("freedom of association")),
            ("assembly", _("freedom of peaceful assembly")),
        ]
        for name in ("article", "region", "tag", "organization"):
            self.fields[name].empty_label = _("any")
        listed = {name: self.fields[name] for name in LISTED}
        lists = cache_on_first_call(lambda: _choice_lists(listed))
        for name, field in listed.items():
            field.listed = partial(_pairs_of, lists, name)

    def clean_person(self) -> Person | None:
        value = self.cleaned_data["person"].strip()
        if not value:
            return None
        people = Person.objects.visible_to(PUBLIC)
        if parse_uuid(value) is not None:
            found = person_by_api_id(people, value)  # a protected person by the masked id only
        else:
            found = people.filter(slug=value, identity_protected=False).first()
        if found is None:
            raise forms.ValidationError(_("No published person matches this link."))
        return found

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("The end of the date range is before its start."))
            data.pop("opened_from", None)
        return data

    def filter(self, cases: QuerySet) -> QuerySet:
        """Apply every valid filter; invalid ones are reported by the form and ignored."""
        data = self.cleaned_data if self.is_bound else {}
        if text := data.get("q"):
            cases = cases.filter(search_cases(text))
        if kind := data.get("kind"):
            cases = cases.filter(kind=kind)
        if status := data.get("status"):
            cases = cases.active() if status == ACTIVE else cases.filter(status=status)
        if article := data.get("article"):
            cases = cases.filter(pk__in=public_charges().filter(article=article).values("case"))
        if region := data.get("region"):
            cases = cases.filter(Q(location=region) | Q(location__parent=region) | Q(location__parent__parent=region))
        if tag := data.get("tag"):
            cases = cases.filter(tags=tag)
        if freedom := data.get("freedom"):
            cases = cases.filter(**{FREEDOMS[freedom]: True})
        if start := data.get("opened_from"):
            cases = cases.filter(opened_on__gte=start)
        if end := data.get("opened_to"):
            cases = cases.filter(opened_on__lte=end)
        if person := data.get("person"):
            cases = cases.filter(pk__in=public_participants().filter(person=person).values("case"))
        if organization := data.get("organization"):
            # The court's cases by their column, the members' cases as one array of ids
            # read by index (``among``): with ``id IN (subquery)`` in the OR, PostgreSQL
            # read every case testing each row against it, 150–800 ms of SQL a page at
            # national scale; now it ORs two index scans, or walks the date index for a
            # court with thousands of cases (docs/performance.md).
            members = member_participations(organization).values("case")
            cases = cases.filter(Q(court=organization) | among("pk", members))
        return cases

    @property
    def applied(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)


# The selects of records (legal articles, places, tags) on every case list page: their
# (value, label) pairs in the reader's language, kept until the records change
# (``kept``). Built, they cost three queries and ~100 model instances.
LISTED = ("article", "region", "tag")


def _choice_lists(fields: dict[str, SlugChoiceField]) -> dict[str, list[tuple[str, str]]]:
    def build():
        return {
            name: [(field.prepare_value(obj), str(field.label_from_instance(obj))) for obj in field.queryset.all()]
            for name, field in fields.items()
        }

    return kept(f"case-filter-choices:{get_language()}", build)


def _pairs_of(lists, name: str) -> list[tuple[str, str]]:
    return lists()[name]


def public_charges() -> QuerySet:
    return Charge.objects.visible_to(PUBLIC).filter(defendant__visibility__gte=PUBLIC)


def public_participants() -> QuerySet:
    return Participant.objects.visible_to(PUBLIC).filter(person__visibility__gte=PUBLIC)


def member_participations(organization: Organization) -> QuerySet:
    """The published participations of published persons with a public membership of
    ``organization`` (one membership row both of the organization and public): whose
    cases are "the cases of its members" on its page and in the case list."""
    return public_participants().filter(
        person__memberships__organization=organization, person__memberships__visibility__gte=PUBLIC
    )


def search_cases(text: str) -> Q:
    """Cases whose title or summary (in any language) contains ``text``, or that name a
    published person matching it in any script (protected persons only by pseudonym).
    ``Case.objects.search`` unites indexed lookups (docs/performance.md)."""
    return among_search("pk", "public case ids", lambda text: Case.objects.search_ids(text, level=PUBLIC), text)


# What a row of a case list (templates/includes/case_rows.html) reads, and nothing more:
# persons and articles carry long texts (biographies, article text in four languages)
# that a row never shows; loading them was most of the cost of a row.
ROW_PERSON = ("person__uuid", "person__slug", "person__name", "person__name_latin", "person__identity_protected")
ROW_ARTICLE = ("article__slug", "article__number", "article__part", "article__code__short_name")
ROW_CASE = (
    *("slug", "title", "title_en", "title_ru", "title_kk", "kind", "status"),
    *("opened_on", "opened_on_precision", "updated_at", "location__name", "location__name_local"),
)


class RowPerson(NamedTuple):
    """A person named in a case row: the columns of ``ROW_PERSON`` and the pseudonym,
    read as plain values (a row names up to a hundred; model instances cost ~10 µs each)."""

    uuid: uuid.UUID
    slug: str
    name: str
    name_latin: str
    identity_protected: bool
    pseudonym: str

    public_name = Person.public_name  # the model's own rule: a protected person only by pseudonym


class RowArticle(NamedTuple):
    slug: str
    number: str
    part: str
    code_short_name: str

    label = LegalArticle.label


def row_people(case_ids: list[int]) -> dict[int, list[tuple[str, RowPerson]]]:
    """Each case's published participants as (role, person), in list order: by role,
    then by the name the public sees (``public_name_order``)."""
    found = defaultdict(list)
    rows = (
        public_participants()
        .filter(case__in=case_ids)
        .order_by("role", public_name_order("person__"), "pk")
        .values_list("case", "role", *ROW_PERSON, "person__pseudonym")
    )
    for case_id, role, *person in rows:
        found[case_id].append((role, RowPerson(*person)))
    return found


def row_articles(case_ids: list[int]) -> dict[int, list[RowArticle]]:
    """The legal articles of each case's published charges, each once, by number (then
    by the article's first charge): a mass trial charges a hundred defendants under the
    same three."""
    found = defaultdict(list)
    rows = (
        public_charges()
        .filter(case__in=case_ids)
        .values("case", "article")
        .annotate(first=Min("pk"))
        .order_by("article__number", "first")
        .values_list("case", *ROW_ARTICLE)
    )
    for case_id, *article in rows:
        found[case_id].append(RowArticle(*article))
    return found


def public_cases() -> QuerySet:
    """Published cases, newest first, with what a row shows (``row_people`` and
    ``row_articles`` add their people and articles when the rows are written)."""
    return (
        Case.objects.visible_to(PUBLIC).select_related("location").only(*ROW_CASE).order_by("-opened_on", "title", "pk")
    )
