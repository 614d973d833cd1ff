"""Admin template tags for large tables.

``{% bounded_date_hierarchy cl %}`` draws Django's date drill-down (years, then months,
then days) without reading every row: Django finds the years with
``SELECT DISTINCT DATE_TRUNC('year', …)`` over the whole filtered list (80–300 ms at
500,000 rows); here, for a list longer than the admin counts, one query asks for each
year (month, day) between the first and the last date whether a row EXISTS in it —
each an index range probe that stops at its first row. The links shown are the same."""

import datetime

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Exists, Max, Min

register = template.Library()

MAX_PROBES = 100  # more periods than this (a century of years): Django's own scan


def _periods(first: datetime.date, last: datetime.date, kind: str):
    """(start, end) of every year, month or day from ``first`` to ``last``."""
    if kind == "year":
        for year in range(first.year, last.year + 1):
            yield datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    elif kind == "month":
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            following = (year + month // 12, month % 12 + 1)
            yield datetime.date(year, month, 1), datetime.date(*following, 1)
            year, month = following
    else:
        day = first
        while day <= last:
            yield day, day + datetime.timedelta(days=1)
            day += datetime.timedelta(days=1)


class BoundedDates:
    """Stands in for ``cl.queryset`` in Django's ``date_hierarchy``: ``aggregate`` as
    usual (the first and last dates, an index lookup each), ``dates`` by probes."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.range = None

    def aggregate(self, **kwargs):
        result = self.queryset.aggregate(**kwargs)
        if set(result) == {"first", "last"}:
            self.range = (result["first"], result["last"])
        return result

    def datetimes(self, *args, **kwargs):
        return self.queryset.datetimes(*args, **kwargs)

    def dates(self, field_name: str, kind: str):
        if self.range is None:
            self.aggregate(first=Min(field_name), last=Max(field_name))
        first, last = self.range
        if first is None or last is None:
            return []
        periods = list(_periods(first, last, kind))
        if len(periods) > MAX_PROBES:
            return self.queryset.dates(field_name, kind)
        probes = {
            f"p{index}": Exists(self.queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end}))
            for index, (start, end) in enumerate(periods)
        }
        found = list(self.queryset.model._base_manager.order_by().values(**probes)[:1])
        if not found:
            return []
        return [start for index, (start, _end) in enumerate(periods) if found[0][f"p{index}"]]


class BoundedChangeList:
    """The changelist, but with ``queryset`` answering ``dates`` by probes."""

    def __init__(self, cl):
        self._cl = cl
        self.queryset = BoundedDates(cl.queryset)

    def __getattr__(self, name):
        return getattr(self._cl, name)


def bounded_date_hierarchy(cl):
    """Probes for a list too long to count (``cl.paginator.capped``), where every period
    with rows is found after a few index entries; Django's scan for a shorter one (a
    search, a narrow filter), where the probes would each search the list again."""
    if getattr(cl.paginator, "capped", False):
        return date_hierarchy(BoundedChangeList(cl))
    return date_hierarchy(cl)


@register.tag(name="bounded_date_hierarchy")
def bounded_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        "bounded_date_hierarchy",
        parser,
        token,
        func=bounded_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
