"""The public search page: one box for persons (any script), cases, organizations,
assemblies and legal articles, all ``visible_to(Visibility.PUBLIC)``.

Never cached (a cached answer would tell that someone searched that name recently), so
built on every request: persons, cases, the cases' first participants, organizations,
assemblies and articles, each loading only what its rows print, as plain tuples. On
PostgreSQL none of them is built by the ORM per request, and they are one statement
whatever matches: the five text searches are compiled once per process and run together
(``kazmonitor.search.search_groups``), each case row carrying its first participants
(``first_people``); a text with a "." reads the articles in a second one. Elsewhere they
are six queries. The rows are
written in Python (``cases.templatetags.search_results``; docs/performance.md, "The
public search built from scratch")."""

import datetime
import uuid
from collections import defaultdict
from typing import NamedTuple

from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, StringAgg, Subquery, Value, Window
from django.db.models.functions import JSONObject, RowNumber
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from kazmonitor.models import Translatable
from kazmonitor.public_views import PUBLIC
from kazmonitor.search import is_short, name_key, search_groups
from people.models import Organization, Person, public_name_order, whole_name

from .models import Assembly, Case, LegalArticle
from .models.assembly import assembly_text_matches
from .public_filters import ROW_PERSON, QuickTextInput, RowPerson, public_participants, search_cases

LIMIT = 20  # rows per group
PEOPLE_SHOWN = 5  # people named in a case row ("…" when there are more)
TITLES = ("title", "title_en", "title_ru", "title_kk")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, strip=True, widget=QuickTextInput)


class PersonRow(NamedTuple):
    pk: int
    person: RowPerson  # what the row prints of the person: a protected one only by pseudonym
    roles_text: str  # "activist, journalist"

    @property
    def public_name(self) -> str:
        return self.person.public_name


class Place(NamedTuple):
    name: str
    name_local: str


class CaseRow(NamedTuple):
    pk: int
    slug: str
    title: str
    title_en: str
    title_ru: str
    title_kk: str
    kind: str
    status: str
    opened_on: datetime.date | None
    opened_on_precision: str
    location: Place | None
    people: list[tuple[str, RowPerson]]  # (role, person): the first PEOPLE_SHOWN published participants
    more_people: bool

    translated = Translatable.translated


class OrganizationRow(NamedTuple):
    slug: str
    name: str
    abbreviation: str


class AssemblyRow(NamedTuple):
    slug: str
    title: str
    title_en: str
    title_ru: str
    title_kk: str
    held_on: datetime.date | None
    held_on_precision: str

    translated = Translatable.translated


class ArticleRow(NamedTuple):
    slug: str
    number: str
    part: str
    title: str
    title_en: str
    title_ru: str
    title_kk: str
    code_short_name: str

    label = LegalArticle.label
    translated = Translatable.translated


# What a row of each group prints, in the order of its tuple, and nothing more.
PERSON_ROW = ("id", "uuid", "slug", "name", "name_latin", "identity_protected", "pseudonym", "role_names")
CASE_ROW = ("id", "slug", *TITLES, "kind", "status", "opened_on", "opened_on_precision")
LOCATION_ROW = ("location_id", "location__name", "location__name_local")
ORGANIZATION_ROW = ("slug", "name", "abbreviation")
ASSEMBLY_ROW = ("slug", *TITLES, "held_on", "held_on_precision")
ARTICLE_ROW = ("slug", "number", "part", *TITLES, "code__short_name")


def role_names() -> Subquery:
    """A person's role names, in a column of the person query instead of a prefetch
    query; joined by ``_UNIT`` (``roles_text`` makes the row's "activist, journalist")."""
    roles = Person.roles.through.objects.filter(person=OuterRef("pk")).order_by()
    ordered = {"order_by": "role__name"} if connection.features.supports_aggregate_order_by_clause else {}
    names = roles.values("person").annotate(names=StringAgg("role__name", Value(_UNIT), **ordered))
    return Subquery(names.values("names"))


def roles_text(names: str | None) -> str:
    """In name order, as ``Role.Meta.ordering`` (SQLite before 3.44 cannot order an
    aggregate: sorted here, which only a name with capitals could tell apart)."""
    names = names.split(_UNIT) if names else []
    ordered = connection.features.supports_aggregate_order_by_clause
    return ", ".join(names if ordered else sorted(names))


_UNIT = "\x1f"  # the unit separator: never in a name


def _columns(row: dict, names: tuple[str, ...]) -> list:
    return [row[name] for name in names]


# A case row's first participants: in the case list's order (role, the name the public
# sees, then id), ``PEOPLE_SHOWN`` + 1 of them so that "…" can tell there are more.
PEOPLE_ORDER = ("role", public_name_order("person__"), "pk")
PERSON_KEYS = ("uuid", "slug", "name", "name_latin", "identity_protected", "pseudonym")  # RowPerson's


def first_people() -> ArraySubquery:
    """On PostgreSQL, a column of each case row: its first participants as JSON objects
    (role and ``RowPerson``'s keys). Read in the case query itself, they cost neither a
    statement of their own nor a window over all the cases' participants: ~0.3 ms less
    per search page (docs/performance.md, "One statement for five searches")."""
    person = {key: F(f"person__{key}") for key in PERSON_KEYS}
    first = public_participants().filter(case=OuterRef("pk")).order_by(*PEOPLE_ORDER)
    return ArraySubquery(first.values(shown=JSONObject(role=F("role"), **person))[: PEOPLE_SHOWN + 1])


