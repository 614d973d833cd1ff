from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kazmonitor.views import healthz, source_document

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Uploaded documents are never served from MEDIA_ROOT directly, only through this check.
    path("sources/<uuid:uuid>/document", source_document, name="source_document"),
    path("api/v1/", include("cases.api_urls")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
]
urlpatterns += [path("i18n/", include("django.conf.urls.i18n"))]
# The public site: English at /, Russian at /ru/, Kazakh at /kk/ (cases/urls.py).
urlpatterns += i18n_patterns(path("", include("cases.urls")), prefix_default_language=False)
