"""Public case list and case page: filters in the URL, bad input, visibility,
protected identities, old slugs and constant query counts."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.contenttypes.models import ContentType

from cases.models import Case, Charge
from kazmonitor.api.tombstones import api_id
from kazmonitor.models import Location, OldSlug, Visibility
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    CourtFactory,
    DetentionFactory,
    EventFactory,
    ExtensionFactory,
    LegalArticleFactory,
    LocationFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
    SentenceFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return sorted(case.title for case in response.context["object_list"])


def full_case(people: int = 1, **kwargs) -> Case:
    """A case with every kind of fact, ``people`` defendants deep."""
    case = CaseFactory(**kwargs)
    case.sources.add(SourceFactory())
    case.tags.add(TagFactory(name="harassment", slug="harassment"))
    for _ in range(people):
        person = PersonFactory()
        ParticipantFactory(case=case, person=person)
        ChargeFactory(case=case, defendant=person).sources.add(SourceFactory())
        detention = DetentionFactory(case=case, person=person, authority=OrganizationFactory())
        ExtensionFactory(detention=detention, court=CourtFactory())
        SentenceFactory(case=case, defendant=person, court=CourtFactory())
        EventFactory(case=case, person=person)
    return case


# --- the list --------------------------------------------------------------------


def test_case_list_shows_only_public_cases(client):
    CaseFactory(title="Published")
    CaseFactory(title="Partners only", visibility=Visibility.PARTNERS)
    CaseFactory(title="Internal draft", visibility=Visibility.INTERNAL)

    response = client.get("/cases/")

    assert response.status_code == HTTPStatus.OK
    assert titles(response) == ["Published"]
    assert b"Internal draft" not in response.content


def test_case_list_filters_by_article_region_and_tag_combined_in_the_url(client):
    article = LegalArticleFactory(number="274", part="4", slug="kz-cc-274-4", title="spreading false information")
    region = LocationFactory(name="Almaty region", slug="almaty-region", kind=Location.Kind.REGION)
    city = LocationFactory(name="Taldykorgan", slug="taldykorgan", parent=region)
    tag = TagFactory(name="protest", slug="protest")
    hit = CaseFactory(title="Hit", location=city)
    hit.tags.add(tag)
    ChargeFactory(case=hit, article=article)
    other_place = CaseFactory(title="Elsewhere")
    other_place.tags.add(tag)
    ChargeFactory(case=other_place, article=article)
    CaseFactory(title="No charge", location=city).tags.add(tag)

    response = client.get("/cases/?article=kz-cc-274-4&region=almaty-region&tag=protest")

    assert titles(response) == ["Hit"]
    assert b'value="kz-cc-274-4" selected' in response.content


def test_case_list_filters_by_kind_status_freedom_and_date_range(client):
    CaseFactory(title="Old", opened_on=datetime.date(2021, 5, 1), affects_expression=True)
    CaseFactory(title="Match", opened_on=datetime.date(2022, 4, 1), affects_expression=True, status="trial")
    CaseFactory(title="Convicted", opened_on=datetime.date(2022, 4, 2), affects_expression=True, status="convicted")
    CaseFactory(title="Admin", opened_on=datetime.date(2022, 4, 3), kind="administrative", affects_expression=True)
    CaseFactory(title="Assembly only", opened_on=datetime.date(2022, 4, 4), affects_assembly=True)

    response = client.get(
        "/cases/?kind=criminal&status=active&freedom=expression&opened_from=2022-01-01&opened_to=2022-12-31"
    )

    assert titles(response) == ["Match"]


def test_case_list_filters_by_person_and_by_organization_of_its_members(client):
    member = PersonFactory(slug="member")
    outsider = PersonFactory()
    party = OrganizationFactory(slug="dvk")
    MembershipFactory(person=member, organization=party)
    ParticipantFactory(case=CaseFactory(title="Member's case"), person=member)
    ParticipantFactory(case=CaseFactory(title="Outsider's case"), person=outsider)
    court = CourtFactory(slug="court-a")
    CaseFactory(title="Heard by the court", court=court)

    assert titles(client.get("/cases/?person=member")) == ["Member's case"]
    assert titles(client.get("/cases/?organization=dvk")) == ["Member's case"]
    assert titles(client.get("/cases/?organization=court-a")) == ["Heard by the court"]


def test_person_filter_of_a_protected_person_works_by_stable_id_only(client):
    protected = PersonFactory(slug="real-name", identity_protected=True, pseudonym="Activist from Shymkent")
    ParticipantFactory(case=CaseFactory(title="Protected case"), person=protected)

    by_uuid = client.get(f"/cases/?person={api_id(protected)}")
    by_slug = client.get("/cases/?person=real-name")

    assert titles(by_uuid) == ["Protected case"]
    assert b"Cases of Activist from Shymkent" in by_uuid.content
    assert by_slug.context["form"].errors["person"]
    assert b"real-name" not in by_uuid.content


def test_case_search_finds_a_case_by_a_defendants_name_in_another_script(client):
    person = PersonFactory(name="Жанболат Мамай", name_latin="Zhanbolat Mamai")
    ParticipantFactory(case=CaseFactory(title="Opposition leader prosecuted"), person=person)
    CaseFactory(title="Unrelated")

    for query in ("Мамай", "Mamai", "Mamay"):
        assert titles(client.get("/cases/", {"q": query})) == ["Opposition leader prosecuted"]


def test_case_search_does_not_find_cases_by_a_protected_persons_real_name(client):
    person = PersonFactory(
        name="Секрет Секретов", name_latin="Sekret Sekretov", identity_protected=True, pseudonym="P1"
    )
    ParticipantFactory(case=CaseFactory(title="A case"), person=person)

    assert titles(client.get("/cases/", {"q": "Sekretov"})) == []
    assert titles(client.get("/cases/", {"q": "P1"})) == ["A case"]


@pytest.mark.parametrize(
    "query",
    [
        "article=no-such-article",
        "kind=martian",
        "status=finished",
        "opened_from=2022-13-45",
        "opened_from=2022-05-01&opened_to=2022-01-01",
        "person=nobody",
        "region=atlantis&tag=nothing&freedom=speech&organization=none",
    ],
)
def test_unknown_filter_values_give_the_page_with_a_clear_message(client, query):
    CaseFactory(title="Still listed")

    response = client.get(f"/cases/?{query}")

    assert response.status_code == HTTPStatus.OK
    assert b"could not be used and were ignored" in response.content
    assert titles(response) == ["Still listed"]


@pytest.mark.parametrize("page", ["99999", "0", "abc"])
def test_a_page_number_out_of_range_is_a_friendly_404(client, page):
    CaseFactory()

    response = client.get(f"/cases/?page={page}")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"There is no published page at this address" in response.content


def test_pagination_links_keep_the_filters(client):
    for _ in range(26):
        CaseFactory(kind="administrative")

    response = client.get("/cases/?kind=administrative")

    assert len(response.context["object_list"]) == 25
    assert b'href="?kind=administrative&amp;page=2"' in response.content
    assert len(client.get("/cases/?kind=administrative&page=2").context["object_list"]) == 1


def test_case_list_rows_name_only_public_defendants_and_their_articles(client):
    case = CaseFactory()
    ParticipantFactory(case=case, person=PersonFactory(name_latin="Shown Person"))
    ParticipantFactory(case=case, person=PersonFactory(name_latin="Hidden Person", visibility=Visibility.INTERNAL))
    ChargeFactory(case=case, article=LegalArticleFactory(number="405"))
    ChargeFactory(case=case, article=LegalArticleFactory(number="174"), visibility=Visibility.INTERNAL)

    content = client.get("/cases/").content.decode()

    assert "Shown Person" in content
    assert "Hidden Person" not in content
    assert ">CC 405</a>" in content
    assert ">CC 174</a>" not in content


def test_case_list_takes_the_same_number_of_queries_for_one_or_many_cases(client, django_assert_num_queries):
    full_case()
    with django_assert_num_queries(8):  # 7, and the content counter of the page cache's key
        client.get("/cases/")
    for _ in range(5):
        full_case(people=2)
    with django_assert_num_queries(8):
        client.get("/cases/")


# --- the case page -------------------------------------------------------------------


def test_case_page_shows_people_charges_sentences_detentions_timeline_and_sources(client):
    region = LocationFactory(name="Almaty", slug="almaty", kind=Location.Kind.CITY)
    case = CaseFactory(title="Case of Zhanbolat Mamai", location=region, case_number="2-17/2022")
    person = PersonFactory(name_latin="Zhanbolat Mamai")
    ParticipantFactory(case=case, person=person)
    ChargeFactory(
        case=case,
        defendant=person,
        article=LegalArticleFactory(number="274", part="4", title="knowingly spreading false information"),
    )
    detention = DetentionFactory(case=case, person=person, started_on=datetime.date(2022, 3, 15))
    ExtensionFactory(
        detention=detention, decided_on=datetime.date(2022, 5, 6), extended_until=datetime.date(2022, 6, 12)
    )
    SentenceFactory(case=case, defendant=person, kind="restricted_freedom", term=6, term_unit="years")
    EventFactory(case=case, description="Amnesty application rejected.", occurred_on=datetime.date(2022, 4, 4))
    case.sources.add(SourceFactory(title="IPHR update", url="https://example.org/iphr"))

    response = client.get(case.get_absolute_url())
    content = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    for text in (
        "Case of Zhanbolat Mamai",
        "2-17/2022",
        "Zhanbolat Mamai</a> — defendant",
        "CC art. 274.4",
        "knowingly spreading false information",
        "Restricted freedom, 6 years",
        "pre-trial detention",
        "Extended on 6 May 2022 until 12 June 2022",
        "Amnesty application rejected.",
        'href="https://example.org/iphr"',
    ):
        assert text in content, text
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert kinds == ["charge", "detention", "hearing", "extension", "sentence"]


def test_case_page_never_reveals_facts_below_public_or_confidential_fields(client):
    case = CaseFactory(internal_notes="CONFIDENTIAL-NOTE")
    hidden = PersonFactory(name_latin="Hidden Witness", visibility=Visibility.PARTNERS)
    ParticipantFactory(case=case, person=hidden, role="witness")
    ChargeFactory(case=case, defendant=hidden)
    public_person = PersonFactory(name_latin="Public Person", contacts="+7 700 000 0000")
    ChargeFactory(case=case, defendant=public_person, internal_notes="CHARGE-SECRET")
    EventFactory(case=case, description="Internal event", visibility=Visibility.INTERNAL)
    case.sources.add(SourceFactory(title="Secret source", visibility=Visibility.INTERNAL, provenance_notes="INFORMANT"))
    DetentionFactory(case=case, person=public_person, authority=OrganizationFactory(name="Secret Unit", visibility=0))

    content = client.get(case.get_absolute_url()).content.decode()

    for secret in (
        "CONFIDENTIAL-NOTE",
        "Hidden Witness",
        "CHARGE-SECRET",
        "Internal event",
        "Secret source",
        "INFORMANT",
    ):
        assert secret not in content, secret
    assert "+7 700" not in content
    assert "Secret Unit" not in content
    assert "Public Person" in content


def test_case_page_names_a_protected_person_only_by_pseudonym_and_links_by_stable_id(client):
    case = CaseFactory()
    person = PersonFactory(
        name="Айгуль Секретова",
        name_latin="Aigul Sekretova",
        slug="aigul-sekretova",
        identity_protected=True,
        pseudonym="Activist from Shymkent",
    )
    ParticipantFactory(case=case, person=person)
    ChargeFactory(case=case, defendant=person)

    content = client.get(case.get_absolute_url()).content.decode()

    assert "Activist from Shymkent" in content
    assert f"/persons/id/{api_id(person)}/" in content
    for leak in ("Sekretova", "Секретова", "aigul"):
        assert leak not in content, leak


@pytest.mark.parametrize("level", [Visibility.INTERNAL, Visibility.PARTNERS])
def test_a_case_below_public_is_404(client, level):
    case = CaseFactory(visibility=level)

    assert client.get(case.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_an_old_slug_redirects_permanently_to_the_current_page(client):
    case = CaseFactory(slug="new-title")
    OldSlug.objects.create(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, slug="old-title")

    response = client.get("/cases/old-title/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/cases/new-title/"


def test_an_old_slug_of_a_withdrawn_case_is_404(client):
    case = CaseFactory(slug="new-title", visibility=Visibility.INTERNAL)
    OldSlug.objects.create(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, slug="old-title")

    assert client.get("/cases/old-title/").status_code == HTTPStatus.NOT_FOUND


def test_withdrawing_a_case_removes_it_at_once(client):
    case = CaseFactory(title="Soon withdrawn")
    assert client.get(case.get_absolute_url()).status_code == HTTPStatus.OK
    assert titles(client.get("/cases/")) == ["Soon withdrawn"]

    Case.objects.filter(pk=case.pk).update(visibility=Visibility.INTERNAL)

    assert client.get(case.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert titles(client.get("/cases/")) == []


def test_case_page_shows_translated_title_and_summary_falling_back_to_the_original(client):
    case = CaseFactory(
        title="Case of the Shymkent activists", title_ru="Дело шымкентских активистов", summary="As written."
    )

    russian = client.get(f"/ru/cases/{case.slug}/").content.decode()
    kazakh = client.get(f"/kk/cases/{case.slug}/").content.decode()

    assert "<h1>Дело шымкентских активистов</h1>" in russian
    assert "<h1>Case of the Shymkent activists</h1>" in kazakh
    assert "As written." in russian


def test_case_page_takes_the_same_number_of_queries_for_one_or_many_facts(client, django_assert_num_queries):
    small, big = full_case(people=1), full_case(people=6)
    with django_assert_num_queries(10):  # 9 (load_case_facts), and the content counter of the page cache's key
        client.get(small.get_absolute_url())
    with django_assert_num_queries(10):
        client.get(big.get_absolute_url())


def test_charge_counts_in_this_module_are_public_only():
    """Guard for the fixtures above: the factories publish by default."""
    assert ChargeFactory().visibility == Visibility.PUBLIC
    assert Charge.objects.visible_to(Visibility.PUBLIC).count() == 1


def test_source_links_are_only_web_addresses(client):
    case = CaseFactory()
    case.sources.add(
        SourceFactory(title="Good", url="https://example.org/a", archived_url="https://web.archive.org/a"),
        SourceFactory(title="Bad", url="javascript:alert(1)", archived_url="data:text/html,x"),
    )

    content = client.get(case.get_absolute_url()).content.decode()

    assert 'href="https://example.org/a"' in content
    assert 'href="https://web.archive.org/a"' in content
    assert "javascript:" not in content and "data:text" not in content
    assert "<li>Bad, IPHR" in content


def test_a_very_broad_case_list_counts_only_up_to_the_cap(client, monkeypatch, settings):
    from kazmonitor.public_views import CappedPaginator

    settings.PAGE_CACHE_SECONDS = 0  # the cap changes below, not the data: no kept page may answer
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for _ in range(5):
        CaseFactory(visibility=Visibility.PUBLIC)
    response = client.get("/cases/")
    assert response.status_code == 200
    assert "More than 3 cases: narrow the search" in response.content.decode()
    # Pages reach as far as the count does (cap + 1 rows: 400 full pages at the real cap).
    assert len(response.context["object_list"]) == 4

    monkeypatch.setattr(CappedPaginator, "cap", 10)
    assert "5 cases" in client.get("/cases/").content.decode()
