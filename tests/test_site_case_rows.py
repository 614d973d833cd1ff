"""Case rows (case list, home page, article and organization pages) and the case list's
filter selects, as readers see them; and the URLs the rows link to."""

import re
from http import HTTPStatus

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from cases.models import Participant
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import Visibility
from kazmonitor.templatetags.site import page_url, person_url, url_of
from tests.factories import (
    AssemblyFactory,
    CaseFactory,
    ChargeFactory,
    LegalArticleFactory,
    LocationFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def rows(client, path: str = "/cases/") -> str:
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    return re.search(r'<ul class="rows">.*?</ul>', response.content.decode(), re.S).group(0)


def test_a_row_shows_title_kind_status_date_and_place_linked_to_the_case(client):
    place = LocationFactory(name="Almaty", name_local="Алматы", slug="almaty")
    CaseFactory(title="Case of the <Shymkent> activists", title_ru="Дело активистов", slug="shymkent", location=place)

    english, russian = rows(client), rows(client, "/ru/cases/")

    assert '<h3><a href="/cases/shymkent/">Case of the &lt;Shymkent&gt; activists</a></h3>' in english
    assert '<p class="meta">Criminal · investigation · opened 15 March 2022 · Almaty</p>' in english
    assert '<a href="/ru/cases/shymkent/">Дело активистов</a>' in russian
    assert "Алматы" in russian


def test_a_row_names_a_protected_person_by_pseudonym_and_links_by_the_stable_id(client):
    case = CaseFactory()
    protected = PersonFactory(
        name="Real Name", name_latin="Real Name", slug="real-name", identity_protected=True, pseudonym="Activist A"
    )
    ParticipantFactory(case=case, person=protected)
    ParticipantFactory(case=case, person=PersonFactory(name_latin="Open Person", slug="open-person"))

    row = rows(client)

    assert "Real Name" not in row and "real-name" not in row
    assert f'<a href="/persons/id/{api_id(protected)}/">Activist A</a> <span class="role">(defendant)</span>' in row
    assert '<a href="/persons/open-person/">Open Person</a>' in row


def test_a_row_lists_each_published_article_once_by_number(client):
    case = CaseFactory()
    riots, insult = LegalArticleFactory(number="272", part="2", slug="riots"), LegalArticleFactory(number="174")
    for _ in range(3):
        ChargeFactory(case=case, article=riots)
    ChargeFactory(case=case, article=insult)
    ChargeFactory(case=case, article=LegalArticleFactory(number="405"), visibility=Visibility.INTERNAL)

    row = rows(client)

    assert re.search(
        r'<p class="articles"><a href="[^"]+">CC 174</a>, <a href="/articles/riots/">CC 272.2</a></p>', row
    )
    assert "405" not in row


def test_an_empty_list_says_so(client):
    assert '<li class="empty">No cases.</li>' in rows(client)


def test_the_home_page_rows_say_when_each_case_was_updated(client):
    CaseFactory(title="Recent case")

    row = rows(client, "/")

    assert re.search(r'· updated <time datetime="\d{4}-\d\d-\d\dT[^"]+">[^<]+</time></p>', row)


def test_the_filter_selects_keep_the_chosen_values(client):
    TagFactory(name="harassment", slug="harassment")
    LocationFactory(name="Almaty", slug="almaty", kind="city")

    page = client.get("/cases/", {"kind": "criminal", "tag": "harassment", "region": "almaty"}).content.decode()

    assert '<option value="criminal" selected>criminal</option>' in page
    assert '<option value="harassment" selected>harassment</option>' in page
    assert '<option value="almaty" selected>Almaty</option>' in page
    assert '<option value="" selected>any</option>' not in page.split('name="tag"')[1].split("</select>")[0]


def test_the_filter_choices_are_kept_until_the_records_change(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0  # the page itself built every time
    TagFactory(name="harassment", slug="harassment")
    CaseFactory()
    client.get("/cases/")

    with django_assert_num_queries(4):  # count, page, people, articles: no article, place or tag list
        page = client.get("/cases/").content.decode()
    assert '<option value="harassment">harassment</option>' in page

    TagFactory(name="surveillance", slug="surveillance")

    assert '<option value="surveillance">surveillance</option>' in client.get("/cases/").content.decode()


def test_record_urls_are_what_reverse_gives_in_every_language():
    person = PersonFactory(slug="open-person")
    protected = PersonFactory(identity_protected=True, pseudonym="Activist B")
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            assert url_of("case_detail")("a-case_1") == reverse("case_detail", kwargs={"slug": "a-case_1"})
            assert person_url(person) == reverse("person_detail", kwargs={"slug": "open-person"})
            assert person_url(protected) == reverse("person_protected_detail", kwargs={"uuid": api_id(protected)})


def test_page_urls_are_the_records_own_urls_in_every_language():
    records = [CaseFactory(), LegalArticleFactory(), AssemblyFactory(), OrganizationFactory(), PersonFactory()]
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            for record in records:
                assert page_url(record) == record.get_absolute_url()


def test_a_value_reverse_would_refuse_is_refused_alike():
    with pytest.raises(NoReverseMatch):
        url_of("case_detail")("not/a slug")


def test_a_row_shows_each_persons_role(client):
    ParticipantFactory(role=Participant.Role.LAWYER)

    assert "(lawyer)" in rows(client)
    assert "(defendant)" not in rows(client)
