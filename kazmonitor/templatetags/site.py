"""Template helpers of the public site: partial dates, per-field translations,
visibility-safe person links and URLs that keep the current filters."""

from django import template
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.http import urlencode
from django.utils.translation import get_language, override

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


def person_url(person) -> str:
    """A protected person's page is addressed by the stable id, because the slug may
    carry the real name; everyone else has a readable slug URL."""
    if person.identity_protected:
        return reverse("person_protected_detail", kwargs={"uuid": person.uuid})
    return person.get_absolute_url()


def person_key(person) -> str:
    """The value of the ``person`` filter in list URLs (never the slug of a protected person)."""
    return str(person.uuid) if person.identity_protected else person.slug


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
def articles(charges):
    """The distinct legal articles of a list of charges, in order of first mention."""
    seen = {}
    for charge in charges:
        seen.setdefault(charge.article_id, charge.article)
    return list(seen.values())


@register.filter
def web_url(value):
    """An outside link only if it is http(s): a URL that reached the database some
    other way than a validated form (``javascript:`` …) is not made clickable."""
    value = (value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""
