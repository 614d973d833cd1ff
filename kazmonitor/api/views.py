"""The base every API viewset builds on: read-only, reader level, lookup by
stable id or slug, streamed CSV lists, JSON errors."""

import re
from collections import OrderedDict

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList
from rest_framework.views import APIView

from kazmonitor.api import cache as response_cache
from kazmonitor.api.csv_copy import stream_csv
from kazmonitor.api.ids import parse_uuid
from kazmonitor.api.levels import api_level

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")


class ApiListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A read-only list (writes answer 405)."""

    lookup_field = "lookup"
    lookup_url_kwarg = "lookup"
    lookup_value_regex = "[^/]+"
    detail_serializer_class = None
    ordering_fields: dict[str, str] = {}
    ordering = ""
    csv_name = "export"

    @property
    def level(self):
        return api_level(self.request)

    def dispatch(self, request, *args, **kwargs):
        """DRF's, without keeping the response on the view (``release``)."""
        response = super().dispatch(request, *args, **kwargs)
        self.response = None
        return response

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["level"] = self.level
        return context

    def lookup_object(self, queryset, value: str):
        """The object ``value`` names: a stable id (UUID), else a slug."""
        uuid = parse_uuid(value)
        if uuid is not None and hasattr(queryset.model, "uuid"):
            return queryset.filter(uuid=uuid).first()
        if SLUG.match(value) and any(f.name == "slug" for f in queryset.model._meta.fields):
            return queryset.filter(slug=value).first()
        return None

    def get_object(self):
        obj = self.lookup_object(self.get_queryset(), self.kwargs[self.lookup_url_kwarg])
        if obj is None:
            raise Http404
        return obj

    _cache_key = None

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == "csv":
            queryset = self.filter_queryset(self.get_queryset())
            serializer = self.get_serializer_class()(context=self.get_serializer_context())
            return stream_csv(serializer, queryset, self.csv_name)
        return self.from_cache(request) or self.fast_list(request) or super().list(request, *args, **kwargs)

    def fast_list(self, request):
        """A JSON list answered another way than DRF's, or None: DRF's then."""
        return None

    def from_cache(self, request):
        """A kept response for this request, if any; else note where to keep the new one."""
        if not response_cache.enabled(request):
            return None
        self._cache_key = response_cache.response_key(request, self.level, request.accepted_media_type)
        return response_cache.cached_response(self._cache_key)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.data = _detached(response.data)
            response.add_post_render_callback(release)
        if isinstance(response, Response) and response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        elif self._cache_key and isinstance(response, Response) and response.status_code == 200:
            response.render()
            response_cache.keep(self._cache_key, request, response)
        return response


def release(response: Response) -> None:
    """Once ``response`` is rendered, its renderer context is let go.

    An answer's rows (model instances, the serialized data) hung in reference cycles,
    which only the garbage collector frees: DRF puts the response in its own renderer
    context next to the view and keeps it on the view (``dispatch``), and a serializer's
    data keeps the serializer, which keeps its instances and its data and is bound to its
    fields, which are bound to it (``_detached``). A page of 50 persons left ~650 such
    objects per request for the collector; without the cycles they are freed as soon as
    the answer is sent (docs/performance.md, "Garbage collection in the workers")."""
    response.renderer_context = None


def _detached(data):
    """``data`` with a serializer's data (``ReturnList``, ``ReturnDict``: a paginated
    answer's ``results`` too) as plain lists and dicts, and that serializer made to let go
    of its instances and data (``release``)."""
    if isinstance(data, ReturnList | ReturnDict):
        serializer = data.serializer
        data = list(data) if isinstance(data, ReturnList) else dict(data)
        for held in (serializer, getattr(serializer, "child", None)):  # a list's child gets its instances too
            if held is not None:
                held.instance, held._args = None, ()  # DRF keeps the arguments it was made with
                held.__dict__.pop("_data", None)
        return data
    if type(data) in (dict, OrderedDict) and isinstance(data.get("results"), ReturnList | ReturnDict):
        return type(data)(data, results=_detached(data["results"]))
    return data


class ApiViewSet(mixins.RetrieveModelMixin, ApiListViewSet):
    """A read-only list and detail (writes answer 405)."""

    def retrieve(self, request, *args, **kwargs):
        return self.from_cache(request) or super().retrieve(request, *args, **kwargs)


class StatusView(APIView):
    """Whether the API answers, and at which level your key reads (``public`` without
    a key). Touches no records: the cheapest request there is, through the same
    authentication, rate limit and rendering as every other endpoint."""

    @extend_schema(
        responses=inline_serializer("Status", {"status": serializers.CharField(), "level": serializers.CharField()})
    )
    def get(self, request):
        return Response({"status": "ok", "level": self.level_name(request)})

    @staticmethod
    def level_name(request) -> str:
        return api_level(request).name.lower()
