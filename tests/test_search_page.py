"""The public search page's results, written in Python (``{% search_results %}``) from
once-compiled queries: the same HTML as the template engine wrote from ORM instances,
every value escaped, a protected person only by pseudonym, nothing unpublished, the
reader's language, and a fixed number of queries."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import Q
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from cases.models import Assembly, Case, LegalArticle, Participant
from cases.public_filters import public_cases, public_participants, search_cases
from kazmonitor import search
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import Visibility
from people.models import Organization, Person, Role
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    LegalArticleFactory,
    LegalCodeFactory,
    LocationFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
PUBLIC = Visibility.PUBLIC
LANGUAGES = ("en", "ru", "kk")
HOSTILE = "<script>alert('x')</script> & \"quoted\""


@pytest.fixture
def records():
    """Published records matching "Zhulduz" with HTML special characters in every text a
    row prints, a protected person, a case with more people than a row names, and
    unpublished records matching too."""
    role = Role.objects.create(name="<i>activist</i> & co", slug="hostile-activist")
    named = PersonFactory(name=f"Zhulduz {HOSTILE}", name_latin="Zhulduz <b>Latin</b>", slug="zhulduz-latin")
    named.roles.add(role)
    protected = PersonFactory(
        name="Zhulduz Secretova",
        name_latin="Zhulduz Secretova",
        slug="zhulduz-secretova",
        identity_protected=True,
        pseudonym='Zhulduz\'s <em>source</em> & "friend"',
    )
    PersonFactory(name="Zhulduz Unpublished", name_latin="Zhulduz Unpublished", visibility=Visibility.INTERNAL)
    place = LocationFactory(name="Almaty <&>", name_local="Алматы <&>")
    case = CaseFactory(
        title=f"Trial of Zhulduz {HOSTILE}",
        title_ru="Дело Zhulduz <ru> & «кавычки»",
        title_kk="Zhulduz ісі <kk>",
        location=place,
    )
    ParticipantFactory(case=case, person=named)
    ParticipantFactory(case=case, person=protected, role=Participant.Role.WITNESS)
    ParticipantFactory(case=case, person=PersonFactory(name_latin="Draft Participant"), visibility=Visibility.INTERNAL)
    unpublished = PersonFactory(name_latin="Unpublished Participant", visibility=Visibility.INTERNAL)
    ParticipantFactory(case=case, person=unpublished)
    mass = CaseFactory(title="Mass trial of the Zhulduz supporters", opened_on=case.opened_on.replace(year=2021))
    for i in range(7):
        ParticipantFactory(case=mass, person=PersonFactory(name_latin=f"Defendant {i} <&>"))
    CaseFactory(title="Zhulduz draft case", visibility=Visibility.INTERNAL)
    OrganizationFactory(name="Zhulduz & <Sons>", abbreviation='"ZS"')
    OrganizationFactory(name="Zhulduz hidden organization", visibility=Visibility.INTERNAL)
    AssemblyFactory(title="Zhulduz picket <1>", title_ru="Пикет Zhulduz <ru>", title_kk="Zhulduz пикеті <kk>")
    AssemblyFactory(title="Zhulduz hidden assembly", visibility=Visibility.INTERNAL)
    code = LegalCodeFactory(short_name="C<&>C")
    LegalArticleFactory(code=code, number="274", part="2", title="Zhulduz's <offence> & more", title_ru="Статья <ru>")
    return SimpleNamespace(named=named, protected=protected, case=case, mass=mass)


# What templates/search.html wrote for the results before they were written in Python,
# from ORM instances: the reference the Python rows must reproduce.
REFERENCE = engines["django"].from_string(
    """{% load choice_labels i18n site %}
