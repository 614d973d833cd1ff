"""Template helpers of the public site: partial dates, per-field translations,
visibility-safe person links and URLs that keep the current filters."""

import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, override

from kazmonitor.api.tombstones import api_id
from kazmonitor.dates import format_partial_date
from kazmonitor.models import Visibility

register = template.Library()


@register.filter
def partial_date(value, precision="day"):
    """``{{ case.opened_on|partial_date:case.opened_on_precision }}`` → "March 2022"."""
    return format_partial_date(value, precision or "day")


@register.filter
def tr(obj, field):
    """``{{ case|tr:"title" }}``: the field in the active language, else as written."""
    if obj is None:
        return ""
    return obj.translated(field)


@register.filter
def public(obj):
    """The record if the public may see it, else ``None`` — for facts that name a
    related record (a detention's case, a sentence's court)."""
    if obj is None or getattr(obj, "visibility", Visibility.INTERNAL) < Visibility.PUBLIC:
        return None
    return obj


# A slug as the ``slug`` path converter matches it: such a slug is never quoted in a URL.
SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
PLACEHOLDERS = {"slug": "0slug0", "uuid": "00000000-0000-0000-0000-000000000000"}


@lru_cache(maxsize=256)
def _url_around(
    view_name: str, kwarg: str, language: str | None, default: str, prefix: str, urlconf: str
) -> tuple[str, str]:
    """What ``reverse`` puts before and after the argument of a one-argument URL, for one
    language, default language (which has no prefix), script prefix and URLconf
    (everything the URL depends on besides it)."""
    with override(language):
        head, _placeholder, tail = reverse(view_name, kwargs={kwarg: PLACEHOLDERS[kwarg]}, urlconf=urlconf).partition(
            PLACEHOLDERS[kwarg]
        )
    return head, tail


def url_of(view_name: str, kwarg: str = "slug"):
    """A function ``value → reverse(view_name, kwargs={kwarg: value})`` for a slug or
    uuid, at the cost of a string join: lists build a URL for every case, person and
    article they name (hundreds a page), and ``reverse`` costs ~10 µs a call. A value
    the converter would not match goes through ``reverse`` (and fails there the same way).
    Made for the active language, script prefix and URLconf: make it where it is used."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    head, tail = _url_around(view_name, kwarg, get_language(), settings.LANGUAGE_CODE, get_script_prefix(), urlconf)

    def url(value) -> str:
        value = str(value)
        if kwarg == "slug" and not SLUG.match(value):
            return reverse(view_name, kwargs={kwarg: value})
        return f"{head}{value}{tail}"

    return url


def person_url_of():
    """``person_url`` for many persons of one page."""
    by_slug, by_id = url_of("person_detail"), url_of("person_protected_detail", "uuid")
    return lambda person: by_id(api_id(person)) if person.identity_protected else by_slug(person.slug)


def person_url(person) -> str:
    """A person's public page. A protected person's is addressed by the masked id the
    API shows for them (``api_id``), never by the slug (it may carry the real name) nor
    by the real uuid (the API showed it before protection: whoever kept it could open the
    pseudonym's page). Everyone else has a readable slug URL."""
    return person_url_of()(person)


# Records whose public page is addressed by slug, with the URL name their
# ``get_absolute_url`` reverses.
SLUG_PAGES = {
    "cases.case": "case_detail",
    "cases.legalarticle": "article_detail",
    "cases.assembly": "assembly_detail",
    "people.organization": "organization_detail",
}


@register.filter
def page_url(record) -> str:
    """``{{ case|page_url }}``: ``record.get_absolute_url()`` for a case, legal article,
    assembly or organization without a ``reverse`` per call (``url_of``): a person's page
    links hundreds of cases and articles. Anything else: its ``get_absolute_url()``."""
    view_name = SLUG_PAGES.get(record._meta.label_lower)
    return url_of(view_name)(record.slug) if view_name else record.get_absolute_url()


def person_key(person) -> str:
    """The value of the ``person`` filter in list URLs: a protected person's masked id,
    as in ``person_url``; everyone else's slug."""
    return str(api_id(person)) if person.identity_protected else person.slug


register.filter("person_url", person_url)
register.filter("person_key", person_key)


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters replaced (``None``/"" removes them):
    ``?{% query page=3 %}`` keeps every filter of the list."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """This page's URL in another interface language, filters included."""
    request = context["request"]
    known = request.__dict__.setdefault("_url_in_language", {})  # the page asks twice per language
    if language not in known:
        known[language] = _in_language(request, language)
    return known[language]


@register.simple_tag(takes_context=True)
def alternate_links(context) -> SafeString:
    """``<link rel="alternate" hreflang=…>`` for this page in every interface language;
    written here, not by a template loop (a lookup, a tag and an escape per value on
    every page)."""
    links = "".join(
        f'\n<link rel="alternate" hreflang="{escape(code)}" href="{escape(url_in_language(context, code))}">'
        for code, _name in settings.LANGUAGES
    )
    return mark_safe(links)  # noqa: S308 — every value escaped


@register.simple_tag(takes_context=True)
def language_choices(context) -> SafeString:
    """The header's list of this page in every interface language, the current one
    marked (``aria-current``), each named in its own language."""
    current = get_language()
    items = []
    for code, _name in settings.LANGUAGES:
        name = escape(get_language_info(code)["name_local"])
        marked = ' aria-current="true"' if code == current else ""
        href = escape(url_in_language(context, code))
        items.append(
            f'\n        <li><a href="{href}" hreflang="{escape(code)}" lang="{escape(code)}"{marked}>{name}</a></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 — every value escaped


def _in_language(request, language: str) -> str:
    """``translate_url`` without resolving the path again: the request's own match."""
    path, question, query = request.get_full_path().partition("?")
    match = request.resolver_match
    if match is None:
        return translate_url(request.get_full_path(), language)
    with override(language):
        try:
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return translate_url(request.get_full_path(), language)
    return f"{path}{question}{query}"


@register.filter
def place(location):
    """A location's name in the reader's language: the local name for Russian and
    Kazakh readers when there is one."""
    if location is None:
        return ""
    if (get_language() or "en")[:2] != "en" and location.name_local:
        return location.name_local
    return location.name


@register.filter
def web_url(value):
    """An outside link only if it is http(s): a URL that reached the database some
    other way than a validated form (``javascript:`` …) is not made clickable."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""


class OncePerLanguageNode(template.Node):
    """Renders its content once per language, script prefix and URLconf (all its output
    may depend on), then reuses the text: see ``once_per_language``."""

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        key = (get_language(), get_script_prefix(), get_urlconf(), settings.STATIC_URL)
        found = self.rendered.get(key)
        if found is None:
            with context.push(request=None):  # nothing of the request may reach it
                found = self.rendered[key] = self.nodelist.render(context)
        return found


@register.tag
def once_per_language(parser, token):
    """``{% once_per_language %}…{% endonce_per_language %}``: the page chrome that is the
    same on every page of a language (navigation, footer, links to static files), rendered
    once per process and language instead of on every request (~1 ms of a built page:
    a dozen URL reversals and twenty translations). Only for content that depends on
    nothing but the language: the block renders without the request, and its variables
    are those of the first page that drew it."""
    nodelist = parser.parse(("endonce_per_language",))
    parser.delete_first_token()
    return OncePerLanguageNode(nodelist)
