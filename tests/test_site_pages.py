"""Home, assemblies, legal articles, people in custody, search, feed, sitemap,
robots.txt, page metadata and the Content-Security-Policy of the public site."""

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.utils import translation

from kazmonitor.models import Visibility
from people.models import Role
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    ExtensionFactory,
    FacilityFactory,
    LegalArticleFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
    RecognitionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2022, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """Requests to /ru/ leave Russian active in this thread; other tests expect English."""
    yield
    translation.activate("en")


@time_machine.travel(TODAY, tick=False)
def test_home_shows_headline_figures_each_linking_to_its_list(client):
    held = PersonFactory()
    DetentionFactory(person=held, started_on=datetime.date(2022, 5, 1))
    DetentionFactory(person=held, started_on=datetime.date(2022, 5, 20), case=None)  # same person, counted once
    DetentionFactory(started_on=datetime.date(2022, 1, 1), ended_on=datetime.date(2022, 2, 1))  # released
    DetentionFactory(started_on=datetime.date(2022, 5, 1), visibility=Visibility.INTERNAL)
    CaseFactory(status="trial")
    CaseFactory(status="convicted")
    RecognitionFactory()
    AssemblyFactory(outcome="dispersed", held_on=datetime.date(2022, 4, 9))
    AssemblyFactory(outcome="dispersed", held_on=datetime.date(2021, 4, 9))
    AssemblyFactory(outcome="held", held_on=datetime.date(2022, 4, 10))

    response = client.get("/")
    figures = response.context["figures"]
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    # Three of the detentions open a public case each (under investigation), plus the one on trial.
    assert figures == {"detained": 1, "active_cases": 4, "political_prisoners": 1, "dispersed": 1}
    for link in (
        'href="/detained/"',
        'href="/cases/?status=active"',
        'href="/political-prisoners/"',
        'href="/assemblies/?outcome=dispersed&amp;year=2022"',
    ):
        assert link in content, link


def test_home_lists_recent_cases_in_constant_queries(client, django_assert_num_queries):
    CaseFactory(title="First")
    # 7, and the content counter read twice: for the page cache's key and the figures'
    with django_assert_num_queries(9):
        client.get("/")
    for _ in range(12):
        ParticipantFactory(case=CaseFactory())
    with django_assert_num_queries(9):
        response = client.get("/")
    assert len(response.context["recent_cases"]) == 10


