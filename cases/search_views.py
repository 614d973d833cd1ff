"""The public search page: one box for persons (any script), cases, organizations,
assemblies and legal articles, all ``visible_to(Visibility.PUBLIC)``."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from kazmonitor.public_views import PUBLIC
from kazmonitor.search import name_key
from people.models import Organization, Person

from .models import Assembly, LegalArticle
from .public_filters import public_cases, search_cases


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, strip=True)


class SearchView(TemplateView):
    """One box for everything: persons (any script), cases, organizations, assemblies
    and legal articles."""

    template_name = "search.html"
    limit = 20

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        context = super().get_context_data(form=form, **kwargs)
        if form.is_valid():
            context["results"] = self.search(form.cleaned_data["q"])
        return context

    def search(self, text: str) -> dict:
        key = name_key(text)
        words = Q()
        for field in ("title", "title_en", "title_ru", "title_kk", "topic"):
            words |= Q(**{f"{field}__icontains": text})
        article_words = Q(title__icontains=text) | Q(title_en__icontains=text) | Q(title_ru__icontains=text)
        article_words |= Q(title_kk__icontains=text) | Q(number=text.split(".")[0].strip())
        limit = self.limit
        return {
            "persons": list(
                Person.objects.visible_to(PUBLIC).search(text).prefetch_related("roles")[:limit]  # best match first
            ),
            "cases": list(public_cases().filter(search_cases(text))[:limit]),
            "organizations": list(
                Organization.objects.visible_to(PUBLIC).filter(name_key__contains=key)[:limit] if key else []
            ),
            "assemblies": list(Assembly.objects.visible_to(PUBLIC).filter(words).select_related("location")[:limit]),
            "articles": list(LegalArticle.objects.select_related("code").filter(article_words)[:limit]),
        }
