"""The one API router, mounted at ``/api/v1/``, with its OpenAPI schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cases import api as cases_api
from kazmonitor.api.views import StatusView
from people import api as people_api

app_name = "api"


class Router(DefaultRouter):
    include_root_view = True
    include_format_suffixes = False


router = Router(trailing_slash=True)
router.register("persons", cases_api.PersonViewSet, basename="person")
router.register("organizations", people_api.OrganizationViewSet, basename="organization")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("charges", cases_api.ChargeViewSet, basename="charge")
router.register("sentences", cases_api.SentenceViewSet, basename="sentence")
router.register("detentions", cases_api.DetentionViewSet, basename="detention")
router.register("assemblies", cases_api.AssemblyViewSet, basename="assembly")
router.register("events", cases_api.EventViewSet, basename="event")
router.register("articles", cases_api.ArticleViewSet, basename="article")
router.register("sources", people_api.SourceViewSet, basename="source")
router.register("tags", people_api.TagViewSet, basename="tag")
router.register("locations", people_api.LocationViewSet, basename="location")
router.register("recognitions", people_api.RecognitionViewSet, basename="recognition")
router.register("deleted", cases_api.DeletedViewSet, basename="deleted")


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("status/", StatusView.as_view(), name="status"),
    path("", include(router.urls)),
]
