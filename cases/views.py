"""The public site: home, cases, legal articles, assemblies, people in custody,
search and robots.txt. Everything starts from ``visible_to(Visibility.PUBLIC)``."""

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView

from kazmonitor import generation
from kazmonitor.public_views import PAGE_SIZE, PUBLIC, CappedPaginator, PublishedDetailView, kept
from people.models import Organization, Person
from people.views import political_prisoners

from . import statistics
from .api_facts import load_case_facts
from .facts import case_timeline, visible_org, visible_sources
from .models import Assembly, Case, Detention, Extension, LegalArticle
from .models.custody import OPEN_ENDED
from .public_filters import CaseFilterForm, public_cases, public_charges


def public_detentions():
    return Detention.objects.visible_to(PUBLIC).filter(person__visibility__gte=PUBLIC)


def detained_now():
    return public_detentions().in_custody_on(timezone.localdate())


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        # Four counts over whole tables (a few hundred ms at national scale): kept until
        # the records change (the content generation) or the day does.
        key = f"home-figures:{generation.current()}:{today.isoformat()}"
        context["figures"] = cache.get(key)
        if context["figures"] is None:
            context["figures"] = self.figures(today)
            cache.set(key, context["figures"], statistics.CACHE_SECONDS)
        context["year"] = today.year
        context["recent_cases"] = public_cases().order_by("-updated_at", "pk")[:10]
        return context

    @staticmethod
    def figures(today) -> dict[str, int]:
        return {
            "detained": Person.objects.filter(pk__in=detained_now().values("person")).count(),
            "active_cases": Case.objects.visible_to(PUBLIC).active().count(),
            "political_prisoners": political_prisoners().count(),
            "dispersed": Assembly.objects.visible_to(PUBLIC)
            .filter(outcome=Assembly.Outcome.DISPERSED, held_on__year=today.year)
            .count(),
        }


class CaseListView(ListView):
    template_name = "cases/case_list.html"
    paginate_by = PAGE_SIZE
    paginator_class = CappedPaginator

    def get_queryset(self):
        self.form = CaseFilterForm(self.request.GET or None)
        self.form.is_valid()
        return self.form.filter(public_cases())

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


class CaseDetailView(PublishedDetailView):
    template_name = "cases/case_detail.html"

    def get_queryset(self):
        return Case.objects.visible_to(PUBLIC).select_related("location__parent", "court")

    def get_context_data(self, **kwargs):
        case = self.object
        # What ``prefetch_related(*case_fact_prefetches(PUBLIC))`` would put on the case, in
        # at most 8 queries (12 prefetches for a case with every kind of fact) compiled once.
        load_case_facts(case, PUBLIC)
        # By the name the public sees, so a pseudonym's place says nothing about the real name.
        case.visible_participants.sort(key=lambda p: (p.role, p.person.public_name.casefold(), p.pk))
        sentences = {sentence.pk: sentence for sentence in case.visible_sentences}
        for sentence in case.visible_sentences:
            sentence.replaced_sentence = sentences.get(sentence.replaces_id)
        return super().get_context_data(
            timeline=case_timeline(case, PUBLIC),
            court=visible_org(case.court, PUBLIC),
            **kwargs,
        )


class ArticleListView(ListView):
    template_name = "cases/legalarticle_list.html"

    def get_queryset(self):
        used = Q(
            charges__visibility__gte=PUBLIC,
            charges__defendant__visibility__gte=PUBLIC,
            charges__case__visibility__gte=PUBLIC,
        )
        articles = LegalArticle.objects.select_related("code").annotate(
            case_count=Count("charges__case", filter=used, distinct=True)
        )
        # Counted over every charge (~0.5 s at national scale): kept until the records change.
        return kept("article-list", lambda: list(articles))


class ArticleDetailView(PublishedDetailView):
    template_name = "cases/legalarticle_detail.html"
    queryset = LegalArticle.objects.select_related("code")

    def get_context_data(self, **kwargs):
        """Every case that used the article, a page at a time (an out-of-range page
        number shows the last page)."""
        cases = public_cases().filter(pk__in=public_charges().filter(article=self.object).values("case"))
        paginator = Paginator(cases, PAGE_SIZE)
        # Counted over every charge under the article (~0.2 s for a common one at national
        # scale): kept until the records change.
        paginator.count = kept(f"article-case-count:{self.object.pk}", lambda: paginator.count)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            cases=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            **kwargs,
        )


class AssemblyFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1991, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", _("any")), *Assembly.Outcome.choices]


class AssemblyListView(ListView):
    template_name = "cases/assembly_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.form = AssemblyFilterForm(self.request.GET or None)
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        assemblies = Assembly.objects.visible_to(PUBLIC).select_related("location").order_by("-held_on", "pk")
        if outcome := data.get("outcome"):
            assemblies = assemblies.filter(outcome=outcome)
        if year := data.get("year"):
            assemblies = assemblies.filter(held_on__year=year)
        return assemblies

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)


class AssemblyDetailView(PublishedDetailView):
    template_name = "cases/assembly_detail.html"

    def get_queryset(self):
        return (
            Assembly.objects.visible_to(PUBLIC)
            .select_related("location")
            .prefetch_related(
                Prefetch("organizers", queryset=Organization.objects.visible_to(PUBLIC), to_attr="visible_organizers"),
                Prefetch(
                    "detentions",
                    queryset=public_detentions().select_related("person").order_by("started_on", "pk"),
                    to_attr="visible_detentions",
                ),
                visible_sources(PUBLIC),
                "tags",
            )
        )


DETAINED_ORDER = ("started_on", "person_id", "pk")  # held longest first


def held_page(rows, start: int, stop: int) -> list:
    """``rows[start:stop]`` of people held today (``detained_now()``, ``DETAINED_ORDER``).

    Most of them are in open detentions with no court extension, whose ``held_until``
    is ``OPEN_ENDED``: in ``detention_held_until_idx (held_until, started_on, person)``
    they are one stretch already in this order, so the page is read from its start.
    The others (an extension or an end date reaching today or later, a few) are sorted
    and merged in (PostgreSQL: ``Merge Append`` of the two, each cut at ``stop``). One
    query over all held detentions either walks the oldest-first index past every
    detention that began before them or sorts every held one (60–160 ms at national
    scale). Databases that cannot order and cut each part of a UNION (SQLite) read
    the plain slice."""
    if not connection.features.supports_slicing_ordering_in_compound:
        return list(rows[start:stop])
    open_ended = rows.filter(held_until=OPEN_ENDED)[:stop]
    dated = rows.filter(held_until__lt=OPEN_ENDED)  # not cut: an index scan in this order would walk them all
    return list(open_ended.union(dated, all=True).order_by(*DETAINED_ORDER)[start:stop])


class DetainedListView(ListView):
    """People in custody today, with since when and for how many days so far."""

    template_name = "cases/detained_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            detained_now().select_related("person", "case", "facility__location", "authority").order_by(*DETAINED_ORDER)
        )

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        # Everyone in custody counted (~130 ms at national scale): kept until the records
        # change or the day does.
        paginator.count = kept(f"detained-count:{timezone.localdate().isoformat()}", lambda: paginator.count)
        return paginator

    def paginate_queryset(self, queryset, page_size):
        paginator, page, _rows, is_paginated = super().paginate_queryset(queryset, page_size)
        start = page.start_index() - 1 if paginator.count else 0
        page.object_list = held_page(queryset, start, start + page_size)
        extensions = Extension.objects.select_related("court")
        prefetch_related_objects(page.object_list, Prefetch("extensions", extensions, to_attr="visible_extensions"))
        return paginator, page, page.object_list, is_paginated


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    rules = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Disallow: /search/", "Allow: /"]
    lines = [*rules, f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class StatisticsView(TemplateView):
    template_name = "cases/statistics.html"

    def get_context_data(self, **kwargs):
        figures = statistics.figures()
        return super().get_context_data(figures=figures, **kwargs)


@require_safe
def statistics_csv(request, figure):
    build = statistics.FIGURES.get(figure)
    if build is None:
        raise Http404("No such figure.")
    response = HttpResponse(build().csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kazmonitor-{figure}.csv"'
    return response
