"""Building blocks shared by the public views of every app: published-only detail
pages whose old slugs redirect, and page sizes."""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.functional import cached_property
from django.views.generic import DetailView

from kazmonitor import generation
from kazmonitor.models import OldSlug, Visibility

PUBLIC = Visibility.PUBLIC
PAGE_SIZE = 25
KEPT_SECONDS = 5 * 60


def kept(name: str, build):
    """``build()``, kept in the shared cache under ``name`` until the records change (the
    signal-raised ``generation.cache_number``: no query), for what every build of a page
    would otherwise recompute from whole tables or vocabularies. A change that sends no
    signal (a bulk update in a shell) shows within KEPT_SECONDS. ``name`` carries
    whatever else the value depends on (the language, the day)."""
    key = f"kept:{name}:{generation.cache_number()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, KEPT_SECONDS)
    return value


class CappedPaginator(Paginator):
    """Counts at most ``cap`` matches (``SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)``),
    so a broad filter over hundreds of thousands of cases never waits on a full count.
    Past the cap the page says "more than …" and asks for a narrower search.

    The count drops the list's ordering: with ``ORDER BY`` inside the capped subquery
    PostgreSQL must fetch and sort every match before it can stop at the cap; without it
    the count is an index-only scan that stops there (docs/performance.md)."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


class PublishedDetailView(DetailView):
    """A detail page addressed by slug. A slug the record used to have answers with a
    permanent redirect to the current URL, so shared links never break; records the
    public may not see are 404 whether addressed by old or new slug."""

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            target = self.get_renamed_object()
            if target is None:
                raise
            return HttpResponsePermanentRedirect(self.redirect_url(target))
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_renamed_object(self):
        slug = self.kwargs.get(self.slug_url_kwarg)
        if not slug:
            return None
        model = self.get_queryset().model
        content_type = ContentType.objects.get_for_model(model)
        old = OldSlug.objects.filter(content_type=content_type, slug=slug).values_list("object_id", flat=True).first()
        if old is None:
            return None
        return self.get_queryset().filter(pk=old).first()

    def redirect_url(self, obj) -> str:
        return obj.get_absolute_url()
