"""sitemap.xml: every public page in every interface language. Protected persons are
left out (their pages exist by stable id, but nothing invites indexing them)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from kazmonitor.models import Visibility
from people.models import Organization, Person

from .models import Assembly, Case, LegalArticle

PUBLIC = Visibility.PUBLIC


class PublicSitemap(Sitemap):
    """One section of the sitemap index, in pages of ``limit`` records (each listed
    once per language)."""

    i18n = True
    alternates = True
    x_default = True
    limit = 2000

    def lastmod(self, item):
        return getattr(item, "updated_at", None)

    def get_latest_lastmod(self):
        """For the index: one aggregate query, not a pass over every record."""
        items = self.items()
        if not hasattr(items, "aggregate") or not hasattr(items.model, "updated_at"):
            return None
        return items.aggregate(latest=Max("updated_at"))["latest"]


class CaseSitemap(PublicSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Case.objects.visible_to(PUBLIC).only("slug", "updated_at").order_by("pk")


class PersonSitemap(PublicSitemap):
    def items(self):
        return (
            Person.objects.visible_to(PUBLIC).filter(identity_protected=False).only("slug", "updated_at").order_by("pk")
        )


class OrganizationSitemap(PublicSitemap):
    def items(self):
        return Organization.objects.visible_to(PUBLIC).only("slug", "updated_at").order_by("pk")


class AssemblySitemap(PublicSitemap):
    def items(self):
        return Assembly.objects.visible_to(PUBLIC).only("slug", "updated_at").order_by("pk")


class ArticleSitemap(PublicSitemap):
    def items(self):
        return LegalArticle.objects.only("slug").order_by("pk")


class PageSitemap(PublicSitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "case_list", "person_list", "political_prisoners", "assembly_list", "statistics"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return None


SITEMAPS = {
    "pages": PageSitemap,
    "cases": CaseSitemap,
    "persons": PersonSitemap,
    "organizations": OrganizationSitemap,
    "assemblies": AssemblySitemap,
    "articles": ArticleSitemap,
}