<section aria-labelledby="persons-heading"><h2 id="persons-heading">{% translate "Persons" %}</h2>
<ul class="rows">{% for person in results.persons %}
  <li><a href="{{ person|person_url }}">{{ person.public_name }}</a>{% if not person.identity_protected and person.name != person.public_name %} <span>({{ person.name }})</span>{% endif %}{% if person.roles_text %} — {{ person.roles_text }}{% endif %}</li>
{% empty %}<li class="empty">{% translate "No persons found." %}</li>{% endfor %}</ul></section>
<section aria-labelledby="cases-heading"><h2 id="cases-heading">{% translate "Cases" %}</h2>
<ul class="rows">{% for case in results.cases %}
  <li>
    <h3><a href="{{ case.get_absolute_url }}">{{ case|tr:"title" }}</a></h3>
    <p class="meta">{{ case|label:"kind"|capfirst }} · {{ case|label:"status" }}{% if case.opened_on %} · {% translate "opened" %} {{ case.opened_on|partial_date:case.opened_on_precision }}{% endif %}{% if case.location %} · {{ case.location|place }}{% endif %}</p>
    {% if case.people %}<p class="people">{% for participant in case.people %}<a href="{{ participant.person|person_url }}">{{ participant.person.public_name }}</a> <span class="role">({{ participant|label:"role" }})</span>{% if not forloop.last %}, {% endif %}{% endfor %}{% if case.more_people %}, …{% endif %}</p>{% endif %}
  </li>
{% empty %}<li class="empty">{% translate "No cases." %}</li>{% endfor %}</ul>
{% if results.cases %}<p><a href="{% url "case_list" %}?q={{ text|urlencode }}">{% translate "All matching cases, with filters" %}</a></p>{% endif %}</section>
{% if results.organizations %}<section aria-labelledby="organizations-heading"><h2 id="organizations-heading">{% translate "Organizations" %}</h2>
<ul class="rows">{% for organization in results.organizations %}<li><a href="{{ organization.get_absolute_url }}">{{ organization.name }}</a>{% if organization.abbreviation %} ({{ organization.abbreviation }}){% endif %}</li>{% endfor %}</ul></section>{% endif %}
{% if results.assemblies %}<section aria-labelledby="assemblies-heading"><h2 id="assemblies-heading">{% translate "Assemblies" %}</h2>
<ul class="rows">{% for assembly in results.assemblies %}<li><a href="{{ assembly.get_absolute_url }}">{{ assembly|tr:"title" }}</a> — {{ assembly.held_on|partial_date:assembly.held_on_precision }}</li>{% endfor %}</ul></section>{% endif %}
{% if results.articles %}<section aria-labelledby="articles-heading"><h2 id="articles-heading">{% translate "Legal articles" %}</h2>
<ul class="rows">{% for article in results.articles %}<li><a href="{{ article.get_absolute_url }}">{{ article.code.short_name }} {{ article.label }}</a> — {{ article|tr:"title" }}</li>{% endfor %}</ul></section>{% endif %}
"""  # noqa: E501
)


def reference_results(text: str) -> dict:
    """The results as model instances, by the ORM alone (no compiled SQL)."""
    persons = list(Person.objects.visible_to(PUBLIC).search(text)[:20])
    for person in persons:
        person.roles_text = ", ".join(role.name for role in person.roles.order_by("name"))
    cases = list(public_cases().filter(search_cases(text))[:20])
    for case in cases:
        people = list(
            public_participants()
            .filter(case=case)
            .select_related("person")
            .order_by("role", "person__name_latin", "pk")
        )
        case.people, case.more_people = people[:5], len(people) > 5
    words = [f"{field}__icontains" for field in ("title", "title_en", "title_ru", "title_kk")]
    return {
        "persons": persons,
        "cases": cases,
        "organizations": list(Organization.objects.visible_to(PUBLIC).filter(name_key__contains=search.name_key(text))),
        "assemblies": list(Assembly.objects.visible_to(PUBLIC).filter(_any(words + ["topic__icontains"], text))),
        "articles": list(LegalArticle.objects.filter(_any(words, text) | _any(["number"], text.split(".")[0]))),
    }


def _any(lookups: list[str], value: str) -> Q:
    found = Q(pk__in=[])
    for lookup in lookups:
        found |= Q(**{lookup: value})
    return found


def results_of(page: str) -> str:
    """The page's results (after its search form), whitespace collapsed."""
    after_form = page.split('<form class="search-form"', 1)[1].split("</form>", 1)[1]
    return _squeezed(after_form.split("</main>", 1)[0])


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_results_are_the_html_the_template_wrote_from_orm_instances(client, records, language):
    page = client.get(f"{_prefix(language)}/search/", {"q": "Zhulduz"}).content.decode()

    with translation.override(language):
        request = RequestFactory().get(f"{_prefix(language)}/search/", {"q": "Zhulduz"})
        expected = REFERENCE.render({"results": reference_results("Zhulduz"), "text": "Zhulduz"}, request)
    assert results_of(page) == _squeezed(expected)
    assert f'<html lang="{language}">' in page


def test_every_printed_text_is_escaped(client, records):
    page = client.get("/search/", {"q": "Zhulduz"}).content.decode()
    results = results_of(page)

    assert "<script>" not in page and "<b>" not in results and "<em>" not in results and "<i>" not in results
    assert (
        '<a href="/persons/zhulduz-latin/">Zhulduz &lt;b&gt;Latin&lt;/b&gt;</a> '
        "<span>(Zhulduz &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;)</span>"
        " — &lt;i&gt;activist&lt;/i&gt; &amp; co</li>"
    ) in results
    assert (
        "Trial of Zhulduz &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;</a></h3>"
        in results
    )
    assert " · Almaty &lt;&amp;&gt;</p>" in results
    assert '<a href="/organizations/' in results and ">Zhulduz &amp; &lt;Sons&gt;</a> (&quot;ZS&quot;)</li>" in results
    assert ">Zhulduz picket &lt;1&gt;</a> — " in results
    assert ">C&lt;&amp;&gt;C 274.2</a> — Zhulduz&#x27;s &lt;offence&gt; &amp; more</li>" in results
    assert ">Defendant 0 &lt;&amp;&gt;</a>" in results
    hostile = client.get("/search/", {"q": "Zhulduz <&>"}).content.decode()
    assert '<a href="/cases/?q=Zhulduz%20%3C%26%3E">' in hostile
    assert 'value="Zhulduz &lt;&amp;&gt;"' in hostile