@time_machine.travel(TODAY, tick=False)
def test_home_figures_are_counted_once_per_change_of_the_records(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0  # the figures' own cache, not the page's
    CaseFactory(status="trial")
    assert client.get("/").context["figures"]["active_cases"] == 1
    with django_assert_num_queries(4):  # the content counter and the recent cases (3), no counts
        assert client.get("/").context["figures"]["active_cases"] == 1
    CaseFactory(status="trial")
    assert client.get("/").context["figures"]["active_cases"] == 2


@time_machine.travel(TODAY, tick=False)
def test_detained_list_shows_who_is_held_today_with_days_so_far(client):
    DetentionFactory(person=PersonFactory(name_latin="Still Held"), started_on=datetime.date(2022, 5, 1))
    DetentionFactory(
        person=PersonFactory(name_latin="Released"),
        started_on=datetime.date(2022, 1, 1),
        ended_on=datetime.date(2022, 2, 1),
    )
    DetentionFactory(person=PersonFactory(name_latin="Hidden", visibility=Visibility.INTERNAL))

    content = client.get("/detained/").content.decode()

    assert "Still Held" in content
    assert "32 days in custody so far" in content
    assert "Released" not in content and "Hidden" not in content


def test_assembly_page_shows_permission_outcome_and_the_detainees(client):
    organizer = OrganizationFactory(name="Oyan Qazaqstan")
    assembly = AssemblyFactory(
        title="Anti-war picket",
        topic="against the war in Ukraine",
        permission="refused",
        outcome="dispersed",
        detained_count=12,
        place="Republic Square",
    )
    assembly.organizers.add(organizer, OrganizationFactory(name="Hidden Org", visibility=Visibility.INTERNAL))
    DetentionFactory(person=PersonFactory(name_latin="Detained Protester"), assembly=assembly, case=None)
    DetentionFactory(person=PersonFactory(name_latin="Hidden Protester", visibility=0), assembly=assembly, case=None)

    content = client.get(assembly.get_absolute_url()).content.decode()

    for text in (
        "Anti-war picket",
        "against the war in Ukraine",
        "Refused",
        "Dispersed",
        "12",
        "Republic Square",
        "Oyan Qazaqstan",
        "Detained Protester",
    ):
        assert text in content, text
    assert "Hidden Org" not in content and "Hidden Protester" not in content


def test_assembly_list_filters_by_outcome_and_year_and_reports_bad_values(client):
    AssemblyFactory(title="Dispersed 2022", outcome="dispersed", held_on=datetime.date(2022, 4, 1))
    AssemblyFactory(title="Held 2022", outcome="held", held_on=datetime.date(2022, 4, 2))
    AssemblyFactory(title="Dispersed 2021", outcome="dispersed", held_on=datetime.date(2021, 4, 2))

    response = client.get("/assemblies/?outcome=dispersed&year=2022")
    bad = client.get("/assemblies/?year=last&outcome=exploded")

    assert [a.title for a in response.context["object_list"]] == ["Dispersed 2022"]
    assert bad.status_code == HTTPStatus.OK
    assert b"could not be used and were ignored" in bad.content


def test_article_page_shows_its_text_and_every_public_case_that_used_it(client):
    article = LegalArticleFactory(
        number="274",
        part="4",
        slug="kz-cc-274-4",
        title="knowingly spreading false information",
        title_ru="распространение заведомо ложной информации",
        text="Spreading knowingly false information…",
    )
    ChargeFactory(case=CaseFactory(title="Journalist charged"), article=article)
    ChargeFactory(case=CaseFactory(title="Blogger charged"), article=article)
    ChargeFactory(case=CaseFactory(title="Draft case", visibility=Visibility.INTERNAL), article=article)
    ChargeFactory(case=CaseFactory(title="Hidden charge"), article=article, visibility=Visibility.PARTNERS)

    content = client.get("/articles/kz-cc-274-4/").content.decode()
    russian = client.get("/ru/articles/kz-cc-274-4/").content.decode()
    listing = client.get("/articles/")

    assert "Spreading knowingly false information" in content
    assert "Journalist charged" in content and "Blogger charged" in content
    assert "Draft case" not in content and "Hidden charge" not in content
    assert "распространение заведомо ложной информации" in russian
    assert [a.case_count for a in listing.context["object_list"]] == [2]


def test_search_finds_a_person_in_any_script_and_never_by_a_protected_real_name(client):
    PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    PersonFactory(name="Секрет", name_latin="Sekret", identity_protected=True, pseudonym="Blogger from Aktobe")
    OrganizationFactory(name="Демократический выбор Казахстана", abbreviation="DVK")

    for query in ("Мамай", "Mamai", "Mamay"):
        response = client.get("/search/", {"q": query})
        assert [p.public_name for p in response.context["results"]["persons"]] == ["Zhanbolat Mamai"], query
    assert client.get("/search/", {"q": "Sekret"}).context["results"]["persons"] == []
    assert client.get("/search/", {"q": "Aktobe"}).context["results"]["persons"][0].public_name == "Blogger from Aktobe"
    assert len(client.get("/search/", {"q": "Demokraticheskii vybor"}).context["results"]["organizations"]) == 1


def test_search_with_an_empty_or_overlong_query_is_a_page_not_an_error(client):
    assert client.get("/search/").status_code == HTTPStatus.OK
    response = client.get("/search/", {"q": "x" * 500})
    assert response.status_code == HTTPStatus.OK
    assert "results" not in response.context


def test_atom_feed_lists_public_cases_only(client):
    CaseFactory(title="Published case")
    CaseFactory(title="Internal case", visibility=Visibility.INTERNAL)

    response = client.get("/cases/feed/")
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Published case</title>" in content
    assert "Internal case" not in content


def test_sitemap_lists_public_pages_in_every_language_without_protected_persons(client):
    case = CaseFactory(slug="published")
    CaseFactory(slug="draft", visibility=Visibility.INTERNAL)
    PersonFactory(slug="open-person")
    PersonFactory(slug="real-name-slug", identity_protected=True, pseudonym="P")

    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", index)
    content = "".join(client.get(section).content.decode() for section in sections)

    assert "/sitemap-cases.xml" in sections and "/sitemap-persons.xml" in sections
    assert f"http://testserver/cases/{case.slug}/" in content
    assert f"http://testserver/ru/cases/{case.slug}/" in content
    assert "/persons/open-person/" in content
    assert "draft" not in content
    assert "real-name-slug" not in content


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    text = response.content.decode()

    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_pages_carry_title_description_opengraph_and_language_alternates(client):
    case = CaseFactory(title="Case of the Shymkent activists", summary="Two activists convicted of rioting.")

    content = client.get(case.get_absolute_url()).content.decode()

    assert "<title>Case of the Shymkent activists · KazMonitor</title>" in content
    assert '<meta name="description" content="Two activists convicted of rioting.">' in content
    assert '<meta property="og:title" content="Case of the Shymkent activists">' in content
    assert f'<link rel="alternate" hreflang="ru" href="/ru/cases/{case.slug}/">' in content
    assert 'type="application/atom+xml"' in content


def test_language_switcher_links_to_the_same_page_with_its_filters_in_each_language(client):
    content = client.get("/cases/?kind=criminal").content.decode()

    assert 'href="/ru/cases/?kind=criminal" hreflang="ru"' in content
    assert 'href="/kk/cases/?kind=criminal" hreflang="kk"' in content
    assert '<html lang="en">' in content
    assert '<html lang="ru">' in client.get("/ru/cases/").content.decode()


def test_public_pages_send_a_strict_csp_and_use_no_inline_styles_or_third_party_assets(client):
    case = CaseFactory()
    ParticipantFactory(case=case)
    AssemblyFactory()

    for url in ("/", "/cases/", case.get_absolute_url(), "/statistics/", "/assemblies/", "/search/?q=a"):
        response = client.get(url)
        content = response.content.decode()
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "style-src 'self'" in csp, url
        assert not re.search(r"\sstyle=|<style|<script", content), url
        assert not re.search(r'(src|href)="https?://(?!testserver)[^"]*\.(css|js|woff2?|svg|png)"', content), url


def test_anonymous_pages_set_no_cookies(client):
    response = client.get("/cases/")
    assert response.cookies == {}


def _persons(n):
    for _ in range(n):
        person = PersonFactory(location=LocationFactory())
        person.roles.add(Role.objects.first())
    return "/persons/"


def _organizations(n):
    for _ in range(n):
        OrganizationFactory(location=LocationFactory())
    return "/organizations/"


def _assemblies(n):
    for _ in range(n):
        AssemblyFactory(location=LocationFactory())
    return "/assemblies/"


def _detained(n):
    for _ in range(n):
        detention = DetentionFactory(
            facility=FacilityFactory(location=LocationFactory()), authority=OrganizationFactory()
        )
        ExtensionFactory(detention=detention, extended_until=datetime.date(2100, 1, 1), court=CourtFactory())
    return "/detained/"


def _articles(n):
    for _ in range(n):
        ChargeFactory()
    return "/articles/"


def _article(n):
    article = LegalArticleFactory()
    for _ in range(n):
        ParticipantFactory(case=ChargeFactory(article=article).case)
    return article.get_absolute_url()


def _organization(n):
    organization = OrganizationFactory()
    for _ in range(n):
        member = MembershipFactory(organization=organization).person
        ParticipantFactory(person=member)
        AssemblyFactory().organizers.add(organization)
    return organization.get_absolute_url()


def _assembly(n):
    assembly = AssemblyFactory()
    for _ in range(n):
        assembly.organizers.add(OrganizationFactory())
        DetentionFactory(assembly=assembly, case=None)
        assembly.sources.add(SourceFactory())
    return assembly.get_absolute_url()


def _search(n):
    for i in range(n):
        person = PersonFactory(name=f"Мамай {i}", name_latin=f"Mamai {i}")
        ParticipantFactory(person=person)
        OrganizationFactory(name=f"Mamai Foundation {i}")
    return "/search/?q=Mamai"


@pytest.mark.parametrize(
    ("build", "queries"),
    [
        (_persons, 4),
        (_organizations, 2),
        (_assemblies, 2),
        (_detained, 3),
        (_articles, 1),
        (_article, 5),
        (_organization, 8),
        (_assembly, 5),
        (_search, 6),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)).strip("_"),
)
def test_pages_take_the_same_number_of_queries_for_one_or_many_rows(client, django_assert_num_queries, build, queries):
    with time_machine.travel(TODAY, tick=False):
        one = build(1)
        if not one.startswith("/search/"):  # pages kept for readers without a session
            queries += 1  # first read the database's content counter for their cache key
        elif connection.vendor == "postgresql":  # its searches are one statement there
            queries = 1
        with django_assert_num_queries(queries):
            assert client.get(one).status_code == HTTPStatus.OK
        many = build(5)
        with django_assert_num_queries(queries):
            assert client.get(many).status_code == HTTPStatus.OK


def test_the_language_links_name_each_language_mark_the_current_one_and_escape_the_query(client):
    content = client.get("/ru/cases/", {"q": '<b>"x"&'}).content.decode()

    query = "?q=%3Cb%3E%22x%22%26"
    for code, name in (("en", "English"), ("ru", "Русский"), ("kk", "Қазақ")):
        href = f"/{code}/cases/{query}" if code != "en" else f"/cases/{query}"
        assert f'<link rel="alternate" hreflang="{code}" href="{href}">' in content
        current = ' aria-current="true"' if code == "ru" else ""
        assert f'<li><a href="{href}" hreflang="{code}" lang="{code}"{current}>{name}</a></li>' in content
    assert "<b>" not in content.split("<main", 1)[0]
