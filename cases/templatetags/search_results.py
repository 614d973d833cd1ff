"""``{% search_results results text %}``: the result groups of the public search page
(``cases.search_views``), written in Python as ``{% case_rows %}`` writes a case list.
The template engine spent ~9 ms on them (a lookup, a filter and an escape per value, a
``reverse`` per link), more than all six queries' Python; the same HTML written here
takes a fraction of a millisecond. Every value is escaped; labels and interface text
are in the active language."""

from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from kazmonitor.templatetags.site import partial_date, person_url_of, url_of

from .case_rows import Row

register = template.Library()


@register.simple_tag
def search_results(results: dict, text: str) -> SafeString:
    """The groups' sections: persons and cases always ("none found"), the others when
    they found something."""
    found = [
        ("organizations", gettext("Organizations"), _organization),
        ("assemblies", gettext("Assemblies"), _assembly),
        ("articles", gettext("Legal articles"), _article),
    ]
    sections = [_persons(results["persons"]), _cases(results["cases"], text)]
    sections += [
        _section(group, title, map(item(), results[group])) if results[group] else "" for group, title, item in found
    ]
    return mark_safe("\n" + "\n".join(sections) + "\n")  # noqa: S308 — every value escaped below


def _heading(group: str, title: str) -> str:
    return (
        f'<section aria-labelledby="{group}-heading"><h2 id="{group}-heading">{escape(title)}</h2>\n<ul class="rows">'
    )


def _section(group: str, title: str, items) -> str:
    return f"{_heading(group, title)}{''.join(items)}</ul></section>"


def _empty(message: str) -> str:
    return f'<li class="empty">{escape(gettext(message))}</li>'


def _persons(persons: list) -> str:
    url = person_url_of()

    def item(row) -> str:
        person, public_name = row.person, row.public_name
        shown = f"\n  <li><a href={_quoted(url(person))}>{escape(public_name)}</a>"
        if not person.identity_protected and person.name != public_name:
            shown += f" <span>({escape(person.name)})</span>"
        if row.roles_text:
            shown += f" — {escape(row.roles_text)}"
        return f"{shown}</li>\n"

    items = "".join(map(item, persons)) if persons else _empty(gettext_noop("No persons found."))
    heading = _heading("persons", gettext("Persons"))  # outside f-strings, where makemessages finds it
    return f"{heading}{items}</ul></section>"


class CaseItem(Row):
    """A case row of the search page: ``{% case_rows %}``'s row with its first
    participants ("…" when there are more) and no articles."""

    def __init__(self, cases: list):
        super().__init__({case.pk: case.people for case in cases}, {}, show_updated=False)

    def html(self, case) -> str:
        people = self.people_of(case.pk)
        if people and case.more_people:
            people = people.removesuffix("</p>") + ", …</p>"
        return (
            f"\n  <li>\n    <h3><a href={_quoted(self.case_url(case.slug))}>{escape(case.translated('title'))}</a></h3>"
            f'\n    <p class="meta">{self.meta(case)}</p>'
            f"\n    {people}"
            "\n  </li>\n"
        )


def _cases(cases: list, text: str) -> str:
    heading = _heading("cases", gettext("Cases"))
    if not cases:
        empty = _empty(gettext_noop("No cases."))
        return f"{heading}{empty}</ul>\n</section>"
    rows = "".join(map(CaseItem(cases).html, cases))
    listed = f"{reverse('case_list')}?q={quote(text, safe='/')}"
    label = escape(gettext("All matching cases, with filters"))
    return f"{heading}{rows}</ul>\n<p><a href={_quoted(listed)}>{label}</a></p></section>"


def _organization():
    url = url_of("organization_detail")

    def item(organization) -> str:
        abbreviation = f" ({escape(organization.abbreviation)})" if organization.abbreviation else ""
        return f"<li><a href={_quoted(url(organization.slug))}>{escape(organization.name)}</a>{abbreviation}</li>"

    return item


def _assembly():
    url = url_of("assembly_detail")

    def item(assembly) -> str:
        held = partial_date(assembly.held_on, assembly.held_on_precision)
        title = escape(assembly.translated("title"))
        return f"<li><a href={_quoted(url(assembly.slug))}>{title}</a> — {escape(held)}</li>"

    return item


def _article():
    url = url_of("article_detail")

    def item(article) -> str:
        named = f"{escape(article.code_short_name)} {escape(article.label)}"
        return f"<li><a href={_quoted(url(article.slug))}>{named}</a> — {escape(article.translated('title'))}</li>"

    return item


def _quoted(value: str) -> str:
    """An attribute's value, escaped, in double quotes."""
    return f'"{escape(value)}"'