def test_a_protected_person_appears_only_by_pseudonym_and_nothing_unpublished_appears(client, records):
    for language in LANGUAGES:
        page = client.get(f"{_prefix(language)}/search/", {"q": "Zhulduz"}).content.decode()

        pseudonym = "Zhulduz&#x27;s &lt;em&gt;source&lt;/em&gt; &amp; &quot;friend&quot;"
        link = f'<a href="{_prefix(language)}/persons/id/{api_id(records.protected)}/">{pseudonym}</a>'
        assert f"\n  <li>{link}</li>" in page  # the person, without a real name in brackets
        assert f'{link} <span class="role">(' in page  # the case's participant
        for secret in (
            "Secretova",
            "zhulduz-secretova",
            "Unpublished",
            "Draft Participant",
            "draft case",
            "hidden org",
            "hidden assembly",
        ):
            assert secret not in page, (language, secret)


def test_a_case_row_names_five_people_then_an_ellipsis_in_the_case_list_order(client, records):
    results = results_of(client.get("/search/", {"q": "Zhulduz"}).content.decode())

    mass = results[results.index("Mass trial") :]
    named = re.findall(r">(Defendant \d) &lt;&amp;&gt;</a>", mass)
    assert named == [f"Defendant {i}" for i in range(5)]
    assert '<span class="role">(defendant)</span>, …</p>' in mass


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_results_are_in_the_readers_language(client, records, language):
    results = results_of(client.get(f"/{language}/search/", {"q": "Zhulduz"}).content.decode())

    title = {"ru": "Дело Zhulduz &lt;ru&gt; &amp; «кавычки»", "kk": "Zhulduz ісі &lt;kk&gt;"}[language]
    assert f'<h3><a href="/{language}/cases/{records.case.slug}/">{title}</a></h3>' in results
    assert " · Алматы &lt;&amp;&gt;</p>" in results
    with translation.override(language):
        for english in ("Persons", "Cases", "Organizations", "Assemblies", "Legal articles", "opened"):
            assert gettext(english) != english, english
            assert gettext(english) in results
        meta = f"{capfirst(Case.Kind.CRIMINAL.label)} · {Case.Status.INVESTIGATION.label} · {gettext('opened')} "
        assert f'<p class="meta">{escape(meta)}' in results
        assert f'<span class="role">({escape(Participant.Role.WITNESS.label)})</span>' in results
    assert "Persons" not in results and "opened" not in results


def test_articles_are_found_by_number_with_or_without_the_part(client, records):
    for text in ("274", "274.2", "274.9"):
        results = results_of(client.get("/search/", {"q": text}).content.decode())
        assert ">C&lt;&amp;&gt;C 274.2</a>" in results, text


def test_nothing_found_says_so_in_each_group(client, records):
    results = results_of(client.get("/search/", {"q": "Nothing like it"}).content.decode())

    assert '<li class="empty">No persons found.</li>' in results
    assert '<li class="empty">No cases.</li>' in results
    assert "organizations-heading" not in results and "All matching cases" not in results


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_takes_a_fixed_number_of_queries_and_its_rows_none(
    client, records, django_assert_num_queries, language
):
    client.get(f"{_prefix(language)}/search/", {"q": "Zhulduz"})  # compiled once per process

    # persons, cases, their first participants, organizations, assemblies, articles; on
    # PostgreSQL one statement (kazmonitor.search.search_groups), the first participants
    # in the case rows
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 6):
        response = client.get(f"{_prefix(language)}/search/", {"q": "Zhulduz"})

    results = response.context["results"]
    assert [len(results[group]) for group in results] == [2, 2, 1, 1, 1]
    rows = engines["django"].from_string("{% load search_results %}{% search_results results 'Zhulduz' %}")
    with django_assert_num_queries(0), translation.override(language):
        assert "Mass trial" in rows.render({"results": results})
    if connection.vendor == "postgresql":  # the compiled SQL answered, not the ORM
        for shape in ("search persons", "search cases", "search organizations", "search assemblies", "search articles"):
            assert search._COMPILED[shape] is not None, shape
        assert "people" in search._COMPILED["search cases"][2]  # the first participants in the case rows
