"""The public search page: one box for persons (any script), cases, organizations,
assemblies and legal articles, all ``visible_to(Visibility.PUBLIC)``.

Never cached (a cached answer would tell that someone searched that name recently), so
built on every request: six queries whatever matches (persons, cases, the cases' first
participants, organizations, assemblies, articles), each loading only what its rows
print, the person and case queries compiled once per process on PostgreSQL
(``kazmonitor.search.search_rows``; docs/performance.md, "The public search built from
scratch")."""

from collections import defaultdict

from django import forms
from django.db import connection
from django.db.models import F, OuterRef, Q, StringAgg, Subquery, Value, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from kazmonitor.models import Location
from kazmonitor.public_views import PUBLIC
from kazmonitor.search import is_short, name_key, search_rows
from people.models import Organization, Person, whole_name

from .models import Assembly, Case, LegalArticle, Participant
from .public_filters import ROW_PERSON, public_participants, search_cases

# What a row of each group prints (templates/search.html), and nothing more.
CASE_ROW = ("slug", "title", "title_en", "title_ru", "title_kk", "kind", "status", "opened_on", "opened_on_precision")
LOCATION_ROW = ("location__name", "location__name_local")
PERSON_ROW = ("uuid", "slug", "name", "name_latin", "identity_protected", "pseudonym")
ORGANIZATION_ROW = ("slug", "name", "abbreviation")
ASSEMBLY_ROW = ("slug", "title", "title_en", "title_ru", "title_kk", "held_on", "held_on_precision")
ARTICLE_ROW = ("slug", "number", "part", "title", "title_en", "title_ru", "title_kk", "code__short_name")
TITLES = ("title", "title_en", "title_ru", "title_kk")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, strip=True)


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


def loaded(model, row: dict, prefix: str = ""):
    """An instance of ``model`` from a row of ``values()``: the columns named
    ``<prefix><attname>``; the others are deferred, as with ``only()``."""
    fields = [field for field in model._meta.concrete_fields if f"{prefix}{field.attname}" in row]
    values = [row[f"{prefix}{field.attname}"] for field in fields]
    return model.from_db(connection.alias, [field.attname for field in fields], values)


def participant(row: dict) -> Participant:
    """A participant with its person, from a row of ``first_participants``."""
    found = loaded(Participant, row)
    found.person = loaded(Person, row, prefix="person__")
    return found


class SearchView(TemplateView):
    """One box for everything: persons (any script), cases, organizations, assemblies
    and legal articles."""

    template_name = "search.html"
    limit = 20
    people_shown = 5

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        context = super().get_context_data(form=form, **kwargs)
        if form.is_valid():
            context["results"] = self.search(form.cleaned_data["q"])
        return context

    def search(self, text: str) -> dict:
        limit = self.limit
        return {
            "persons": self.persons(text),
            "cases": self.cases(text),
            "organizations": list(self.organizations(text)[:limit]),
            "assemblies": list(self.assemblies(text)[:limit]),
            "articles": list(self.articles(text)[:limit]),
        }

    def persons(self, text: str) -> list:
        """Best match first (``Person.objects.search``), each with ``roles_text``."""

        def build(text):
            found = Person.objects.visible_to(PUBLIC).search(text).annotate(role_names=role_names())
            return found.values("id", *PERSON_ROW, "role_names")[: self.limit]

        persons = []
        for row in search_rows("search persons", build, text):
            person = loaded(Person, row)
            person.roles_text = roles_text(row["role_names"])
            persons.append(person)
        return persons

    def cases(self, text: str) -> list:
        """Newest first, as the case list. A row names the first ``people_shown``
        published participants ("…" when there are more) and no articles: a mass trial's
        hundred defendants and their charges are the case page's, and were most of the
        cost of a search (docs/performance.md)."""

        def build(text):
            found = Case.objects.visible_to(PUBLIC).filter(search_cases(text)).order_by("-opened_on", "title", "pk")
            return found.values("id", *CASE_ROW, "location_id", "location__id", *LOCATION_ROW)[: self.limit]

        cases = []
        for row in search_rows("search cases", build, text):
            case = loaded(Case, row)
            if case.location_id is not None:
                case.location = loaded(Location, row, prefix="location__")
            cases.append(case)
        people = defaultdict(list)
        for row in self.first_participants([case.pk for case in cases]):
            people[row["case_id"]].append(row)
        shown = self.people_shown
        for case in cases:
            case.people = [participant(row) for row in people[case.pk][:shown]]
            case.more_people = len(people[case.pk]) > shown
        return cases

    def first_participants(self, case_ids: list) -> list[dict]:
        """The first ``people_shown`` + 1 published participants of each case, in the
        case list's order (role, Latin name): a window, so a mass trial sends six rows."""
        if not case_ids:
            return []
        order = ["role", "person__name_latin", "pk"]
        position = Window(RowNumber(), partition_by=F("case_id"), order_by=order)
        first = public_participants().filter(case_id__in=case_ids).annotate(position=position)
        first = first.filter(position__lte=self.people_shown + 1).order_by("case_id", *order)
        return list(first.values("id", "case_id", "role", "person__id", *ROW_PERSON, "person__pseudonym"))

    def organizations(self, text: str):
        """By name, local name or abbreviation in any script (``name_key`` is the three
        keys joined by " | "); one or two letters only as a whole one of them."""
        key = name_key(text)
        if not key:
            return Organization.objects.none()
        whole = whole_name(key) | Q(name_key__contains=f"| {key} |")
        found = whole if is_short(key) else Q(name_key__contains=key)
        return Organization.objects.visible_to(PUBLIC).filter(found).only(*ORGANIZATION_ROW)

    def assemblies(self, text: str):
        if is_short(text):
            return Assembly.objects.none()
        words = Q()
        for field in (*TITLES, "topic"):
            words |= Q(**{f"{field}__icontains": text})
        return Assembly.objects.visible_to(PUBLIC).filter(words).only(*ASSEMBLY_ROW)

    def articles(self, text: str):
        found = Q(number=text.split(".")[0].strip())
        if not is_short(text):
            for field in TITLES:
                found |= Q(**{f"{field}__icontains": text})
        return LegalArticle.objects.select_related("code").filter(found).only(*ARTICLE_ROW)