def first_participants_query(case_ids) -> QuerySet:
    """Elsewhere, the same for all the rows at once: a window, so a mass trial sends six
    rows."""
    position = Window(RowNumber(), partition_by=F("case_id"), order_by=list(PEOPLE_ORDER))
    first = public_participants().filter(case_id__in=case_ids).annotate(position=position)
    first = first.filter(position__lte=PEOPLE_SHOWN + 1).order_by("case_id", *PEOPLE_ORDER)
    return first.values_list("case_id", "role", *ROW_PERSON, "person__pseudonym")


class SearchView(TemplateView):
    """One box for everything: persons (any script), cases, organizations, assemblies
    and legal articles."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        context = super().get_context_data(form=form, **kwargs)
        if form.is_valid():
            context["results"] = self.search(form.cleaned_data["q"])
        return context

    def search(self, text: str) -> dict:
        """The five groups' rows, on PostgreSQL from one statement (``search_groups``)."""
        searches = {
            "persons": ("search persons", persons_query),
            "cases": ("search cases", cases_query),
            "organizations": ("search organizations", organizations_query),
            "assemblies": ("search assemblies", assemblies_query),
        }
        # "274.4": the number is a part of the text, not a form the compiled query knows
        articles = list(articles_query(text)) if "." in text else None
        if articles is None:
            searches["articles"] = ("search articles", articles_query)
        rows = search_groups(searches, text)
        return {
            "persons": self.persons(rows["persons"]),
            "cases": self.cases(rows["cases"]),
            "organizations": [OrganizationRow(*_columns(row, ORGANIZATION_ROW)) for row in rows["organizations"]],
            "assemblies": [AssemblyRow(*_columns(row, ASSEMBLY_ROW)) for row in rows["assemblies"]],
            "articles": [
                ArticleRow(*_columns(row, ARTICLE_ROW)) for row in (rows["articles"] if articles is None else articles)
            ],
        }

    def persons(self, rows: list[dict]) -> list[PersonRow]:
        return [
            PersonRow(row["id"], RowPerson(*_columns(row, PERSON_ROW[1:-1])), roles_text(row["role_names"]))
            for row in rows
        ]

    def cases(self, rows: list[dict]) -> list[CaseRow]:
        people = None if rows and "people" in rows[0] else self.first_participants([row["id"] for row in rows])
        cases = []
        for row in rows:
            place = Place(row["location__name"], row["location__name_local"]) if row["location_id"] else None
            named = people[row["id"]] if people is not None else [_person(found) for found in row["people"]]
            cases.append(CaseRow(*_columns(row, CASE_ROW), place, named[:PEOPLE_SHOWN], len(named) > PEOPLE_SHOWN))
        return cases

    def first_participants(self, case_ids: list[int]) -> dict[int, list[tuple[str, RowPerson]]]:
        """Each case's first participants (``first_participants_query``), as (role, person);
        no query for no cases."""
        found = defaultdict(list)
        if case_ids:
            for case_id, role, *person in first_participants_query(case_ids):
                found[case_id].append((role, RowPerson(*person)))
        return found


def _person(found: dict) -> tuple[str, RowPerson]:
    """(role, person) of a participant ``first_people`` read as JSON."""
    return found["role"], RowPerson(uuid.UUID(found["uuid"]), *(found[key] for key in PERSON_KEYS[1:]))


def persons_query(text: str) -> QuerySet:
    """Best match first (``Person.objects.search``), each with its role names."""
    found = Person.objects.visible_to(PUBLIC).search(text).annotate(role_names=role_names())
    return found.values(*PERSON_ROW)[:LIMIT]


def cases_query(text: str) -> QuerySet:
    """Newest first, as the case list. A row names the first ``PEOPLE_SHOWN`` published
    participants ("…" when there are more; ``first_people``) and no articles: a mass
    trial's hundred defendants and their charges are the case page's, and were most of
    the cost of a search (docs/performance.md)."""
    found = Case.objects.visible_to(PUBLIC).filter(search_cases(text)).order_by("-opened_on", "title", "pk")
    found = found.values(*CASE_ROW, *LOCATION_ROW)
    if connection.vendor == "postgresql":
        found = found.annotate(people=first_people())
    return found[:LIMIT]


def organizations_query(text: str) -> QuerySet:
    """By name, local name or abbreviation in any script (``name_key`` is the three keys
    joined by " | "); one or two letters only as a whole one of them."""
    key = name_key(text)
    if not key:
        return Organization.objects.none().values(*ORGANIZATION_ROW)
    whole = whole_name(key) | Q(name_key__contains=f"| {key} |")
    found = whole if is_short(key) else Q(name_key__contains=key)
    return Organization.objects.visible_to(PUBLIC).filter(found).values(*ORGANIZATION_ROW)[:LIMIT]


def assemblies_query(text: str) -> QuerySet:
    """By title in any language or topic; not for one or two letters."""
    if is_short(text):
        return Assembly.objects.none().values(*ASSEMBLY_ROW)
    found = Assembly.objects.visible_to(PUBLIC).filter(assembly_text_matches(text))
    return found.values(*ASSEMBLY_ROW)[:LIMIT]


def articles_query(text: str) -> QuerySet:
    """By number ("274.4" finds article 274) or title in any language; one or two letters
    by number only."""
    found = Q(number=text.split(".")[0].strip())
    if not is_short(text):
        for field in TITLES:
            found |= Q(**{f"{field}__icontains": text})
    return LegalArticle.objects.filter(found).values(*ARTICLE_ROW)[:LIMIT]
