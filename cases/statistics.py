"""Figures for the statistics page: each one a list of rows (key, label, count),
computed from public records only, drawn as a server-side SVG bar chart and
downloadable as CSV."""

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kazmonitor import generation
from kazmonitor.dates import DatePrecision, format_partial_date
from kazmonitor.models import Location, Visibility

from .models import Assembly, Case, Charge, Detention, LegalArticle, Sentence

PUBLIC = Visibility.PUBLIC


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int


@dataclass
class Figure:
    slug: str
    title: str
    label_heading: str
    rows: list[Row]
    # The figure's section of the statistics page (chart and table), rendered once
    # when the figure is computed and kept with it in the cache.
    html: SafeString = SafeString("")

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    def svg(self) -> SafeString:
        return bar_chart(self)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["key", "label", "count"])
        for row in self.rows:
            writer.writerow([row.key, row.label, row.count])
        return out.getvalue()


def _months(queryset, field: str) -> list[Row]:
    """Counts per calendar month, with empty months between the first and last filled in."""
    counts = {
        entry["month"]: entry["n"]
        for entry in queryset.exclude(**{f"{field}__isnull": True})
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    counts = {(m.date() if isinstance(m, datetime.datetime) else m): n for m, n in counts.items()}
    if not counts:
        return []
    month, last, rows = min(counts), max(counts), []
    while month <= last:
        rows.append(Row(f"{month:%Y-%m}", format_partial_date(month, DatePrecision.MONTH), counts.get(month, 0)))
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return rows


def detentions_per_month() -> Figure:
    detentions = Detention.objects.visible_to(PUBLIC).filter(person__visibility__gte=PUBLIC)
    return Figure("detentions", _("Detentions per month"), _("Month"), _months(detentions, "started_on"))


def new_cases_per_month() -> Figure:
    cases = Case.objects.visible_to(PUBLIC)
    return Figure("new-cases", _("New cases per month"), _("Month"), _months(cases, "opened_on"))


def convictions_per_month() -> Figure:
    """First verdicts only: a sentence that replaces an earlier one is not a new conviction."""
    sentences = Sentence.objects.visible_to(PUBLIC).filter(
        defendant__visibility__gte=PUBLIC, case__visibility__gte=PUBLIC, replaces__isnull=True
    )
    return Figure("convictions", _("Convictions per month"), _("Month"), _months(sentences, "sentenced_on"))


def charges_by_article() -> Figure:
    counts = (
        Charge.objects.visible_to(PUBLIC)
        .filter(defendant__visibility__gte=PUBLIC, case__visibility__gte=PUBLIC)
        .values("article")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {entry["article"]: entry["n"] for entry in counts}
    articles = LegalArticle.objects.select_related("code").in_bulk(list(counts))
    rows = [
        Row(a.slug, f"{a.code.short_name} {a.label} — {a.translated('title')}", counts[pk])
        for pk, a in articles.items()
    ]
    rows.sort(key=lambda row: (-row.count, row.label))
    return Figure("charges-by-article", _("Charges by article"), _("Article"), rows)


def place_name(location: Location) -> str:
    if get_language() != "en" and location.name_local:
        return location.name_local
    return location.name


def _region_of(place: Location | None, locations: dict[int, Location]) -> Location | None:
    """A city's or district's region; a city directly under the country (Almaty,
    Astana, Shymkent) counts as a region of its own."""
    while place is not None and place.kind in (Location.Kind.CITY, Location.Kind.DISTRICT) and place.parent_id:
        parent = locations[place.parent_id]
        if parent.kind == Location.Kind.COUNTRY:
            break
        place = parent
    return place


def cases_by_region() -> Figure:
    counts = Case.objects.visible_to(PUBLIC).values("location").annotate(n=Count("pk")).order_by()
    locations = Location.objects.in_bulk()
    totals: dict[int | None, int] = {}
    for entry in counts:
        place = locations.get(entry["location"])
        place = _region_of(place, locations)
        key = place.pk if place else None
        totals[key] = totals.get(key, 0) + entry["n"]
    rows = [
        Row(locations[pk].slug, place_name(locations[pk]), n) if pk else Row("", str(_("place not known")), n)
        for pk, n in totals.items()
    ]
    rows.sort(key=lambda row: (-row.count, row.label))
    return Figure("cases-by-region", _("Cases by region"), _("Region"), rows)


def assemblies_by_outcome() -> Figure:
    counts = dict(Assembly.objects.visible_to(PUBLIC).values_list("outcome").annotate(n=Count("pk")).order_by())
    rows = [Row(value, str(label), counts.get(value, 0)) for value, label in Assembly.Outcome.choices]
    return Figure("assemblies-by-outcome", _("Assemblies by outcome"), _("Outcome"), rows)


BUILDERS = {
    "detentions": detentions_per_month,
    "new-cases": new_cases_per_month,
    "convictions": convictions_per_month,
    "charges-by-article": charges_by_article,
    "cases-by-region": cases_by_region,
    "assemblies-by-outcome": assemblies_by_outcome,
}

# --- Cache ------------------------------------------------------------------------
# Each figure aggregates a whole table (500,000 detentions at national scale): computed
# once, kept in the shared cache with its rendered chart and table, and recomputed after
# any change to the records (the signal-raised part of ``kazmonitor.generation``), or
# after CACHE_SECONDS for changes that send no signal (bulk updates).
CACHE_SECONDS = 15 * 60


def _key(slug: str, number: int) -> str:
    return f"statistics:{slug}:{get_language() or 'en'}:{number}"


def _build(slug: str, key: str) -> Figure:
    found = BUILDERS[slug]()
    found.html = render_to_string("cases/figure.html", {"figure": found})
    found.title, found.label_heading = str(found.title), str(found.label_heading)  # lazy texts unpickle slowly
    cache.set(key, found, CACHE_SECONDS)
    return found


def figures(*slugs: str) -> list[Figure]:
    """The figures named (every one by default), in page order: two cache round trips
    when all are kept."""
    number = generation.cache_number()
    keys = {slug: _key(slug, number) for slug in slugs or BUILDERS}
    found = cache.get_many(list(keys.values()))
    return [found.get(key) or _build(slug, key) for slug, key in keys.items()]


def _cached(slug: str, build):
    def figure() -> Figure:
        return figures(slug)[0]

    figure.__doc__ = build.__doc__
    return figure


FIGURES = {slug: _cached(slug, build) for slug, build in BUILDERS.items()}

ROW_HEIGHT, LABEL_WIDTH, BAR_WIDTH, WIDTH = 26, 250, 300, 600


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(figure: Figure) -> SafeString:
    """A horizontal bar chart as inline SVG: no script, no inline style (CSP), colours
    from the site's stylesheet, and a title for screen readers (the table beside
    carries the same numbers)."""
    rows = figure.rows
    peak = max((row.count for row in rows), default=0) or 1
    height = max(len(rows), 1) * ROW_HEIGHT + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-{figure.slug}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-{figure.slug}">{escape(figure.title)}</title>'
    ]
    for i, row in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        width = round(BAR_WIDTH * row.count / peak) if row.count else 0
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_short(row.label))}</text>"
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{width}" height="{ROW_HEIGHT - 8}"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6}" y="{y + 17}">{row.count}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every interpolated text is escaped above
