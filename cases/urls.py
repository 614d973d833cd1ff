"""Every public URL. Mounted by ``kazmonitor.urls`` inside ``i18n_patterns``: English
without a prefix (``/cases/``, ``/robots.txt``, ``/sitemap.xml``), Russian and Kazakh
under ``/ru/`` and ``/kk/``."""

from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from people.views import OrganizationListView, PersonListView, PoliticalPrisonerListView

from . import search_views, views
from .feeds import CaseFeed
from .profile_views import OrganizationDetailView, PersonDetailView, ProtectedPersonDetailView
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/feed/", CaseFeed(), name="case_feed"),
    path("cases/<slug:slug>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("persons/", PersonListView.as_view(), name="person_list"),
    path("persons/id/<uuid:uuid>/", ProtectedPersonDetailView.as_view(), name="person_protected_detail"),
    path("persons/<slug:slug>/", PersonDetailView.as_view(), name="person_detail"),
    path("political-prisoners/", PoliticalPrisonerListView.as_view(), name="political_prisoners"),
    path("detained/", views.DetainedListView.as_view(), name="detained"),
    path("organizations/", OrganizationListView.as_view(), name="organization_list"),
    path("organizations/<slug:slug>/", OrganizationDetailView.as_view(), name="organization_detail"),
    path("assemblies/", views.AssemblyListView.as_view(), name="assembly_list"),
    path("assemblies/<slug:slug>/", views.AssemblyDetailView.as_view(), name="assembly_detail"),
    path("articles/", views.ArticleListView.as_view(), name="article_list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/<slug:figure>.csv", views.statistics_csv, name="statistics_csv"),
    path("search/", search_views.SearchView.as_view(), name="search"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
]
